"""Schema 14: The window in which a login name may choose its first password."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection


def migrate(conn: Connection) -> None:
    columns = {c["name"] for c in inspect(conn).get_columns("users")}
    if "first_login_until" not in columns:
        kind = "TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME"
        conn.execute(text(f"ALTER TABLE users ADD COLUMN first_login_until {kind}"))
