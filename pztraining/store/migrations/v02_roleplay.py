"""Schema 2: Role-play practice groups and the log of their turns."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from pztraining.store.tables import metadata, roleplay_groups, roleplay_turns


def migrate(conn: Connection) -> None:
    metadata.create_all(conn, tables=[roleplay_groups, roleplay_turns])
