"""Schema 3: Join codes for trainings (existing ones get one), participants, forms, submissions, answers, drafts."""

from __future__ import annotations

from sqlalchemy import inspect, select, text, update
from sqlalchemy.engine import Connection

from pztraining.store.keys import new_join_code
from pztraining.store.tables import answers, drafts, form_sessions, metadata, participants, submissions, trainings


def migrate(conn: Connection) -> None:
    columns = {c["name"] for c in inspect(conn).get_columns("trainings")}
    if "join_code" not in columns:
        conn.execute(text("ALTER TABLE trainings ADD COLUMN join_code VARCHAR(12)"))
        conn.execute(text("CREATE UNIQUE INDEX ix_trainings_join_code ON trainings (join_code)"))
    taken: set[str] = set()
    for (training_id,) in conn.execute(select(trainings.c.id).where(trainings.c.join_code.is_(None))).all():
        code = new_join_code(taken)
        taken.add(code)
        conn.execute(update(trainings).where(trainings.c.id == training_id).values(join_code=code))
    metadata.create_all(conn, tables=[participants, form_sessions, submissions, answers, drafts])
