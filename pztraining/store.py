"""The store: the only module that talks to the database (SQLAlchemy 2 Core).

Every Voila page runs in its own kernel process, so all shared state goes through here.
The default database is SQLite in WAL mode (many readers, one writer, with a busy
timeout) under the data folder; ``--db URL`` or ``PZTRAINING_DB`` choose another, e.g.
``postgresql+psycopg://…``. Nothing here reads the clock: callers pass ``now`` (UTC).
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import (
    Column, Date, DateTime, ForeignKey, Integer, MetaData, String, Table, Text, UniqueConstraint,
    create_engine,
    delete, event, insert, select, update,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

#: The newest schema this code knows; older databases are migrated forward on open.
SCHEMA_VERSION = 2

metadata = MetaData()

schema_info = Table(
    "pz_schema", metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

trainings = Table(
    "trainings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("program_id", String(64), nullable=False),
    Column("organisation", String(200), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

meeting_date_rows = Table(
    "meeting_dates", metadata,
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
    Column("meeting", Integer, primary_key=True),
    Column("date", Date, nullable=True),
)

meeting_runs = Table(
    "meeting_runs", metadata,
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
    Column("meeting", Integer, primary_key=True),
    Column("state", Text, nullable=False),  # schedule.Run.to_dict() as JSON
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

checklist_ticks = Table(
    "checklist_ticks", metadata,
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", String(64), primary_key=True),
    Column("ticked_at", DateTime(timezone=True), nullable=False),
)


roleplay_groups = Table(
    "roleplay_groups", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False),
    Column("meeting", Integer, nullable=False),
    Column("name", String(100), nullable=False),
    Column("state", Text, nullable=False),  # roleplay.RolePlay.to_dict() as JSON
    Column("version", Integer, nullable=False),  # bumped on every change: who pressed first wins
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("training_id", "meeting", "name", name="uq_roleplay_group_name"),
)

roleplay_turns = Table(
    "roleplay_turns", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("group_id", Integer, ForeignKey("roleplay_groups.id", ondelete="CASCADE"), nullable=False),
    Column("turn", Integer, nullable=False),
    Column("member", String(200), nullable=False),
    Column("variant", String(20), nullable=False),
    Column("planned_seconds", Integer, nullable=False),
    Column("actual_seconds", Integer, nullable=False),
    Column("paused_seconds", Integer, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=False),
)


def _migrate_to_1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[trainings, meeting_date_rows, meeting_runs, checklist_ticks])


def _migrate_to_2(conn: Connection) -> None:
    metadata.create_all(conn, tables=[roleplay_groups, roleplay_turns])


#: version → function that brings a database from version-1 to version.
MIGRATIONS = {1: _migrate_to_1, 2: _migrate_to_2}


class StoreError(Exception):
    """The database cannot do what was asked; the message is Dutch and meant for users."""


class MissingEntry(StoreError):
    """The asked-for record does not exist."""


@dataclass(frozen=True)
class Training:
    """A group following a program."""

    id: int
    name: str
    program_id: str
    organisation: str
    meeting_dates: tuple[date | None, ...]
    created_at: datetime

    def meeting_date(self, number: int) -> date | None:
        """The planned date of meeting ``number`` (1-based), if known."""
        return self.meeting_dates[number - 1] if 0 < number <= len(self.meeting_dates) else None


@dataclass(frozen=True)
class RolePlayRow:
    """A practice group as stored: its state (``RolePlay.to_dict()``) and version."""

    id: int
    training_id: int
    meeting: int
    name: str
    state: dict
    version: int


def _roleplay_row(row: Any) -> RolePlayRow:
    return RolePlayRow(row.id, row.training_id, row.meeting, row.name, json.loads(row.state), row.version)


def default_data_dir() -> Path:
    """Where data lives unless told otherwise: $PZTRAINING_DATA, else the XDG data folder."""
    if os.environ.get("PZTRAINING_DATA"):
        return Path(os.environ["PZTRAINING_DATA"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "pztraining"


def database_url(db: str | None = None, data_dir: Path | None = None) -> str:
    """The database URL to use: ``db``, else $PZTRAINING_DB, else SQLite in the data folder."""
    if db:
        return db
    if os.environ.get("PZTRAINING_DB"):
        return os.environ["PZTRAINING_DB"]
    folder = data_dir if data_dir is not None else default_data_dir()
    return f"sqlite:///{Path(folder).expanduser().resolve() / 'pztraining.db'}"


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything we store is UTC.
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _prepare_sqlite_folder(url: str) -> None:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    folder = Path(database).expanduser().resolve().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"Kan de map {folder} voor de database niet maken ({exc.strerror}).") from None
    if not os.access(folder, os.W_OK) or (Path(database).exists() and not os.access(database, os.W_OK)):
        raise StoreError(f"Kan niet schrijven in {folder}: kies met --db een andere plek voor de database.")


def _configure_sqlite(engine: Engine) -> None:
    # WAL lets many kernels read while one writes; the busy timeout makes writers queue
    # instead of failing. We issue BEGIN ourselves so writes can take the lock up front
    # (BEGIN IMMEDIATE), which avoids "database is locked" on lock upgrades.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised via every test
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 10000")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))


class Store:
    """A facade over the database with regular verbs (add_, find_, list_, remove_)."""

    def __init__(self, url: str):
        self.url = url
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise StoreError(f"Onbekend database-adres '{url}'.") from None
        self._sqlite = parsed.get_backend_name() == "sqlite"
        if self._sqlite:
            _prepare_sqlite_folder(url)
        try:
            self.engine = create_engine(url, future=True)
        except (ArgumentError, ImportError) as exc:
            raise StoreError(f"Kan database '{url}' niet gebruiken: {exc}.") from None
        if self._sqlite:
            _configure_sqlite(self.engine)
        self._migrate()

    @classmethod
    def open(cls, db: str | None = None, data_dir: Path | None = None) -> "Store":
        """Open (and create or migrate) the database chosen by :func:`database_url`."""
        return cls(database_url(db, data_dir))

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ plumbing

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                if self._sqlite:
                    conn = conn.execution_options(sqlite_begin="BEGIN IMMEDIATE")
                with conn.begin():
                    yield conn
        except DBAPIError as exc:
            raise StoreError(f"De database weigert de wijziging: {exc.orig}.") from None

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except DBAPIError as exc:
            raise StoreError(f"De database is niet te lezen: {exc.orig}.") from None

    def _migrate(self) -> None:
        try:
            with self._write() as conn:
                metadata.create_all(conn, tables=[schema_info])
                row = conn.execute(select(schema_info.c.version)).first()
                current = row.version if row else 0
                if current > SCHEMA_VERSION:
                    raise StoreError(
                        f"De database heeft schemaversie {current}, nieuwer dan deze pztraining "
                        f"({SCHEMA_VERSION}); werk pztraining bij."
                    )
                for version in range(current + 1, SCHEMA_VERSION + 1):
                    MIGRATIONS[version](conn)
                if row is None:
                    conn.execute(insert(schema_info).values(id=1, version=SCHEMA_VERSION))
                elif current != SCHEMA_VERSION:
                    conn.execute(update(schema_info).values(version=SCHEMA_VERSION))
        except SQLAlchemyError as exc:
            raise StoreError(f"Kan de database niet openen: {getattr(exc, 'orig', exc)}.") from None

    def schema_version(self) -> int:
        """The schema version of the open database."""
        with self._read() as conn:
            return conn.execute(select(schema_info.c.version)).scalar_one()

    # ------------------------------------------------------------------ trainings

    def add_training(self, name: str, program_id: str, now: datetime, organisation: str = "",
                     meeting_dates: tuple[date | None, ...] = ()) -> Training:
        """Create a training (a group following ``program_id``) and return it."""
        name = name.strip()
        if not name:
            raise StoreError("Geef de training een naam.")
        with self._write() as conn:
            training_id = conn.execute(insert(trainings).values(
                name=name, program_id=program_id, organisation=organisation.strip(), created_at=now,
            )).inserted_primary_key[0]
            for number, day in enumerate(meeting_dates, start=1):
                conn.execute(insert(meeting_date_rows).values(
                    training_id=training_id, meeting=number, date=day))
        return self.find_training(training_id)

    def find_training(self, training_id: int) -> Training:
        """The training with this id; MissingEntry when there is none."""
        with self._read() as conn:
            row = conn.execute(select(trainings).where(trainings.c.id == training_id)).first()
            if row is None:
                raise MissingEntry(f"Training {training_id} bestaat niet.")
            return self._training(conn, row)

    def list_trainings(self) -> list[Training]:
        """All trainings, newest first."""
        with self._read() as conn:
            rows = conn.execute(select(trainings).order_by(trainings.c.created_at.desc(),
                                                           trainings.c.id.desc())).all()
            return [self._training(conn, row) for row in rows]

    def remove_training(self, training_id: int) -> None:
        """Delete a training and everything stored for it (AVG: the right to be forgotten)."""
        with self._write() as conn:
            groups = select(roleplay_groups.c.id).where(roleplay_groups.c.training_id == training_id)
            conn.execute(delete(roleplay_turns).where(roleplay_turns.c.group_id.in_(groups)))
            for table in (roleplay_groups, checklist_ticks, meeting_runs, meeting_date_rows):
                conn.execute(delete(table).where(table.c.training_id == training_id))
            if conn.execute(delete(trainings).where(trainings.c.id == training_id)).rowcount == 0:
                raise MissingEntry(f"Training {training_id} bestaat niet.")

    @staticmethod
    def _training(conn: Connection, row: Any) -> Training:
        days = conn.execute(
            select(meeting_date_rows.c.meeting, meeting_date_rows.c.date)
            .where(meeting_date_rows.c.training_id == row.id).order_by(meeting_date_rows.c.meeting)
        ).all()
        return Training(row.id, row.name, row.program_id, row.organisation,
                        tuple(d.date for d in days), _utc(row.created_at))

    # ------------------------------------------------------------------ meeting runs

    def load_run(self, training_id: int, meeting: int) -> dict | None:
        """The saved run state of a meeting (``schedule.Run.to_dict()``), or None."""
        with self._read() as conn:
            state = conn.execute(select(meeting_runs.c.state).where(
                meeting_runs.c.training_id == training_id, meeting_runs.c.meeting == meeting)).scalar()
        return json.loads(state) if state else None

    def save_run(self, training_id: int, meeting: int, state: dict, now: datetime) -> None:
        """Store the run state of a meeting, replacing the previous one."""
        payload = json.dumps(state)
        with self._write() as conn:
            self._require_training(conn, training_id)
            changed = conn.execute(update(meeting_runs).where(
                meeting_runs.c.training_id == training_id, meeting_runs.c.meeting == meeting,
            ).values(state=payload, updated_at=now)).rowcount
            if not changed:
                conn.execute(insert(meeting_runs).values(
                    training_id=training_id, meeting=meeting, state=payload, updated_at=now))

    def remove_run(self, training_id: int, meeting: int) -> None:
        """Forget a meeting's run (to give it again from the start)."""
        with self._write() as conn:
            conn.execute(delete(meeting_runs).where(
                meeting_runs.c.training_id == training_id, meeting_runs.c.meeting == meeting))

    # ------------------------------------------------------------------ checklist

    def checklist_ticks(self, training_id: int) -> dict[str, datetime]:
        """Ticked checklist items of a training: item id → when it was ticked (UTC)."""
        with self._read() as conn:
            rows = conn.execute(select(checklist_ticks).where(
                checklist_ticks.c.training_id == training_id)).all()
        return {row.item_id: _utc(row.ticked_at) for row in rows}

    def set_checklist_tick(self, training_id: int, item_id: str, ticked: bool, now: datetime) -> None:
        """Tick (or untick) a preparation checklist item."""
        with self._write() as conn:
            self._require_training(conn, training_id)
            conn.execute(delete(checklist_ticks).where(
                checklist_ticks.c.training_id == training_id, checklist_ticks.c.item_id == item_id))
            if ticked:
                conn.execute(insert(checklist_ticks).values(
                    training_id=training_id, item_id=item_id, ticked_at=now))

    # ------------------------------------------------------------------ role-play

    def add_roleplay_group(self, training_id: int, meeting: int, name: str, state: dict,
                           now: datetime) -> "RolePlayRow":
        """Create a practice group for a meeting; its name is unique within the meeting."""
        with self._write() as conn:
            self._require_training(conn, training_id)
            taken = conn.execute(select(roleplay_groups.c.id).where(
                roleplay_groups.c.training_id == training_id, roleplay_groups.c.meeting == meeting,
                roleplay_groups.c.name == name)).first()
            if taken:
                raise StoreError(f"Er is al een groep '{name}' in deze bijeenkomst.")
            group_id = conn.execute(insert(roleplay_groups).values(
                training_id=training_id, meeting=meeting, name=name, state=json.dumps(state),
                version=1, updated_at=now)).inserted_primary_key[0]
        return self.find_roleplay_group(group_id)

    def find_roleplay_group(self, group_id: int) -> "RolePlayRow":
        """The practice group with this id; MissingEntry when there is none."""
        with self._read() as conn:
            row = conn.execute(select(roleplay_groups).where(roleplay_groups.c.id == group_id)).first()
        if row is None:
            raise MissingEntry(f"Oefengroep {group_id} bestaat niet.")
        return _roleplay_row(row)

    def list_roleplay_groups(self, training_id: int, meeting: int) -> list["RolePlayRow"]:
        """The practice groups of a meeting, in the order they were made."""
        with self._read() as conn:
            rows = conn.execute(select(roleplay_groups).where(
                roleplay_groups.c.training_id == training_id, roleplay_groups.c.meeting == meeting,
            ).order_by(roleplay_groups.c.id)).all()
        return [_roleplay_row(row) for row in rows]

    def update_roleplay(self, group_id: int, change: Callable[[dict], tuple[dict, list[dict]]],
                        now: datetime, expected_version: int | None = None) -> tuple["RolePlayRow", bool]:
        """Apply ``change`` to a group's latest state under a lock and log the turns it returns.

        ``change(state) -> (new_state, turns)``. When ``expected_version`` is given and the
        group has moved on since (another facilitator pressed first), nothing is changed and
        ``(latest, False)`` is returned: the store decides, and both pages converge on it.
        """
        with self._write() as conn:
            row = conn.execute(select(roleplay_groups).where(roleplay_groups.c.id == group_id)
                               .with_for_update()).first()
            if row is None:
                raise MissingEntry(f"Oefengroep {group_id} bestaat niet.")
            if expected_version is not None and row.version != expected_version:
                return _roleplay_row(row), False
            state, turns = change(json.loads(row.state))
            conn.execute(update(roleplay_groups).where(roleplay_groups.c.id == group_id).values(
                state=json.dumps(state), version=row.version + 1, updated_at=now))
            for turn in turns:
                conn.execute(insert(roleplay_turns).values(group_id=group_id, **turn))
        return self.find_roleplay_group(group_id), True

    def roleplay_turns(self, group_id: int) -> list[dict]:
        """The logged turns of a group, oldest first."""
        with self._read() as conn:
            rows = conn.execute(select(roleplay_turns).where(roleplay_turns.c.group_id == group_id)
                                .order_by(roleplay_turns.c.id)).all()
        return [{**row._asdict(), "started_at": _utc(row.started_at), "ended_at": _utc(row.ended_at)}
                for row in rows]

    @staticmethod
    def _require_training(conn: Connection, training_id: int) -> None:
        if conn.execute(select(trainings.c.id).where(trainings.c.id == training_id)).first() is None:
            raise MissingEntry(f"Training {training_id} bestaat niet.")

