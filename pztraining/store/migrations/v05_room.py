"""Schema 5: The room: one version per training, shared cases and facilitator links."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from pztraining.store.tables import case_shares, facilitator_links, metadata, room_versions


def migrate(conn: Connection) -> None:
    metadata.create_all(conn, tables=[room_versions, case_shares, facilitator_links])
