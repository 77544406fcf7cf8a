"""Schema 6: Anonymous rows carry nothing that orders them: random submission ids, no rowid, no time
on anonymous drafts."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.engine import Connection

from pztraining.store.keys import new_submission_id
from pztraining.store.tables import answers, drafts, form_sessions, submissions


def migrate(conn: Connection) -> None:
    # Anonymous rows must carry nothing that orders them: random submission ids instead of
    # a sequence, no rowid behind answers and drafts (SQLite), no time on anonymous drafts.
    if conn.dialect.name == "sqlite":
        for table in (answers, drafts):  # SQLite cannot change a column or drop a rowid: rebuild
            old = f"{table.name}_schema5"
            conn.exec_driver_sql(f"ALTER TABLE {table.name} RENAME TO {old}")
            table.create(conn)
            names = ", ".join(c.name for c in table.columns)
            conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {old}")
            conn.exec_driver_sql(f"DROP TABLE {old}")
    else:
        conn.execute(text("ALTER TABLE drafts ALTER COLUMN updated_at DROP NOT NULL"))
    anonymous = (
        select(form_sessions.c.training_id)
        .where(
            form_sessions.c.training_id == drafts.c.training_id,
            form_sessions.c.meeting == drafts.c.meeting,
            form_sessions.c.form_id == drafts.c.form_id,
            form_sessions.c.anonymous.is_(True),
        )
        .exists()
    )
    conn.execute(update(drafts).where(anonymous).values(updated_at=None))
    taken: set[int] = set()
    for old_id in conn.execute(select(submissions.c.id)).scalars().all():
        new_id = new_submission_id(conn, taken)
        taken.add(new_id)
        rows = conn.execute(select(answers.c.item_id, answers.c.value).where(answers.c.submission_id == old_id)).all()
        # Answers point at their submission without ON UPDATE CASCADE: move them over by hand.
        conn.execute(delete(answers).where(answers.c.submission_id == old_id))
        conn.execute(update(submissions).where(submissions.c.id == old_id).values(id=new_id))
        for row in rows:
            conn.execute(insert(answers).values(submission_id=new_id, item_id=row.item_id, value=row.value))
