"""People: login names with their role (hosted mode) and the participants of a training."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from pztraining.core.texts import t
from pztraining.store.driver import Prepared
from pztraining.store.engine import Database, retry_when_busy
from pztraining.store.errors import MissingEntry
from pztraining.store.keys import login_name, salted_device_hash
from pztraining.store.tables import participants, trainings, users, utc

# Who is who when hosted for an organisation (schema 8): the hosting layer (JupyterHub) says
# the login name; this table says its role and organisation. Localhost mode needs no rows.
# Which roles exist and which need an organisation: pztraining.services.access.


@dataclass(frozen=True)
class Account:
    """A login name with its role and organisation ("" for a coordinator: every organisation)."""

    name: str
    role: str
    organisation: str
    #: Until when (UTC) the name may choose its first password at the hub's login; None: not (any more).
    first_login_until: datetime | None = None

    def may_choose_first_password(self, now: datetime) -> bool:
        """Whether a login at ``now`` (UTC) may set this name's first password."""
        return self.first_login_until is not None and now < self.first_login_until


@dataclass(frozen=True)
class Participant:
    """Someone taking part in a training, known by the name or pseudonym they gave."""

    id: int
    training_id: int
    name: str


def device_key(conn: Connection, training_id: int, device_hash: str) -> str | None:
    """The stored form of ``device_hash`` in this training (salted), or None without the training."""
    salt = conn.execute(select(trainings.c.device_salt).where(trainings.c.id == training_id)).scalar()
    return salted_device_hash(salt, device_hash) if salt else None


_DEVICE_SALT = Prepared(select(trainings.c.device_salt).where(trainings.c.id == bindparam("t")))
_PARTICIPANT = Prepared(
    select(participants.c.id, participants.c.name).where(
        participants.c.training_id == bindparam("t"), participants.c.device_hash == bindparam("h")
    )
)


class People(Database):
    """The SQL of users and participants."""

    @retry_when_busy
    def add_user(
        self, name: str, role: str, organisation: str = "", first_login_until: datetime | None = None
    ) -> Account:
        """Store a login name's role and organisation as decided (:func:`pztraining.services.access.add_user`
        checks them first); a name added again is updated. ``first_login_until`` (UTC): until when
        the hub lets the name choose its first password (None: keep what is stored).
        """
        name, organisation = login_name(name), organisation.strip()
        with self._write() as conn:
            values: dict[str, Any] = {"role": role, "organisation": organisation}
            if first_login_until is not None:
                values["first_login_until"] = first_login_until
            if not conn.execute(update(users).where(users.c.name == name).values(**values)).rowcount:
                conn.execute(insert(users).values(name=name, **values))
        return Account(name, role, organisation, first_login_until)

    def find_user(self, name: str) -> Account:
        """The account of a login name; MissingEntry when it has no role."""
        name = login_name(name)
        with self._read() as conn:
            row = conn.execute(select(users).where(users.c.name == name)).first()
        if row is None:
            raise MissingEntry(t("users.unknown", name=name))
        return Account(row.name, row.role, row.organisation, utc(row.first_login_until))

    def list_users(self) -> list[Account]:
        """Every account, by organisation and then name (coordinators first)."""
        with self._read() as conn:
            rows = conn.execute(select(users).order_by(users.c.organisation, users.c.name)).all()
        return [Account(row.name, row.role, row.organisation, utc(row.first_login_until)) for row in rows]

    @retry_when_busy
    def remove_user(self, name: str) -> None:
        """Take a login name's role away; MissingEntry when it had none."""
        name = login_name(name)
        with self._write() as conn:
            if conn.execute(delete(users).where(users.c.name == name)).rowcount == 0:
                raise MissingEntry(t("users.unknown", name=name))

    # ------------------------------------------------------------------ participants

    @retry_when_busy
    def add_participant(self, training_id: int, name: str, device_hash: str, now: datetime) -> Participant:
        """Register a participant on a device under ``name`` as decided (cleaned and checked by
        :func:`pztraining.services.participation.participant_name`); the same device gets the same one."""
        with self._write() as conn:
            stored = device_key(conn, training_id, device_hash)
            if stored is None:
                raise MissingEntry(t("store.training_missing", training_id=training_id))
            row = conn.execute(
                select(participants).where(
                    participants.c.training_id == training_id, participants.c.device_hash == stored
                )
            ).first()
            if row is None:
                conn.execute(
                    insert(participants).values(training_id=training_id, name=name, device_hash=stored, created_at=now)
                )
            else:
                conn.execute(update(participants).where(participants.c.id == row.id).values(name=name))
        participant = self.find_participant(training_id, device_hash)
        assert participant is not None  # written just now, in this training
        return participant

    def find_participant(self, training_id: int, device_hash: str) -> Participant | None:
        """The participant registered on this device for this training, or None.

        Every phone's first request asks this: prepared statements (:mod:`.driver`).
        """
        with self._driver_read() as tx:
            salt = tx.first(_DEVICE_SALT, {"t": training_id})
            row = (
                salt
                and salt[0]
                and tx.first(_PARTICIPANT, {"t": training_id, "h": salted_device_hash(salt[0], device_hash)})
            )
        return Participant(row[0], training_id, row[1]) if row else None

    def list_participants(self, training_id: int) -> list[Participant]:
        """The participants of a training, by name."""
        with self._read() as conn:
            rows = conn.execute(
                select(participants)
                .where(participants.c.training_id == training_id)
                .order_by(participants.c.name, participants.c.id)
            ).all()
        return [Participant(r.id, r.training_id, r.name) for r in rows]
