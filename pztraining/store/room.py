"""The room (phones, tablets): what they see changes with the room version; shared cases; facilitator links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from pztraining.store.engine import Database, retry_when_busy
from pztraining.store.keys import FACILITATOR_CODE_LENGTH, new_join_code, normalize_join_code
from pztraining.store.tables import case_shares, facilitator_links, room_versions
from pztraining.store.trainings import require_training


def bump_room(conn: Connection, training_id: int) -> None:
    # In the same transaction as the change, so a phone never sees the new version
    # without the change behind it.
    if not conn.execute(
        update(room_versions)
        .where(room_versions.c.training_id == training_id)
        .values(version=room_versions.c.version + 1)
    ).rowcount:
        conn.execute(insert(room_versions).values(training_id=training_id, version=1))


class Room(Database):
    """The SQL of room versions, shared cases and facilitator codes."""

    def room_versions(self, training_ids: list[int]) -> dict[int, int]:
        """training id → a number that grows whenever what its phones see changes (0: never)."""
        if not training_ids:
            return {}
        with self._read() as conn:
            rows = conn.execute(
                select(room_versions.c.training_id, room_versions.c.version).where(
                    room_versions.c.training_id.in_(training_ids)
                )
            ).all()
        found = {row.training_id: row.version for row in rows}
        return {training_id: found.get(training_id, 0) for training_id in training_ids}

    @retry_when_busy
    def share_case(self, training_id: int, meeting: int, case_id: str, shared: bool, now: datetime) -> None:
        """Show (or stop showing) a case's participant briefing on the phones of a meeting."""
        key = (
            case_shares.c.training_id == training_id,
            case_shares.c.meeting == meeting,
            case_shares.c.case_id == case_id,
        )
        with self._write() as conn:
            require_training(conn, training_id)
            row = conn.execute(select(case_shares).where(*key)).first()
            if row is None and shared:
                conn.execute(
                    insert(case_shares).values(training_id=training_id, meeting=meeting, case_id=case_id, opened_at=now)
                )
            elif row is not None:
                conn.execute(update(case_shares).where(*key).values(closed_at=None if shared else now))
            bump_room(conn, training_id)

    def shared_cases(self, training_id: int, meeting: int | None = None) -> list[tuple[int, str]]:
        """(meeting, case id) of the cases whose briefing the phones show now, in order of opening."""
        query = select(case_shares.c.meeting, case_shares.c.case_id).where(
            case_shares.c.training_id == training_id, case_shares.c.closed_at.is_(None)
        )
        if meeting is not None:
            query = query.where(case_shares.c.meeting == meeting)
        with self._read() as conn:
            rows = conn.execute(query.order_by(case_shares.c.opened_at, case_shares.c.case_id)).all()
        return [(row.meeting, row.case_id) for row in rows]

    @retry_when_busy
    def facilitator_code(self, training_id: int, meeting: int) -> str:
        """The facilitator code of a meeting, made on first use and the same afterwards."""
        where = (facilitator_links.c.training_id == training_id, facilitator_links.c.meeting == meeting)
        with self._read() as conn:
            code = conn.execute(select(facilitator_links.c.code).where(*where)).scalar()
        if code:
            return code
        with self._write() as conn:
            require_training(conn, training_id)
            code = conn.execute(select(facilitator_links.c.code).where(*where)).scalar()
            if code is None:  # another page may have made it a moment ago
                code = new_join_code(length=FACILITATOR_CODE_LENGTH)
                conn.execute(insert(facilitator_links).values(code=code, training_id=training_id, meeting=meeting))
        return code

    def find_facilitator_link(self, code: str) -> tuple[int, int] | None:
        """(training id, meeting) that a facilitator code opens, or None."""
        code = normalize_join_code(code or "")
        if not code:
            return None
        with self._read() as conn:
            row = conn.execute(
                select(facilitator_links.c.training_id, facilitator_links.c.meeting).where(
                    facilitator_links.c.code == code
                )
            ).first()
        return (row.training_id, row.meeting) if row else None
