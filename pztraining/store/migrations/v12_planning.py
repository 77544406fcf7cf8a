"""Schema 12: The kartrekker's planning start months and entered indicators."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from pztraining.store.tables import entered_indicators, metadata, plan_starts


def migrate(conn: Connection) -> None:
    metadata.create_all(conn, tables=[plan_starts, entered_indicators])
