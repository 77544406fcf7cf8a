"""Schema 17: An entered indicator belongs to a programme, not only to an organisation."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection


def migrate(conn: Connection) -> None:
    # Figures kept before this step get "" (no programme): they stay visible under every programme.
    columns = {c["name"] for c in inspect(conn).get_columns("entered_indicators")}
    if "program_id" not in columns:
        conn.execute(text("ALTER TABLE entered_indicators ADD COLUMN program_id VARCHAR(64) NOT NULL DEFAULT ''"))
