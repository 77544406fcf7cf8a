"""Schema 18: A training's details (location, trainers, accreditation) and attendance entered from paper."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from pztraining.store.tables import metadata, paper_attendance, training_details


def migrate(conn: Connection) -> None:
    metadata.create_all(conn, tables=[training_details, paper_attendance])
