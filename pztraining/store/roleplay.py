"""Role-play practice groups: their state (``roleplay.RolePlay.to_dict()``), version and logged turns."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from pztraining.core.texts import t
from pztraining.store.engine import Database, inserted_id, retry_when_busy
from pztraining.store.errors import MissingEntry, StoreError
from pztraining.store.tables import roleplay_groups, roleplay_turns, utc
from pztraining.store.trainings import require_training


@dataclass(frozen=True)
class RolePlayRow:
    """A practice group as stored: its state (``RolePlay.to_dict()``) and version."""

    id: int
    training_id: int
    meeting: int
    name: str
    state: dict
    version: int


def roleplay_from_row(row: Any) -> RolePlayRow:
    return RolePlayRow(row.id, row.training_id, row.meeting, row.name, json.loads(row.state), row.version)


class RolePlay(Database):
    """The SQL of practice groups and their turns."""

    @retry_when_busy
    def add_roleplay_group(self, training_id: int, meeting: int, name: str, state: dict, now: datetime) -> RolePlayRow:
        """Create a practice group for a meeting; its name is unique within the meeting."""
        with self._write() as conn:
            require_training(conn, training_id)
            taken = conn.execute(
                select(roleplay_groups.c.id).where(
                    roleplay_groups.c.training_id == training_id,
                    roleplay_groups.c.meeting == meeting,
                    roleplay_groups.c.name == name,
                )
            ).first()
            if taken:
                raise StoreError(t("store.group_taken", name=name))
            group_id = inserted_id(
                conn.execute(
                    insert(roleplay_groups).values(
                        training_id=training_id,
                        meeting=meeting,
                        name=name,
                        state=json.dumps(state),
                        version=1,
                        updated_at=now,
                    )
                )
            )
        return self.find_roleplay_group(group_id)

    def find_roleplay_group(self, group_id: int) -> RolePlayRow:
        """The practice group with this id; MissingEntry when there is none."""
        with self._read() as conn:
            row = conn.execute(select(roleplay_groups).where(roleplay_groups.c.id == group_id)).first()
        if row is None:
            raise MissingEntry(t("store.group_missing", group_id=group_id))
        return roleplay_from_row(row)

    def list_roleplay_groups(self, training_id: int, meeting: int) -> list[RolePlayRow]:
        """The practice groups of a meeting, in the order they were made."""
        with self._read() as conn:
            rows = conn.execute(
                select(roleplay_groups)
                .where(
                    roleplay_groups.c.training_id == training_id,
                    roleplay_groups.c.meeting == meeting,
                )
                .order_by(roleplay_groups.c.id)
            ).all()
        return [roleplay_from_row(row) for row in rows]

    @retry_when_busy
    def update_roleplay(
        self,
        group_id: int,
        change: Callable[[dict], tuple[dict, list[dict]]],
        now: datetime,
        expected_version: int | None = None,
    ) -> tuple[RolePlayRow, bool]:
        """Apply ``change`` to a group's latest state under a lock and log the turns it returns.

        ``change(state) -> (new_state, turns)``. When ``expected_version`` is given and the
        group has moved on since (another facilitator pressed first), nothing is changed and
        ``(latest, False)`` is returned: the store decides, and both pages converge on it.
        ``change`` must be pure: when the database was busy, it runs again on the latest state.
        """
        with self._write() as conn:
            row = conn.execute(
                select(roleplay_groups).where(roleplay_groups.c.id == group_id).with_for_update()
            ).first()
            if row is None:
                raise MissingEntry(t("store.group_missing", group_id=group_id))
            if expected_version is not None and row.version != expected_version:
                return roleplay_from_row(row), False
            state, turns = change(json.loads(row.state))
            conn.execute(
                update(roleplay_groups)
                .where(roleplay_groups.c.id == group_id)
                .values(state=json.dumps(state), version=row.version + 1, updated_at=now)
            )
            for turn in turns:
                conn.execute(insert(roleplay_turns).values(group_id=group_id, **turn))
        return self.find_roleplay_group(group_id), True

    def list_roleplay_turns(self, group_id: int) -> list[dict]:
        """The logged turns of a group, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                select(roleplay_turns).where(roleplay_turns.c.group_id == group_id).order_by(roleplay_turns.c.id)
            ).all()
        return [{**row._asdict(), "started_at": utc(row.started_at), "ended_at": utc(row.ended_at)} for row in rows]
