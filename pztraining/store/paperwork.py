"""A training's paperwork: its details (location, trainers, accreditation) and attendance.

Attendance has two sources: the room (a participant who sent a named form in a meeting was
there) and the paper attendance list, entered afterwards by the trainer. What is entered from
paper counts over the room's record for that name and meeting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select

from pztraining.core.text_input import clean_name
from pztraining.store.engine import Database, retry_when_busy
from pztraining.store.tables import paper_attendance, participants, submissions, training_details
from pztraining.store.trainings import require_training

#: The longest text of each detail, as the columns allow.
DETAIL_LIMITS = {"location": 300, "trainers": 300, "register": 200, "accreditation_number": 100, "points": 20}


@dataclass(frozen=True)
class TrainingDetails:
    """What the organisation fills in for a training's invitations and certificates (as typed)."""

    location: str = ""
    trainers: str = ""
    register: str = ""
    accreditation_number: str = ""
    points: str = ""


class Paperwork(Database):
    """The SQL of training details and attendance."""

    def training_details(self, training_id: int) -> TrainingDetails:
        """The details of a training; empty fields when none were entered."""
        with self._read() as conn:
            row = conn.execute(select(training_details).where(training_details.c.training_id == training_id)).first()
        if row is None:
            return TrainingDetails()
        return TrainingDetails(row.location, row.trainers, row.register, row.accreditation_number, row.points)

    @retry_when_busy
    def save_training_details(self, training_id: int, details: TrainingDetails, now: datetime) -> TrainingDetails:
        """Store ``details`` (each field trimmed to its column's length); returns what was stored."""
        values = {name: " ".join(str(getattr(details, name)).split())[:limit] for name, limit in DETAIL_LIMITS.items()}
        with self._write() as conn:
            require_training(conn, training_id)
            conn.execute(delete(training_details).where(training_details.c.training_id == training_id))
            conn.execute(insert(training_details).values(training_id=training_id, updated_at=now, **values))
        return TrainingDetails(**values)

    def room_attendance(self, training_id: int) -> dict[int, set[str]]:
        """Per meeting, the names of the participants who sent a named form in it (on their own device)."""
        with self._read() as conn:
            rows = conn.execute(
                select(submissions.c.meeting, participants.c.name)
                .distinct()
                .join(participants, participants.c.id == submissions.c.participant_id)
                .where(submissions.c.training_id == training_id, submissions.c.paper.is_(False))
            ).all()
        seen: dict[int, set[str]] = {}
        for row in rows:
            seen.setdefault(row.meeting, set()).add(row.name)
        return seen

    def paper_attendance(self, training_id: int) -> dict[int, dict[str, bool]]:
        """Per meeting, the names entered from the paper list and whether each was present."""
        with self._read() as conn:
            rows = conn.execute(
                select(paper_attendance)
                .where(paper_attendance.c.training_id == training_id)
                .order_by(paper_attendance.c.meeting, paper_attendance.c.name)
            ).all()
        entered: dict[int, dict[str, bool]] = {}
        for row in rows:
            entered.setdefault(row.meeting, {})[row.name] = row.present
        return entered

    @retry_when_busy
    def set_paper_attendance(self, training_id: int, meeting: int, names: dict[str, bool], now: datetime) -> None:
        """Replace what was entered from the paper list of one meeting: name → present (True) or absent."""
        cleaned = {clean_name(name)[:100]: present for name, present in names.items() if clean_name(name)}
        with self._write() as conn:
            require_training(conn, training_id)
            conn.execute(
                delete(paper_attendance).where(
                    paper_attendance.c.training_id == training_id, paper_attendance.c.meeting == meeting
                )
            )
            if cleaned:
                conn.execute(
                    insert(paper_attendance),
                    [
                        {
                            "training_id": training_id,
                            "meeting": meeting,
                            "name": name,
                            "present": present,
                            "entered_at": now,
                        }
                        for name, present in cleaned.items()
                    ],
                )
