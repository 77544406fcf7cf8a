"""Trainings: the groups, their meeting dates, the Draaiboek's runs and the preparation checklist."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from pztraining.core.text_input import clean_name
from pztraining.core.texts import t
from pztraining.store.engine import Database, inserted_id, retry_when_busy
from pztraining.store.errors import MissingEntry, StoreError
from pztraining.store.keys import new_device_salt, new_join_code, normalize_join_code
from pztraining.store.tables import (
    answers,
    bundle_imports,
    case_actions,
    case_shares,
    checklist_ticks,
    drafts,
    facilitator_links,
    form_sessions,
    meeting_date_rows,
    meeting_runs,
    paper_attendance,
    participants,
    quiz_reveals,
    roleplay_groups,
    roleplay_turns,
    room_versions,
    submissions,
    training_details,
    trainings,
    utc,
)


@dataclass(frozen=True)
class Training:
    """A group following a program."""

    id: int
    name: str
    program_id: str
    organisation: str
    meeting_dates: tuple[date | None, ...]
    created_at: datetime
    join_code: str = ""

    def meeting_date(self, number: int) -> date | None:
        """The planned date of meeting ``number`` (1-based), if known."""
        return self.meeting_dates[number - 1] if 0 < number <= len(self.meeting_dates) else None


def training_from_row(conn: Connection, row: Any) -> Training:
    """A training as stored, with its meeting dates."""
    days = conn.execute(
        select(meeting_date_rows.c.meeting, meeting_date_rows.c.date)
        .where(meeting_date_rows.c.training_id == row.id)
        .order_by(meeting_date_rows.c.meeting)
    ).all()
    return Training(
        row.id,
        row.name,
        row.program_id,
        row.organisation,
        tuple(d.date for d in days),
        utc(row.created_at),
        row.join_code or "",
    )


def delete_training_rows(conn: Connection, training_id: int) -> None:
    """Delete everything stored for a training except its own row (inside a write)."""
    groups = select(roleplay_groups.c.id).where(roleplay_groups.c.training_id == training_id)
    conn.execute(delete(roleplay_turns).where(roleplay_turns.c.group_id.in_(groups)))
    sent = select(submissions.c.id).where(submissions.c.training_id == training_id)
    conn.execute(delete(answers).where(answers.c.submission_id.in_(sent)))
    for table in (
        submissions,
        drafts,
        form_sessions,
        participants,
        roleplay_groups,
        checklist_ticks,
        meeting_runs,
        meeting_date_rows,
        room_versions,
        case_shares,
        facilitator_links,
        case_actions,
        quiz_reveals,
        training_details,
        paper_attendance,
    ):
        conn.execute(delete(table).where(table.c.training_id == training_id))


def require_training(conn: Connection, training_id: int) -> None:
    """MissingEntry unless the training exists (inside a write, before touching its rows)."""
    if conn.execute(select(trainings.c.id).where(trainings.c.id == training_id)).first() is None:
        raise MissingEntry(t("store.training_missing", training_id=training_id))


class Trainings(Database):
    """The SQL of trainings, meeting runs and checklist ticks."""

    @retry_when_busy
    def add_training(
        self,
        name: str,
        program_id: str,
        now: datetime,
        organisation: str = "",
        meeting_dates: tuple[date | None, ...] = (),
    ) -> Training:
        """Create a training (a group following ``program_id``) and return it."""
        name = clean_name(name)  # no invisible or look-alike characters in a list of trainings
        if not name:
            raise StoreError(t("store.training_unnamed"))
        with self._write() as conn:
            taken = set(conn.execute(select(trainings.c.join_code)).scalars())
            training_id = inserted_id(
                conn.execute(
                    insert(trainings).values(
                        name=name,
                        program_id=program_id,
                        organisation=organisation.strip(),
                        created_at=now,
                        join_code=new_join_code(taken),
                        device_salt=new_device_salt(),
                    )
                )
            )
            for number, day in enumerate(meeting_dates, start=1):
                conn.execute(insert(meeting_date_rows).values(training_id=training_id, meeting=number, date=day))
        return self.find_training(training_id)

    def find_training(self, training_id: int) -> Training:
        """The training with this id; MissingEntry when there is none."""
        with self._read() as conn:
            row = conn.execute(select(trainings).where(trainings.c.id == training_id)).first()
            if row is None:
                raise MissingEntry(t("store.training_missing", training_id=training_id))
            return training_from_row(conn, row)

    def list_trainings(self) -> list[Training]:
        """All trainings, newest first."""
        with self._read() as conn:
            rows = conn.execute(select(trainings).order_by(trainings.c.created_at.desc(), trainings.c.id.desc())).all()
            return [training_from_row(conn, row) for row in rows]

    @retry_when_busy
    def remove_training(self, training_id: int) -> None:
        """Delete a training and everything stored for it (AVG: the right to be forgotten)."""
        with self._write() as conn:
            delete_training_rows(conn, training_id)
            conn.execute(delete(bundle_imports).where(bundle_imports.c.training_id == training_id))
            if conn.execute(delete(trainings).where(trainings.c.id == training_id)).rowcount == 0:
                raise MissingEntry(t("store.training_missing", training_id=training_id))
        self._checkpoint()

    def find_training_by_code(self, code: str) -> Training:
        """The training with this join code (as typed: case and spaces do not matter)."""
        with self._read() as conn:
            row = conn.execute(select(trainings).where(trainings.c.join_code == normalize_join_code(code))).first()
            if row is None:
                raise MissingEntry(t("store.code_unknown"))
            return training_from_row(conn, row)

    def find_training_key(self, training_id: int, purpose: str) -> bytes:
        """A secret of this training for ``purpose`` (derived from its salt); MissingEntry without it."""
        with self._read() as conn:
            salt = conn.execute(select(trainings.c.device_salt).where(trainings.c.id == training_id)).scalar()
        if not salt:
            raise MissingEntry(t("store.training_missing", training_id=training_id))
        return hmac.new(bytes.fromhex(salt), f"key:{purpose}".encode(), hashlib.sha256).digest()

    # ------------------------------------------------------------------ meeting runs

    def find_run(self, training_id: int, meeting: int) -> tuple[dict | None, int]:
        """The saved run state of a meeting (``schedule.Run.to_dict()``, or None) and its version (0: never run)."""
        with self._read() as conn:
            row = conn.execute(
                select(meeting_runs.c.state, meeting_runs.c.version).where(
                    meeting_runs.c.training_id == training_id, meeting_runs.c.meeting == meeting
                )
            ).first()
        return (json.loads(row.state), row.version) if row else (None, 0)

    def list_runs(self, training_id: int) -> dict[int, dict]:
        """The saved run states of a training: meeting number → state (reset runs left out)."""
        with self._read() as conn:
            rows = conn.execute(
                select(meeting_runs.c.meeting, meeting_runs.c.state)
                .where(meeting_runs.c.training_id == training_id)
                .order_by(meeting_runs.c.meeting)
            ).all()
        states = {row.meeting: json.loads(row.state) for row in rows}
        return {meeting: state for meeting, state in states.items() if state is not None}

    @retry_when_busy
    def update_run(
        self,
        training_id: int,
        meeting: int,
        change: Callable[[dict | None], dict | None],
        now: datetime,
        expected_version: int | None = None,
    ) -> tuple[dict | None, int, bool]:
        """Apply ``change`` to a meeting's latest run state under a lock; ``(state, version, applied)``.

        ``change(state or None) -> new state or None`` (None forgets the run). When
        ``expected_version`` is given and the run has moved on since (a double click, or
        another tab pressed first), nothing is changed and the latest state is returned
        with ``applied`` False: the store decides, and every page converges on it.
        """
        key = (meeting_runs.c.training_id == training_id, meeting_runs.c.meeting == meeting)
        with self._write() as conn:
            require_training(conn, training_id)
            row = conn.execute(
                select(meeting_runs.c.state, meeting_runs.c.version).where(*key).with_for_update()
            ).first()
            state, version = (json.loads(row.state), row.version) if row else (None, 0)
            if expected_version is not None and version != expected_version:
                return state, version, False
            new = change(state)
            if row is None:
                conn.execute(
                    insert(meeting_runs).values(
                        training_id=training_id, meeting=meeting, state=json.dumps(new), updated_at=now, version=1
                    )
                )
            else:
                conn.execute(
                    update(meeting_runs).where(*key).values(state=json.dumps(new), updated_at=now, version=version + 1)
                )
        return new, version + 1, True

    # ------------------------------------------------------------------ checklist

    def checklist_ticks(self, training_id: int) -> dict[str, datetime]:
        """Ticked checklist items of a training: item id → when it was ticked (UTC)."""
        with self._read() as conn:
            rows = conn.execute(select(checklist_ticks).where(checklist_ticks.c.training_id == training_id)).all()
        return {row.item_id: utc(row.ticked_at) for row in rows}

    @retry_when_busy
    def set_checklist_tick(self, training_id: int, item_id: str, ticked: bool, now: datetime) -> None:
        """Tick (or untick) a preparation checklist item."""
        with self._write() as conn:
            require_training(conn, training_id)
            conn.execute(
                delete(checklist_ticks).where(
                    checklist_ticks.c.training_id == training_id, checklist_ticks.c.item_id == item_id
                )
            )
            if ticked:
                conn.execute(insert(checklist_ticks).values(training_id=training_id, item_id=item_id, ticked_at=now))
