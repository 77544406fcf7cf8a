"""Schema 13: A device salt per training: existing participants rehashed, anonymous drafts dropped."""

from __future__ import annotations

from sqlalchemy import delete, inspect, select, text, update
from sqlalchemy.engine import Connection

from pztraining.store.keys import new_device_salt, salted_device_hash
from pztraining.store.tables import drafts, form_sessions, participants, trainings


def migrate(conn: Connection) -> None:
    # Per-training device hashes: the secret behind a stored hash is unknown, but the hash is
    # keyed on top of it (see salted_device_hash), so existing participants are rehashed here
    # and keep their phones. Anonymous drafts are no longer kept on the server (their stable
    # key, written while the phone typed, placed the phone next to its anonymous answer).
    columns = {c["name"] for c in inspect(conn).get_columns("trainings")}
    if "device_salt" not in columns:
        conn.execute(text("ALTER TABLE trainings ADD COLUMN device_salt VARCHAR(64)"))
    for (training_id,) in conn.execute(select(trainings.c.id).where(trainings.c.device_salt.is_(None))).all():
        salt = new_device_salt()
        conn.execute(update(trainings).where(trainings.c.id == training_id).values(device_salt=salt))
        for row in conn.execute(
            select(participants.c.id, participants.c.device_hash).where(participants.c.training_id == training_id)
        ).all():
            conn.execute(
                update(participants)
                .where(participants.c.id == row.id)
                .values(device_hash=salted_device_hash(salt, row.device_hash))
            )
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
    conn.execute(delete(drafts).where(anonymous))
