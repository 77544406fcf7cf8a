"""Schema 8: Login names with their role and organisation (hosted mode)."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from pztraining.store.tables import metadata, users


def migrate(conn: Connection) -> None:
    metadata.create_all(conn, tables=[users])
