"""Opening the database: URL resolution, the engine and its connections, SQLite's pragmas,
PostgreSQL's specifics, Dutch errors for the database's failures, and retrying a busy write.

A write that meets a busy database (SQLite locked, PostgreSQL deadlock or serialization
failure) is tried again with back-off for ``busy_seconds`` in total; then it raises
:class:`StoreBusy`, with nothing written. A database server that cannot be reached once the
store is open (restarting, network gone) counts as busy too (:class:`StoreUnavailable`); at
open, a wrong address, login or database name is said at once. Every error message is Dutch;
the database's own (English) text goes to the ``pztraining.store`` log at debug level.
"""

from __future__ import annotations

import errno
import functools
import logging
import os
import random
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Self

from sqlalchemy import create_engine, event, insert, inspect, select, text, update
from sqlalchemy.engine import Connection, CursorResult, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError

from pztraining.core.os_errors import dutch_reason
from pztraining.core.settings import Settings, current
from pztraining.core.texts import t
from pztraining.store import migrations, roles
from pztraining.store.driver import DriverTransaction
from pztraining.store.errors import MissingDatabase, StoreBusy, StoreError, StoreUnavailable
from pztraining.store.tables import metadata, schema_info

#: One log for the whole store (tests and operators filter on this name).
log = logging.getLogger("pztraining.store")

#: How long a write keeps trying while the database is busy (seconds, in total).
BUSY_SECONDS = 30.0
#: SQLite: at most this many threads keep a driver connection for prepared statements (the room
#: server's store threads); SQLAlchemy's pool holds 15 in all.
KEPT_CONNECTIONS = 8
#: SQLite's own default: a commit that leaves this many pages in the WAL copies them into the database.
AUTOCHECKPOINT_PAGES = 1000


def default_data_dir() -> Path:
    """Where data lives unless told otherwise: the ``data_dir`` setting, else the XDG data folder."""
    return current().data_folder()


def database_url(db: str | None = None, data_dir: Path | None = None) -> str:
    """The database URL to use: ``db``, else the ``database`` setting, else SQLite in the data folder."""
    if db:
        return db
    found = current()
    if data_dir is not None:
        found = Settings(data_dir=Path(data_dir), database=found.database)
    return found.database_url()


def database_organisation(organisation: str | None = None) -> str | None:
    """The organisation the store's connections act for: ``organisation``, else the setting
    (``PZTRAINING_ORGANISATION``), else None (not bound: a role that sees every organisation, or SQLite)."""
    if organisation is not None:
        return organisation
    return current().organisation


def _prepare_sqlite_folder(url: str) -> None:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    folder = Path(database).expanduser().resolve().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.debug("mkdir %s: %s", folder, exc)
        key = {
            errno.EEXIST: "store.folder.is_file",
            errno.ENOTDIR: "store.folder.is_file",
            errno.EACCES: "store.folder.denied",
            errno.EPERM: "store.folder.denied",
            errno.EROFS: "store.folder.denied",
        }.get(exc.errno or 0)
        raise StoreError(
            t(key, folder=folder) if key else t("store.folder.failed", folder=folder, reason=dutch_reason(exc))
        ) from None
    if not os.access(folder, os.W_OK) or (Path(database).exists() and not os.access(database, os.W_OK)):
        raise StoreError(t("store.folder.not_writable", folder=folder))


def _require_sqlite_file(url: str, where: str) -> None:
    database = make_url(url).database
    if (
        database
        and database != ":memory:"
        and not database.startswith("file:")
        and not Path(database).expanduser().is_file()
    ):
        raise MissingDatabase(t("store.missing", where=where))


#: SQLite result codes (primary) → what to tell the user; 5 BUSY and 6 LOCKED mean StoreBusy.
_SQLITE_CAUSES = {
    8: "store.readonly",
    11: "store.corrupt",
    13: "store.full",
    14: "store.cannot_open",
    26: "store.not_a_database",
}
_SQLITE_BUSY = {5, 6}
#: PostgreSQL: serialization_failure, deadlock_detected, lock_not_available: try again.
_POSTGRES_BUSY = {"40001", "40P01", "55P03"}

#: PostgreSQL classes that mean "the server is not there right now": connection exceptions,
#: operator intervention (shutdown, restart), insufficient resources (too many connections).
_POSTGRES_GONE = ("08", "57P", "53")
#: How a refused connection is told apart: SQLSTATE where the driver gives one, else libpq's
#: (English) text, which is all psycopg has when the connection itself is refused.
_CONNECT_REFUSALS = (
    (
        "store.login_refused",
        {"28P01", "28000"},
        re.compile(r'password authentication failed|no password supplied|role ".*" does not exist'),
    ),
    ("store.no_such_database", {"3D000"}, re.compile(r'database ".*" does not exist')),
)
#: Said at the start of every PostgreSQL transaction of a store bound to an organisation (schema 18).
ORGANISATION_SQL = "SELECT set_config('pztraining.organisation', %(organisation)s, true)"
#: The key of the advisory lock that lets one process at a time migrate a PostgreSQL database.
MIGRATION_LOCK = 0x707A_7472  # "pztr"

#: Python module of a database driver → the package that provides it.
_DRIVER_PACKAGES = {
    "MySQLdb": "mysqlclient",
    "pymysql": "PyMySQL",
    "psycopg2": "psycopg2-binary",
    "psycopg": "psycopg[binary]",
    "asyncpg": "asyncpg",
    "pyodbc": "pyodbc",
    "oracledb": "oracledb",
    "cx_Oracle": "cx_Oracle",
}


def _sqlite_code(exc: DBAPIError) -> int | None:
    code = getattr(exc.orig, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def _is_busy(exc: DBAPIError) -> bool:
    """Whether the database refused only because another transaction was in the way."""
    if _sqlite_code(exc) in _SQLITE_BUSY:
        return True
    return _sqlstate(exc) in _POSTGRES_BUSY


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)


def _refusal(exc: DBAPIError) -> str | None:
    """The text key when the server refused the login or has no such database, else None."""
    state, message = _sqlstate(exc), str(exc.orig)
    for key, states, pattern in _CONNECT_REFUSALS:
        if state in states or pattern.search(message):
            return key
    return None


def _is_gone(exc: DBAPIError) -> bool:
    """Whether the database server could not be reached or dropped the connection."""
    if exc.connection_invalidated:
        return True
    state = _sqlstate(exc)
    return isinstance(exc, OperationalError) and (state is None or state.startswith(_POSTGRES_GONE))


def display_url(url: str) -> str:
    """``url`` as it may be shown or logged: the password (if any) replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:  # not a URL SQLAlchemy can read: hide whatever stands before the last @
        return re.sub(r"^((?:[\w+.-]*://)?[^:/@]*:).*@", r"\1***@", url, flags=re.DOTALL)


def inserted_id(result: CursorResult[Any]) -> int:
    """The primary key of the one row an INSERT wrote."""
    key = result.inserted_primary_key
    assert key is not None  # SQLAlchemy gives one for every single-row INSERT
    return int(key[0])


def _wrapped(error: Exception, dialect: Any, invalidated: bool) -> DBAPIError:
    """A driver's ``error`` as SQLAlchemy raises it: a locked database is "busy", a dropped server "gone"."""
    dbapi_error = dialect.loaded_dbapi.Error
    wrapped = DBAPIError.instance(None, None, error, dbapi_error, connection_invalidated=invalidated, dialect=dialect)
    assert isinstance(wrapped, DBAPIError)  # a driver's error always becomes one
    return wrapped


def _roll_back(pooled: Any, cursor: Any, sqlite: bool, dbapi_error: type[Exception]) -> None:
    """End a failed transaction on a driver connection (nothing of it is kept)."""
    try:
        if sqlite:
            cursor.execute("ROLLBACK")
        else:
            pooled.rollback()
    except dbapi_error:  # no transaction began (BEGIN itself failed), or the connection is gone
        pass


def retry_when_busy(method):
    """Run a write again, with growing pauses, while the database is busy (``busy_seconds`` in total).

    Safe because a failed attempt rolled back completely. A nested call does not start a
    window of its own: the outermost one retries.
    """

    @functools.wraps(method)
    def run(store: Database, *args, **kwargs):
        if getattr(store._busy, "deadline", None) is not None or getattr(store._busy, "no_wait", False):
            return method(store, *args, **kwargs)  # nested, or must not wait (see without_waiting)
        store._busy.deadline = time.monotonic() + store.busy_seconds
        pause = 0.05
        try:
            while True:
                try:
                    return method(store, *args, **kwargs)
                except StoreBusy:
                    left = store._busy.deadline - time.monotonic()
                    if left <= 0:
                        raise
                    time.sleep(min(left, random.uniform(pause / 2, pause)))
                    pause = min(pause * 2, 1.0)
        finally:
            store._busy.deadline = None

    return run


def _read_only_sessions(engine: Engine) -> None:
    """Every PostgreSQL session of ``engine`` refuses writes (each transaction is read-only)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by the data API's tests
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        dbapi_connection.commit()


def _configure_sqlite(engine: Engine, busy_ms: Callable[[], int], read_only: bool = False) -> None:
    # WAL lets many kernels read while one writes; the busy timeout makes writers queue
    # instead of failing (set again on every BEGIN, so a retried write waits only for what
    # is left of its window). We issue BEGIN ourselves so writes can take the lock up front
    # (BEGIN IMMEDIATE), which avoids "database is locked" on lock upgrades.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised via every test
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms()}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Deleted rows are overwritten with zeros, also where SQLite was built without
        # SECURE_DELETE: removed names and answers must not stay readable in the file.
        cursor.execute("PRAGMA secure_delete = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        if read_only:  # after the WAL switch: from here on this connection refuses every write
            cursor.execute("PRAGMA query_only = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Straight on the driver's connection: SQLAlchemy's statement machinery around these two
        # fixed statements was a fifth of a phone's write.
        driver = conn.connection.dbapi_connection
        statement = conn.get_execution_options().get("sqlite_begin", "BEGIN")
        try:
            driver.execute(f"PRAGMA busy_timeout = {busy_ms()}")
            driver.execute(statement)
        except driver.Error as exc:  # as SQLAlchemy would raise it: a locked database is "busy"
            raise DBAPIError.instance(statement, None, exc, driver.Error) from exc


class Database:
    """The engine and its transactions: what every part of the :class:`~pztraining.store.Store` builds on.

    ``_read()`` and ``_write()`` give a connection inside one transaction; a write method
    carries :func:`retry_when_busy` so a busy database runs it again.
    """

    def __init__(
        self,
        url: str,
        *,
        create: bool = True,
        busy_seconds: float = BUSY_SECONDS,
        read_only: bool = False,
        organisation: str | None = None,
    ):
        """Open the database at ``url``, migrating it forward.

        ``create=False`` refuses (:class:`MissingDatabase`) a database that does not exist yet
        instead of making an empty one: for commands that only read. ``busy_seconds`` bounds
        how long a write keeps trying while the database is busy. ``read_only`` (implies
        ``create=False``) opens connections that refuse every write (SQLite ``query_only``,
        PostgreSQL read-only transactions) and migrates nothing: for analyses beside a running training.
        how long a write keeps trying while the database is busy. ``organisation`` (PostgreSQL)
        is said to the database at the start of every transaction: a server role bound by row-level
        security then reads and writes that organisation's rows only (schema 18).
        """
        create = create and not read_only
        self.url = url
        self.busy_seconds = busy_seconds
        self.organisation = organisation
        self._busy = threading.local()  # .deadline of the write being retried in this thread
        # SQLite: each thread's driver connection for prepared statements (see _driver_connection).
        self._thread_driver = threading.local()
        self._kept: list[tuple[Any, weakref.finalize]] = []
        self._kept_lock = threading.Lock()
        self._kept_generation = 0
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise StoreError(t("store.unknown_url", url=display_url(url))) from None
        self._sqlite = parsed.get_backend_name() == "sqlite"
        self._where = str(parsed.database) if self._sqlite else parsed.render_as_string(hide_password=True)
        if self._sqlite and create:
            _prepare_sqlite_folder(url)
        elif self._sqlite:
            _require_sqlite_file(url, self._where)
        try:
            # A server database may restart while the apps run: test a pooled connection before
            # use, so the first request after a restart does not fail on a dead one.
            self.engine = create_engine(url, future=True, pool_pre_ping=not self._sqlite)
        except ArgumentError as exc:
            log.debug("create_engine %s: %s", self._where, exc)
            raise StoreError(t("store.unknown_url", url=self._where)) from None
        except ImportError as exc:
            log.debug("create_engine %s: %s", self._where, exc)
            package = _DRIVER_PACKAGES.get(exc.name or "", exc.name or parsed.drivername)
            raise StoreError(t("store.no_driver", package=package)) from None
        if self._sqlite:
            _configure_sqlite(self.engine, self._busy_ms, read_only)
        else:
            if read_only:
                _read_only_sessions(self.engine)
            event.listen(self.engine, "begin", self._enter_organisation)
        self._probe()
        if not create:
            with self._read() as conn:
                if not inspect(conn).has_table(schema_info.name):
                    raise MissingDatabase(t("store.missing", where=self._where))
        if read_only:
            self._require_current()
        else:
            self._migrate()

    @classmethod
    def open(cls, db: str | None = None, data_dir: Path | None = None, **options) -> Self:
        """Open (and create or migrate) the database chosen by :func:`database_url`.

        ``options`` go to the constructor: ``create=False`` for commands that only read.
        """
        options.setdefault("organisation", database_organisation())
        return cls(database_url(db, data_dir), **options)

    def close(self) -> None:
        with self._kept_lock:
            kept, self._kept = self._kept, []
            self._kept_generation += 1
        for pooled, ended in kept:
            ended.detach()
            pooled.close()  # back to the pool, which closes them now
        self.engine.dispose()

    # ------------------------------------------------------------------ writes that must not wait

    @property
    def writes_without_waiting(self) -> bool:
        """Whether :meth:`without_waiting` can write at all: SQLite (a file lock is free or not, and
        a write takes tens of microseconds), not a database server (every statement a network trip)."""
        return self._sqlite

    @contextmanager
    def without_waiting(self) -> Iterator[None]:
        """Writes in this block (in this thread) take the database's lock only if it is free now.

        For a caller that must never block, as the room server's event loop: a busy database
        raises :class:`StoreBusy` at once (nothing written, no retry, no pause) and the caller
        runs the call again on a thread that may wait. Nor does a commit here copy the WAL into
        the database (an fsync; tens of milliseconds): the caller has :meth:`checkpoint_wal` run
        elsewhere.
        """
        if not self._sqlite:
            raise StoreError(t("store.busy"))  # a programming error: guarded by writes_without_waiting
        self._busy.no_wait = True
        try:
            yield
        finally:
            self._busy.no_wait = False

    def checkpoint_wal(self) -> None:
        """Copy what the WAL holds into the database file (SQLite; a passive checkpoint: it waits
        for nobody and a reader may leave part of it for the next). For writes made under
        :meth:`without_waiting`, which leave this to a thread that may block."""
        if not self._sqlite:
            return
        try:
            with self.engine.connect() as conn:
                driver = conn.connection.driver_connection
                assert driver is not None
                driver.execute("PRAGMA busy_timeout = 0")  # (every BEGIN sets it again)
                driver.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception as exc:  # sqlite3's own errors (busy): the next one tries again
            log.debug("checkpoint %s: %s", self._where, exc)

    # ------------------------------------------------------------------ plumbing

    def _enter_organisation(self, conn: Connection) -> None:
        """Say this store's organisation for the transaction beginning on ``conn`` (PostgreSQL).

        ``set_config(..., true)`` is ``SET LOCAL``: it ends with the transaction, so a pooled
        connection never carries one store's organisation into another's transaction.
        """
        if self.organisation is not None:
            conn.exec_driver_sql(ORGANISATION_SQL, {"organisation": self.organisation})

    def _busy_ms(self) -> int:
        """How long SQLite may wait for a lock now (ms): what is left of this write's window."""
        if getattr(self._busy, "no_wait", False):
            return 0
        deadline = getattr(self._busy, "deadline", None)
        seconds = self.busy_seconds if deadline is None else deadline - time.monotonic()
        return max(0, int(seconds * 1000))

    @retry_when_busy
    def _probe(self) -> None:
        """Connect once: at open a server that cannot be reached is said at once, not waited for.

        A busy SQLite file is waited for, as a write is: processes opening a new database together
        (``pztraining serve`` starts two servers) each switch it to WAL as they connect, and when
        two try at the same moment SQLite refuses one at once, without its busy timeout (waiting
        would deadlock them). Its next try finds the file in WAL mode.
        """
        try:
            with self._connect():
                pass
        except StoreUnavailable:
            raise StoreError(t("store.cannot_connect", where=self._where)) from None

    def _failure(self, exc: DBAPIError, fallback: str) -> StoreError:
        """The Dutch error for a database error; the database's own text only goes to the log."""
        log.debug("%s: %s", self._where, exc.orig)
        if _is_busy(exc):
            return StoreBusy(t("store.busy"))
        refusal = None if self._sqlite else _refusal(exc)
        if refusal:
            return StoreError(t(refusal, where=self._where))
        if not self._sqlite and _is_gone(exc):
            return StoreUnavailable(t("store.unavailable"))
        return StoreError(t(_SQLITE_CAUSES.get(_sqlite_code(exc) or 0, fallback), where=self._where))

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        try:
            conn = self.engine.connect()
        except DBAPIError as exc:
            raise self._failure(exc, "store.cannot_connect") from None
        with conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        # Write methods carry @retry_when_busy: a StoreBusy from here runs them again.
        try:
            with self._connect() as opened:
                conn = opened.execution_options(sqlite_begin="BEGIN IMMEDIATE") if self._sqlite else opened
                with conn.begin():
                    yield conn
        except DBAPIError as exc:
            raise self._failure(exc, "store.write_refused") from None

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self._connect() as conn, conn.begin():
                yield conn
        except DBAPIError as exc:
            raise self._failure(exc, "store.read_failed") from None

    def _driver_write(self) -> AbstractContextManager[DriverTransaction]:
        """A write transaction for prepared statements (:mod:`.driver`): the phones' writes.

        The same transaction as :meth:`_write` gives (SQLite: BEGIN IMMEDIATE after the busy
        timeout; PostgreSQL: the organisation said), the same Dutch errors; without
        SQLAlchemy's connection and statement machinery.
        """
        return self._driver(write=True)

    def _driver_read(self) -> AbstractContextManager[DriverTransaction]:
        """A read transaction for prepared statements, as :meth:`_read` gives."""
        return self._driver(write=False)

    def _set_autocheckpoint(self, pooled: Any, cursor: Any, kept: bool) -> None:
        """SQLite's own checkpoint after a commit (at 1,000 WAL pages), except for a commit
        :meth:`without_waiting`, which leaves it to :meth:`checkpoint_wal`. Said to a kept
        connection only when it changes; a pool's connection in that mode is set back when given back."""
        off = bool(getattr(self._busy, "no_wait", False))
        if kept:
            if getattr(self._thread_driver, "autocheckpoint", None) == (id(pooled), off):
                return
            self._thread_driver.autocheckpoint = (id(pooled), off)
        elif not off:
            return
        cursor.execute(f"PRAGMA wal_autocheckpoint = {0 if off else AUTOCHECKPOINT_PAGES}")

    def _driver_connection(self) -> tuple[Any, bool]:
        """A pooled connection for prepared statements, and whether this thread keeps it.

        SQLite: each thread keeps one for the life of the store (taking it from the pool and
        giving it back cost as much CPU as a draft's SQL). PostgreSQL: one from the pool for
        each transaction, tested first (the server may have restarted meanwhile).
        """
        if not self._sqlite:
            return self.engine.raw_connection(), False
        generation, pooled = getattr(self._thread_driver, "kept", (None, None))
        if pooled is not None and generation == self._kept_generation:  # (not if the store was closed since)
            return pooled, True
        pooled = self.engine.raw_connection()
        with self._kept_lock:
            if len(self._kept) >= KEPT_CONNECTIONS:
                return pooled, False  # the pool's other connections stay for SQLAlchemy's transactions
            # Back to the pool when this thread ends (or the store closes, whichever comes first).
            ended = weakref.finalize(threading.current_thread(), self._give_back, pooled)
            self._kept.append((pooled, ended))
            self._thread_driver.kept = (self._kept_generation, pooled)
        return pooled, True

    def _give_back(self, pooled: Any) -> None:
        """Return a thread's kept connection to the pool (its thread ended)."""
        with self._kept_lock:
            self._kept = [(kept, ended) for kept, ended in self._kept if kept is not pooled]
        pooled.close()

    @contextmanager
    def _driver(self, write: bool) -> Iterator[DriverTransaction]:
        dialect = self.engine.dialect
        dbapi_error = dialect.loaded_dbapi.Error
        try:
            pooled, kept = self._driver_connection()
        except DBAPIError as exc:
            raise self._failure(exc, "store.cannot_connect") from None
        except dbapi_error as exc:  # a new connection the pool could not open: the driver's own error
            raise self._failure(_wrapped(exc, dialect, False), "store.cannot_connect") from None
        driver = pooled.driver_connection
        cursor = None
        try:
            cursor = pooled.cursor()
            try:
                if self._sqlite:
                    cursor.execute(f"PRAGMA busy_timeout = {self._busy_ms()}")
                    self._set_autocheckpoint(pooled, cursor, kept)
                    cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                elif self.organisation is not None:
                    cursor.execute(ORGANISATION_SQL, {"organisation": self.organisation})
                yield DriverTransaction(cursor, dialect)
                if self._sqlite:
                    cursor.execute("COMMIT")
                else:
                    pooled.commit()
            except BaseException:
                _roll_back(pooled, cursor, self._sqlite, dbapi_error)
                raise
        except dbapi_error as exc:
            gone = bool(dialect.is_disconnect(exc, driver, cursor))
            if gone:
                pooled.invalidate()  # the pool opens a new connection next time
            raise self._failure(
                _wrapped(exc, dialect, gone), "store.write_refused" if write else "store.read_failed"
            ) from None
        finally:
            if cursor is not None:
                try:
                    cursor.close()
                except dbapi_error:
                    pass
            if not kept:
                if self._sqlite and getattr(self._busy, "no_wait", False):
                    try:  # as every other connection of the pool checkpoints
                        driver.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")
                    except dbapi_error:
                        pooled.invalidate()
                pooled.close()  # back to the pool

    @retry_when_busy
    def _migrate(self) -> None:
        current = 0
        try:
            with self._write() as conn:
                if self.engine.dialect.name == "postgresql":
                    # Two processes starting at once: the second waits here until the first has
                    # committed, then finds the schema current (SQLite: BEGIN IMMEDIATE does this).
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                metadata.create_all(conn, tables=[schema_info])
                row = conn.execute(select(schema_info.c.version)).first()
                current = row.version if row else 0
                steps = migrations.MIGRATIONS  # read now: a test may add a step
                newest = len(steps)
                if current > newest:
                    raise StoreError(t("store.newer_schema", found=current, known=newest))
                for version in range(current + 1, newest + 1):
                    steps[version - 1](conn)
                if row is None:
                    conn.execute(insert(schema_info).values(id=1, version=newest))
                elif current != newest:
                    conn.execute(update(schema_info).values(version=newest))
                if current != newest and not self._sqlite:
                    roles.grant_tables(conn)  # the servers' role gets the new tables too
        except SQLAlchemyError as exc:
            log.debug("migrate %s: %s", self._where, exc)
            raise StoreError(t("store.cannot_open", where=self._where)) from None
        if 0 < current < 13:  # the unsalted hashes and anonymous drafts are still in the WAL
            self._checkpoint()

    def grant_server_role(self, role: str, every_organisation: bool) -> None:
        """Make the PostgreSQL login ``role`` a server's: rows only, no DDL (see :mod:`.roles`).

        Run as the tables' owner with the right to create roles (or a superuser).
        ``every_organisation``: the room service and coordinators; else bound to one organisation.
        """
        if self._sqlite:
            raise StoreError(t("store.roles.sqlite"))
        try:
            with self._write() as conn:
                roles.grant(conn, role, every_organisation)
        except LookupError:
            raise StoreError(t("store.roles.no_such_role", role=role)) from None

    def _require_current(self) -> None:
        """A read-only store migrates nothing: it reads only a database at this code's schema."""
        found = self.schema_version()
        newest = len(migrations.MIGRATIONS)
        if found > newest:
            raise StoreError(t("store.newer_schema", found=found, known=newest))
        if found < newest:
            raise StoreError(t("store.older_schema", found=found, known=newest))

    def schema_version(self) -> int:
        """The schema version of the open database."""
        with self._read() as conn:
            return conn.execute(select(schema_info.c.version)).scalar_one()

    def _checkpoint(self, quiet: bool = False) -> None:
        # The WAL file still holds the removed rows as they were written; copy the overwritten
        # pages into the database and empty the WAL. Idle connections (a running server) do
        # not stop this; a reader in the middle of a transaction makes it wait (busy timeout).
        # After a batch of anonymous answers (``quiet``) it is only a tidying: the WAL then
        # holds no order of the room's writes before it, and a failure is merely logged.
        if not self._sqlite:
            return
        try:
            with self.engine.connect() as conn:
                driver = conn.connection.driver_connection
                assert driver is not None  # an open pooled connection always has its driver's
                if quiet:  # a reader holding an old snapshot: do not keep a phone's thread waiting
                    driver.execute("PRAGMA busy_timeout = 300")  # (every BEGIN sets it again)
                driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception as exc:  # sqlite3's own errors: this is the driver's connection, not wrapped
            if not quiet:
                raise
            log.debug("checkpoint %s: %s", self._where, exc)
