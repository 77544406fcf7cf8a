"""The store: the only module that talks to the database (SQLAlchemy 2 Core).

Every Voila page runs in its own kernel process, so all shared state goes through here.
The default database is SQLite in WAL mode (many readers, one writer, with a busy
timeout) under the data folder; ``--db URL`` or ``PZTRAINING_DB`` choose another, e.g.
``postgresql+psycopg://…``. Nothing here reads the clock: callers pass ``now`` (UTC).
"""

from __future__ import annotations

import json
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import (
    Boolean, Column, Date, DateTime, ForeignKey, Integer, MetaData, String, Table, Text,
    UniqueConstraint, create_engine, delete, event, func, insert, inspect, select, text, update,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

#: The newest schema this code knows; older databases are migrated forward on open.
SCHEMA_VERSION = 7

#: Join codes use characters nobody confuses on a phone or a beamer (no 0/O, 1/I/L).
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6

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
    Column("join_code", String(12), nullable=True, unique=True),  # since schema 3
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
    Column("state", Text, nullable=False),  # schedule.Run.to_dict() as JSON; "null" after a reset
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # Bumped on every change, never reset (a reset stores "null"), so a press made on a page
    # that showed an older state is recognised as stale (since schema 7).
    Column("version", Integer, nullable=False, server_default=text("0")),
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


participants = Table(
    "participants", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),  # a name or pseudonym, as typed
    Column("device_hash", String(64), nullable=False),  # sha256 of the device's secret
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("training_id", "device_hash", name="uq_participant_device"),
)

form_sessions = Table(
    "form_sessions", metadata,
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
    Column("meeting", Integer, primary_key=True),
    Column("form_id", String(64), primary_key=True),
    Column("anonymous", Boolean, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    # The form as it was asked (forms.form_spec, JSON), so a later change of the content
    # file is reported by the results instead of merged silently (since schema 4).
    Column("form_spec", Text, nullable=True),
)

submissions = Table(
    "submissions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False),
    Column("meeting", Integer, nullable=False),
    Column("form_id", String(64), nullable=False),
    # "p:<participant id>", an anonymous device key, or "papier:<n>": one submission per key,
    # so a double click or a resent submit replaces instead of adding.
    Column("respondent_key", String(80), nullable=False),
    Column("participant_id", Integer, ForeignKey("participants.id", ondelete="CASCADE"), nullable=True),
    Column("submitted_at", DateTime(timezone=True), nullable=True),  # None for anonymous forms
    Column("paper", Boolean, nullable=False, default=False),
    UniqueConstraint("training_id", "meeting", "form_id", "respondent_key", name="uq_submission"),
)

answers = Table(
    "answers", metadata,
    Column("submission_id", Integer, ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", String(64), primary_key=True),
    Column("value", Text, nullable=False),  # JSON: a number, a text as typed, or a list of options
)

drafts = Table(
    "drafts", metadata,
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
    Column("meeting", Integer, primary_key=True),
    Column("form_id", String(64), primary_key=True),
    Column("respondent_key", String(80), primary_key=True),
    Column("answers", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


def _migrate_to_1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[trainings, meeting_date_rows, meeting_runs, checklist_ticks])


def _migrate_to_2(conn: Connection) -> None:
    metadata.create_all(conn, tables=[roleplay_groups, roleplay_turns])


def _migrate_to_3(conn: Connection) -> None:
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


def _migrate_to_4(conn: Connection) -> None:
    columns = {c["name"] for c in inspect(conn).get_columns("form_sessions")}
    if "form_spec" not in columns:
        conn.execute(text("ALTER TABLE form_sessions ADD COLUMN form_spec TEXT"))


def _migrate_to_7(conn: Connection) -> None:
    columns = {c["name"] for c in inspect(conn).get_columns("meeting_runs")}
    if "version" not in columns:
        conn.execute(text("ALTER TABLE meeting_runs ADD COLUMN version INTEGER NOT NULL DEFAULT 0"))


#: version → function that brings a database from version-1 to version.
MIGRATIONS = {1: _migrate_to_1, 2: _migrate_to_2, 3: _migrate_to_3, 4: _migrate_to_4}
MIGRATIONS[7] = _migrate_to_7


def new_join_code(taken: set[str] = frozenset()) -> str:
    """A random join code of unambiguous characters, not in ``taken``."""
    while True:
        code = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if code not in taken:
            return code


def normalize_join_code(text_: str) -> str:
    """What a participant typed, as a join code: upper case, no spaces or dashes."""
    return "".join(ch for ch in text_.upper() if ch.isalnum())


class StoreError(Exception):
    """The database cannot do what was asked; the message is Dutch and meant for users."""


class MissingEntry(StoreError):
    """The asked-for record does not exist."""


class FormClosed(StoreError):
    """A participant tried to submit a form that is not open."""


@dataclass(frozen=True)
class Training:
    """A group following a program."""

    id: int
    name: str
    program_id: str
    organisation: str
    meeting_dates: tuple[date | None, ...]
    created_at: datetime
    join_code: str = ""

    def meeting_date(self, number: int) -> date | None:
        """The planned date of meeting ``number`` (1-based), if known."""
        return self.meeting_dates[number - 1] if 0 < number <= len(self.meeting_dates) else None


@dataclass(frozen=True)
class Participant:
    """Someone taking part in a training, known by the name or pseudonym they gave."""

    id: int
    training_id: int
    name: str


@dataclass(frozen=True)
class FormSession:
    """A form the trainer opened for a meeting."""

    training_id: int
    meeting: int
    form_id: str
    anonymous: bool
    opened_at: datetime
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def _session(row: Any) -> FormSession:
    return FormSession(row.training_id, row.meeting, row.form_id, bool(row.anonymous), _utc(row.opened_at),
                       _utc(row.closed_at))


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
                for version in sorted(v for v in MIGRATIONS if current < v <= SCHEMA_VERSION):
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
            taken = set(conn.execute(select(trainings.c.join_code)).scalars())
            training_id = conn.execute(insert(trainings).values(
                name=name, program_id=program_id, organisation=organisation.strip(), created_at=now,
                join_code=new_join_code(taken),
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
            sent = select(submissions.c.id).where(submissions.c.training_id == training_id)
            conn.execute(delete(answers).where(answers.c.submission_id.in_(sent)))
            for table in (submissions, drafts, form_sessions, participants, roleplay_groups,
                          checklist_ticks, meeting_runs, meeting_date_rows):
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
                        tuple(d.date for d in days), _utc(row.created_at), row.join_code or "")

    # ------------------------------------------------------------------ meeting runs

    def load_run(self, training_id: int, meeting: int) -> dict | None:
        """The saved run state of a meeting (``schedule.Run.to_dict()``), or None."""
        return self.find_run(training_id, meeting)[0]

    def find_run(self, training_id: int, meeting: int) -> tuple[dict | None, int]:
        """The saved run state of a meeting (or None) and its version (0 when never run)."""
        with self._read() as conn:
            row = conn.execute(select(meeting_runs.c.state, meeting_runs.c.version).where(
                meeting_runs.c.training_id == training_id, meeting_runs.c.meeting == meeting)).first()
        return (json.loads(row.state), row.version) if row else (None, 0)

    def list_runs(self, training_id: int) -> dict[int, dict]:
        """The saved run states of a training: meeting number → state (reset runs left out)."""
        with self._read() as conn:
            rows = conn.execute(select(meeting_runs.c.meeting, meeting_runs.c.state).where(
                meeting_runs.c.training_id == training_id).order_by(meeting_runs.c.meeting)).all()
        states = {row.meeting: json.loads(row.state) for row in rows}
        return {meeting: state for meeting, state in states.items() if state is not None}

    def update_run(self, training_id: int, meeting: int, change: Callable[[dict | None], dict | None],
                   now: datetime, expected_version: int | None = None) -> tuple[dict | None, int, bool]:
        """Apply ``change`` to a meeting's latest run state under a lock; ``(state, version, applied)``.

        ``change(state or None) -> new state or None`` (None forgets the run). When
        ``expected_version`` is given and the run has moved on since (a double click, or
        another tab pressed first), nothing is changed and the latest state is returned
        with ``applied`` False: the store decides, and every page converges on it.
        """
        key = (meeting_runs.c.training_id == training_id, meeting_runs.c.meeting == meeting)
        with self._write() as conn:
            self._require_training(conn, training_id)
            row = conn.execute(select(meeting_runs.c.state, meeting_runs.c.version).where(*key)
                               .with_for_update()).first()
            state, version = (json.loads(row.state), row.version) if row else (None, 0)
            if expected_version is not None and version != expected_version:
                return state, version, False
            new = change(state)
            if row is None:
                conn.execute(insert(meeting_runs).values(training_id=training_id, meeting=meeting,
                                                         state=json.dumps(new), updated_at=now, version=1))
            else:
                conn.execute(update(meeting_runs).where(*key).values(
                    state=json.dumps(new), updated_at=now, version=version + 1))
        return new, version + 1, True

    def save_run(self, training_id: int, meeting: int, state: dict, now: datetime) -> None:
        """Store the run state of a meeting, replacing the previous one (no version check)."""
        self.update_run(training_id, meeting, lambda _old: state, now)

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

    # ------------------------------------------------------------------ participants

    def find_training_by_code(self, code: str) -> Training:
        """The training with this join code (as typed: case and spaces do not matter)."""
        with self._read() as conn:
            row = conn.execute(select(trainings).where(trainings.c.join_code == normalize_join_code(code))).first()
            if row is None:
                raise MissingEntry("Deze code hoort bij geen enkele training. Kijk de code nog eens na.")
            return self._training(conn, row)

    def add_participant(self, training_id: int, name: str, device_hash: str, now: datetime) -> Participant:
        """Register a participant (name or pseudonym) on a device; the same device gets the same one."""
        name = name.strip()
        if not name:
            raise StoreError("Vul een naam of schuilnaam in.")
        if len(name) > 100:
            raise StoreError("Een naam is hoogstens 100 tekens.")
        with self._write() as conn:
            self._require_training(conn, training_id)
            row = conn.execute(select(participants).where(
                participants.c.training_id == training_id, participants.c.device_hash == device_hash)).first()
            if row is None:
                conn.execute(insert(participants).values(training_id=training_id, name=name,
                                                         device_hash=device_hash, created_at=now))
            else:
                conn.execute(update(participants).where(participants.c.id == row.id).values(name=name))
        return self.find_participant(training_id, device_hash)

    def find_participant(self, training_id: int, device_hash: str) -> Participant | None:
        """The participant registered on this device for this training, or None."""
        with self._read() as conn:
            row = conn.execute(select(participants).where(
                participants.c.training_id == training_id, participants.c.device_hash == device_hash)).first()
        return Participant(row.id, row.training_id, row.name) if row else None

    def list_participants(self, training_id: int) -> list[Participant]:
        """The participants of a training, by name."""
        with self._read() as conn:
            rows = conn.execute(select(participants).where(participants.c.training_id == training_id)
                                .order_by(participants.c.name, participants.c.id)).all()
        return [Participant(r.id, r.training_id, r.name) for r in rows]

    # ------------------------------------------------------------------ forms

    def open_form(self, training_id: int, meeting: int, form_id: str, anonymous: bool, now: datetime,
                  spec: dict | None = None) -> FormSession:
        """Open a form for the participants of a meeting (again, when it was closed).

        Whether a form is anonymous is fixed once someone has answered it. ``spec`` is the
        form as asked (kept from the first opening on).
        """
        spec_json = json.dumps(spec, ensure_ascii=False) if spec is not None else None
        with self._write() as conn:
            self._require_training(conn, training_id)
            key = self._session_key(training_id, meeting, form_id)
            row = conn.execute(select(form_sessions).where(*key)).first()
            if row is None:
                conn.execute(insert(form_sessions).values(training_id=training_id, meeting=meeting,
                                                          form_id=form_id, anonymous=anonymous, opened_at=now,
                                                          form_spec=spec_json))
            else:
                answered = conn.execute(select(submissions.c.id).where(
                    submissions.c.training_id == training_id, submissions.c.meeting == meeting,
                    submissions.c.form_id == form_id)).first()
                conn.execute(update(form_sessions).where(*key).values(
                    closed_at=None, anonymous=row.anonymous if answered else anonymous,
                    form_spec=row.form_spec if answered and row.form_spec else spec_json or row.form_spec))
        return self.form_session(training_id, meeting, form_id)

    def close_form(self, training_id: int, meeting: int, form_id: str, now: datetime) -> None:
        """Close a form: no new answers or corrections from participants after this."""
        with self._write() as conn:
            conn.execute(update(form_sessions).where(*self._session_key(training_id, meeting, form_id))
                         .values(closed_at=now))

    def form_session(self, training_id: int, meeting: int, form_id: str) -> FormSession | None:
        """Whether and how a form is (or was) open, or None when it was never opened."""
        with self._read() as conn:
            row = conn.execute(select(form_sessions).where(*self._session_key(training_id, meeting, form_id))).first()
        return _session(row) if row else None

    def form_sessions(self, training_id: int, meeting: int | None = None) -> list[FormSession]:
        """The forms ever opened in a training (or one meeting), open ones first."""
        query = select(form_sessions).where(form_sessions.c.training_id == training_id)
        if meeting is not None:
            query = query.where(form_sessions.c.meeting == meeting)
        with self._read() as conn:
            rows = conn.execute(query.order_by(form_sessions.c.meeting, form_sessions.c.opened_at)).all()
        return sorted((_session(r) for r in rows), key=lambda s: not s.is_open)

    @staticmethod
    def _session_key(training_id: int, meeting: int, form_id: str):
        return (form_sessions.c.training_id == training_id, form_sessions.c.meeting == meeting,
                form_sessions.c.form_id == form_id)

    def save_draft(self, training_id: int, meeting: int, form_id: str, respondent_key: str,
                   values: dict, now: datetime) -> None:
        """Keep what a participant has filled in so far (a closed tab or lost kernel loses nothing)."""
        payload = json.dumps(values, ensure_ascii=False)
        key = (drafts.c.training_id == training_id, drafts.c.meeting == meeting,
               drafts.c.form_id == form_id, drafts.c.respondent_key == respondent_key)
        with self._write() as conn:
            if not conn.execute(update(drafts).where(*key).values(answers=payload, updated_at=now)).rowcount:
                conn.execute(insert(drafts).values(training_id=training_id, meeting=meeting, form_id=form_id,
                                                   respondent_key=respondent_key, answers=payload, updated_at=now))

    def load_draft(self, training_id: int, meeting: int, form_id: str, respondent_key: str) -> dict | None:
        """A saved draft, or None."""
        with self._read() as conn:
            value = conn.execute(select(drafts.c.answers).where(
                drafts.c.training_id == training_id, drafts.c.meeting == meeting,
                drafts.c.form_id == form_id, drafts.c.respondent_key == respondent_key)).scalar()
        return json.loads(value) if value else None

    def submit(self, training_id: int, meeting: int, form_id: str, respondent_key: str, values: dict,
               now: datetime, participant_id: int | None = None, paper: bool = False) -> int:
        """Store a submitted form, replacing an earlier submission with the same key.

        Participants can only submit while the form is open; paper forms (entered by the
        trainer) also afterwards. On an anonymous form no participant and no time are kept.
        Returns the submission id.
        """
        with self._write() as conn:
            session = conn.execute(select(form_sessions).where(*self._session_key(training_id, meeting, form_id))).first()
            if not paper and (session is None or session.closed_at is not None):
                raise FormClosed("Dit formulier is gesloten; je antwoorden kunnen niet meer worden verstuurd.")
            anonymous = bool(session and session.anonymous)
            key = (submissions.c.training_id == training_id, submissions.c.meeting == meeting,
                   submissions.c.form_id == form_id, submissions.c.respondent_key == respondent_key)
            row = conn.execute(select(submissions.c.id).where(*key)).first()
            fields = {"participant_id": None if anonymous else participant_id,
                      "submitted_at": None if anonymous else now, "paper": paper}
            if row is None:
                submission_id = conn.execute(insert(submissions).values(
                    training_id=training_id, meeting=meeting, form_id=form_id,
                    respondent_key=respondent_key, **fields)).inserted_primary_key[0]
            else:
                submission_id = row.id
                conn.execute(update(submissions).where(submissions.c.id == submission_id).values(**fields))
                conn.execute(delete(answers).where(answers.c.submission_id == submission_id))
            for item_id, value in values.items():
                conn.execute(insert(answers).values(submission_id=submission_id, item_id=item_id,
                                                    value=json.dumps(value, ensure_ascii=False)))
            conn.execute(delete(drafts).where(
                drafts.c.training_id == training_id, drafts.c.meeting == meeting,
                drafts.c.form_id == form_id, drafts.c.respondent_key == respondent_key))
        return submission_id

    def load_submission(self, training_id: int, meeting: int, form_id: str, respondent_key: str) -> dict | None:
        """The submitted answers of one respondent (item id → value), or None."""
        with self._read() as conn:
            submission_id = conn.execute(select(submissions.c.id).where(
                submissions.c.training_id == training_id, submissions.c.meeting == meeting,
                submissions.c.form_id == form_id, submissions.c.respondent_key == respondent_key)).scalar()
            if submission_id is None:
                return None
            rows = conn.execute(select(answers.c.item_id, answers.c.value)
                                .where(answers.c.submission_id == submission_id)).all()
        return {r.item_id: json.loads(r.value) for r in rows}

    def response_counts(self, training_id: int, meeting: int) -> dict[str, int]:
        """Submitted forms per form id in a meeting."""
        with self._read() as conn:
            rows = conn.execute(select(submissions.c.form_id, func.count()).where(
                submissions.c.training_id == training_id, submissions.c.meeting == meeting,
            ).group_by(submissions.c.form_id)).all()
        return {form_id: count for form_id, count in rows}

    def respondents(self, training_id: int, meeting: int, form_id: str) -> set[int]:
        """Ids of the participants who submitted a (non-anonymous, non-paper) form."""
        with self._read() as conn:
            ids = conn.execute(select(submissions.c.participant_id).where(
                submissions.c.training_id == training_id, submissions.c.meeting == meeting,
                submissions.c.form_id == form_id, submissions.c.participant_id.is_not(None))).scalars()
            return set(ids)

    # ------------------------------------------------------------------ reading for reports

    def last_activity(self) -> dict[int, datetime]:
        """Training id → the latest moment (UTC) something happened in it.

        Something is a submitted form, a run of a meeting, a form opened or closed, a draft or
        a role-play press; trainings where nothing happened yet are left out.
        """
        moments = (
            select(submissions.c.training_id, submissions.c.submitted_at.label("at")),
            select(meeting_runs.c.training_id, meeting_runs.c.updated_at),
            select(form_sessions.c.training_id, form_sessions.c.opened_at),
            select(form_sessions.c.training_id, form_sessions.c.closed_at),
            select(drafts.c.training_id, drafts.c.updated_at),
            select(roleplay_groups.c.training_id, roleplay_groups.c.updated_at),
        )
        latest: dict[int, datetime] = {}
        with self._read() as conn:
            for query in moments:
                columns = query.selected_columns
                grouped = (select(columns[0], func.max(columns[1])).where(columns[1].is_not(None))
                           .group_by(columns[0]))
                for training_id, at in conn.execute(grouped).all():
                    at = _utc(at)
                    if training_id not in latest or at > latest[training_id]:
                        latest[training_id] = at
        return latest

    def answer_rows(self, training_ids: list[int]) -> list[dict]:
        """Every stored answer of these trainings, one dict per answer (for ``report``).

        Participant names are not included; ``participant_id`` links to :meth:`participant_codes`.
        """
        if not training_ids:
            return []
        query = (select(submissions.c.id.label("submission"), submissions.c.training_id, submissions.c.meeting,
                        submissions.c.form_id, submissions.c.participant_id, submissions.c.paper,
                        submissions.c.submitted_at, answers.c.item_id, answers.c.value,
                        form_sessions.c.anonymous, form_sessions.c.form_spec)
                 .join(answers, answers.c.submission_id == submissions.c.id)
                 .outerjoin(form_sessions, (form_sessions.c.training_id == submissions.c.training_id)
                            & (form_sessions.c.meeting == submissions.c.meeting)
                            & (form_sessions.c.form_id == submissions.c.form_id))
                 .where(submissions.c.training_id.in_(training_ids))
                 .order_by(submissions.c.training_id, submissions.c.meeting, submissions.c.form_id,
                           submissions.c.id, answers.c.item_id))
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [{**row._asdict(), "value": json.loads(row.value), "submitted_at": _utc(row.submitted_at),
                 "anonymous": bool(row.anonymous),
                 "form_spec": json.loads(row.form_spec) if row.form_spec else None}
                for row in rows]

    def participant_codes(self, training_id: int) -> dict[int, tuple[str, str]]:
        """participant id → (stable pseudonym code, name) for one training.

        The code ("D03") is the order of joining, so it does not change and says nothing
        about the person; exports carry it instead of the name unless names are asked for.
        """
        people = sorted(self.list_participants(training_id), key=lambda p: p.id)
        return {p.id: (f"D{n:02d}", p.name) for n, p in enumerate(people, start=1)}

    def roleplay_rows(self, training_ids: list[int]) -> list[dict]:
        """Every logged role-play turn of these trainings, with its group."""
        if not training_ids:
            return []
        query = (select(roleplay_groups.c.training_id, roleplay_groups.c.meeting, roleplay_groups.c.name.label("group"),
                        roleplay_turns.c.turn, roleplay_turns.c.variant, roleplay_turns.c.planned_seconds,
                        roleplay_turns.c.actual_seconds, roleplay_turns.c.paused_seconds)
                 .join(roleplay_turns, roleplay_turns.c.group_id == roleplay_groups.c.id)
                 .where(roleplay_groups.c.training_id.in_(training_ids))
                 .order_by(roleplay_groups.c.training_id, roleplay_groups.c.id, roleplay_turns.c.id))
        with self._read() as conn:
            return [row._asdict() for row in conn.execute(query).all()]

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

