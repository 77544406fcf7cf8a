"""Schema 11: The kartrekker's condition scores and cost inputs."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from pztraining.store.tables import condition_scores, cost_inputs, metadata


def migrate(conn: Connection) -> None:
    metadata.create_all(conn, tables=[condition_scores, cost_inputs])
