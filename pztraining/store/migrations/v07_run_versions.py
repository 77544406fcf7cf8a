"""Schema 7: A version per meeting run, so a press on a stale page is recognised."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection


def migrate(conn: Connection) -> None:
    columns = {c["name"] for c in inspect(conn).get_columns("meeting_runs")}
    if "version" not in columns:
        conn.execute(text("ALTER TABLE meeting_runs ADD COLUMN version INTEGER NOT NULL DEFAULT 0"))
