"""Schema 1: The first schema: trainings, their meeting dates, the Draaiboek's runs and the checklist."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from pztraining.store.tables import checklist_ticks, meeting_date_rows, meeting_runs, metadata, trainings


def migrate(conn: Connection) -> None:
    metadata.create_all(conn, tables=[trainings, meeting_date_rows, meeting_runs, checklist_ticks])
