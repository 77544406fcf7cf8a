"""Schema 9: Actions agreed at case discussions."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from pztraining.store.tables import case_actions, metadata


def migrate(conn: Connection) -> None:
    metadata.create_all(conn, tables=[case_actions])
