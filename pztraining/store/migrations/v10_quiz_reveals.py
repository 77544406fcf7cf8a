"""Schema 10: Quiz answers the trainer has shown."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from pztraining.store.tables import metadata, quiz_reveals


def migrate(conn: Connection) -> None:
    metadata.create_all(conn, tables=[quiz_reveals])
