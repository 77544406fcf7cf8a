"""Schema 4: The form as it was asked, kept with its session."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection


def migrate(conn: Connection) -> None:
    columns = {c["name"] for c in inspect(conn).get_columns("form_sessions")}
    if "form_spec" not in columns:
        conn.execute(text("ALTER TABLE form_sessions ADD COLUMN form_spec TEXT"))
