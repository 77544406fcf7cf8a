"""Schema 17: Trainings imported from a laptop's bundle, by the laptop training's stable id."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from pztraining.store.tables import bundle_imports, metadata


def migrate(conn: Connection) -> None:
    metadata.create_all(conn, tables=[bundle_imports])
