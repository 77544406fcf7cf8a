"""The store: the only module that talks to the database (SQLAlchemy 2 Core).

Every Voila page runs in its own kernel process, so all shared state goes through here.
The default database is SQLite in WAL mode (many readers, one writer, with a busy
timeout) under the data folder; ``--db URL`` or ``PZTRAINING_DB`` choose another, e.g.
``postgresql+psycopg://…``. Nothing here reads the clock: callers pass ``now`` (UTC).

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
import hashlib
import hmac
import json
import logging
import os
import random
import re
import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import (
    Boolean, Column, Date, DateTime, Float, ForeignKey, Integer, MetaData, String, Table, Text,
    UniqueConstraint, bindparam, create_engine, delete, event, func, insert, inspect, select, text, update,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError

from .discussions import CASE_DISCUSSION_PROGRAMS, CaseAction, HeldDiscussion
from .os_errors import dutch_reason
from .text_input import clean_name
from .texts import t

log = logging.getLogger(__name__)

#: The newest schema this code knows; older databases are migrated forward on open.
SCHEMA_VERSION = 14

#: The three scores of an implementation condition ("voldoet (nog) niet / gedeeltelijk / wel").
CONDITION_SCORES = ("niet", "gedeeltelijk", "wel")

#: Join codes use characters nobody confuses on a phone or a beamer (no 0/O, 1/I/L).
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6

#: How long a write keeps trying while the database is busy (seconds, in total).
BUSY_SECONDS = 30.0

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
    # A random secret per training (hex; since schema 13): device hashes are keyed with it, so
    # the same phone has a different stored hash in every training and trainings cannot be
    # joined on a device. Also keys the receipts of anonymous answers waiting to be stored.
    Column("device_salt", String(64), nullable=True),
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
    # HMAC-SHA256 (key: the training's device_salt) of the sha256 of the device's secret.
    Column("device_hash", String(64), nullable=False),
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
    # Random, never sequential (see _new_submission_id): a number in order of sending would
    # link an anonymous evaluation to the named reflection sent just before it.
    Column("id", Integer, primary_key=True, autoincrement=False),
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
    sqlite_with_rowid=False,  # SQLite's hidden rowid would number answers in the order they came in
)

drafts = Table(
    "drafts", metadata,
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
    Column("meeting", Integer, primary_key=True),
    Column("form_id", String(64), primary_key=True),
    Column("respondent_key", String(80), primary_key=True),
    Column("answers", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=True),  # None on anonymous forms (since schema 6)
    sqlite_with_rowid=False,  # no hidden rowid: it would order anonymous drafts in time
)


# The room (schema 5): what phones see changes when the trainer opens or closes a form or a
# case; one counter per training lets the participant server notice that with one cheap read.
room_versions = Table(
    "room_versions", metadata,
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, nullable=False),
)

case_shares = Table(
    "case_shares", metadata,
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
    Column("meeting", Integer, primary_key=True),
    Column("case_id", String(64), primary_key=True),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),
)

# A facilitator link opens the Rollenspel page of one meeting of one training, nothing else.
facilitator_links = Table(
    "facilitator_links", metadata,
    Column("code", String(32), primary_key=True),
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False),
    Column("meeting", Integer, nullable=False),
    UniqueConstraint("training_id", "meeting", name="uq_facilitator_link"),
)

# Actions agreed at a casuïstiekbespreking (schema 9): shown again at the next discussion until done.
case_actions = Table(
    "case_actions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False),
    Column("meeting", Integer, nullable=False),  # the discussion where it was agreed
    Column("text", Text, nullable=False),  # as typed
    Column("who", String(200), nullable=False),  # as typed: a name or a role
    Column("due", Date, nullable=True),
    Column("done", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

#: Longest action text and "who", in characters (a longer one is refused, nothing cut off).
ACTION_TEXT_LIMIT = 1000
ACTION_WHO_LIMIT = 200


# Who is who when hosted for an organisation (schema 8): the hosting layer (JupyterHub) says
# the login name; this table says its role and organisation. Localhost mode needs no rows.
#: The roles a login name can have (see pztraining.access for what each may do).
ROLES = ("trainer", "kartrekker", "coordinator")

users = Table(
    "users", metadata,
    Column("name", String(200), primary_key=True),  # the login name, as the hosting layer gives it
    Column("role", String(20), nullable=False),
    Column("organisation", String(200), nullable=False, default=""),  # "" for a coordinator
    # Until when (UTC) this name may choose its first password at the hub's login (since
    # schema 14; None: never, e.g. names added before that). `users add` opens the window.
    Column("first_login_until", DateTime(timezone=True), nullable=True),
)


# Quiz answers shown (schema 10): the trainer pressed "toon antwoord" for one quiz item of a
# form in a meeting. Until a row is here no page gets the right answer or its explanation.
quiz_reveals = Table(
    "quiz_reveals", metadata,
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
    Column("meeting", Integer, primary_key=True),
    Column("form_id", String(64), primary_key=True),
    Column("item_id", String(64), primary_key=True),
    Column("revealed_at", DateTime(timezone=True), nullable=False),
)


# The kartrekker (schema 11): every scoring of the implementation conditions is kept with its
# moment and the condition's text as scored (a later content version is then reported, not
# merged); the cost estimate's inputs are kept as typed, per organisation and format.
condition_scores = Table(
    "condition_scores", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organisation", String(200), nullable=False),
    Column("program_id", String(64), nullable=False),
    Column("condition_id", String(64), nullable=False),
    Column("content_version", Integer, nullable=False),
    Column("condition_text", Text, nullable=False),
    Column("score", String(16), nullable=False),  # "niet", "gedeeltelijk" or "wel"
    Column("remark", Text, nullable=False, default=""),
    Column("scored_at", DateTime(timezone=True), nullable=False),
)

cost_inputs = Table(
    "cost_inputs", metadata,
    Column("organisation", String(200), primary_key=True),
    Column("format_id", String(64), primary_key=True),
    Column("input_id", String(64), primary_key=True),
    Column("value", String(100), nullable=False),  # as typed: a wrong number is kept to correct
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# The kartrekker (schema 12): the chosen start month of a programme's planning, one per
# organisation and programme; and the indicators the store cannot measure (client and relative
# satisfaction, case lead time), entered per period. Every entry is kept with its moment: the
# latest one of a period counts, earlier ones stay as history.
plan_starts = Table(
    "plan_starts", metadata,
    Column("organisation", String(200), primary_key=True),
    Column("program_id", String(64), primary_key=True),
    Column("planning_id", String(64), nullable=False),
    Column("start_month", Date, nullable=False),  # always the first day of the month
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

entered_indicators = Table(
    "entered_indicators", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organisation", String(200), nullable=False),
    Column("indicator_id", String(64), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("value", Float, nullable=False),
    Column("unit", String(40), nullable=False),
    Column("remark", Text, nullable=False, default=""),
    Column("entered_at", DateTime(timezone=True), nullable=False),
)

#: Tables of an organisation, not of a training: removing a training leaves them (they hold no
#: participant data; the remarks are the kartrekker's own).
ORGANISATION_TABLES = (condition_scores, cost_inputs, plan_starts, entered_indicators)


# The phones' writes (a draft every few seconds per phone, then a submit) use statements
# built once: building SQLAlchemy expressions costs more CPU than SQLite spends on them.
_FORM_STATE = select(form_sessions.c.anonymous, form_sessions.c.closed_at).where(
    form_sessions.c.training_id == bindparam("t"), form_sessions.c.meeting == bindparam("m"),
    form_sessions.c.form_id == bindparam("f"))
_DRAFT_KEY = (drafts.c.training_id == bindparam("t"), drafts.c.meeting == bindparam("m"),
              drafts.c.form_id == bindparam("f"), drafts.c.respondent_key == bindparam("k"))
_DRAFT_UPDATE = update(drafts).where(*_DRAFT_KEY).values(answers=bindparam("a"), updated_at=bindparam("u"))
_DRAFT_DELETE = delete(drafts).where(*_DRAFT_KEY)
_SUBMISSION_ID = select(submissions.c.id).where(
    submissions.c.training_id == bindparam("t"), submissions.c.meeting == bindparam("m"),
    submissions.c.form_id == bindparam("f"), submissions.c.respondent_key == bindparam("k"))
_ANSWER_INSERT = insert(answers).values(submission_id=bindparam("s"), item_id=bindparam("i"), value=bindparam("v"))
_DRAFT_INSERT = insert(drafts).values(training_id=bindparam("t"), meeting=bindparam("m"), form_id=bindparam("f"),
                                      respondent_key=bindparam("k"), answers=bindparam("a"),
                                      updated_at=bindparam("u"))


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


def _migrate_to_5(conn: Connection) -> None:
    metadata.create_all(conn, tables=[room_versions, case_shares, facilitator_links])


def _migrate_to_6(conn: Connection) -> None:
    # Anonymous rows must carry nothing that orders them: random submission ids instead of
    # a sequence, no rowid behind answers and drafts (SQLite), no time on anonymous drafts.
    if conn.dialect.name == "sqlite":
        for table in (answers, drafts):  # SQLite cannot change a column or drop a rowid: rebuild
            old = f"{table.name}_schema5"
            conn.exec_driver_sql(f"ALTER TABLE {table.name} RENAME TO {old}")
            table.create(conn)
            names = ", ".join(c.name for c in table.columns)
            conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {old}")
            conn.exec_driver_sql(f"DROP TABLE {old}")
    else:
        conn.execute(text("ALTER TABLE drafts ALTER COLUMN updated_at DROP NOT NULL"))
    anonymous = select(form_sessions.c.training_id).where(
        form_sessions.c.training_id == drafts.c.training_id, form_sessions.c.meeting == drafts.c.meeting,
        form_sessions.c.form_id == drafts.c.form_id, form_sessions.c.anonymous.is_(True)).exists()
    conn.execute(update(drafts).where(anonymous).values(updated_at=None))
    taken: set[int] = set()
    for old_id in conn.execute(select(submissions.c.id)).scalars().all():
        new_id = _new_submission_id(conn, taken)
        taken.add(new_id)
        rows = conn.execute(select(answers.c.item_id, answers.c.value)
                            .where(answers.c.submission_id == old_id)).all()
        # Answers point at their submission without ON UPDATE CASCADE: move them over by hand.
        conn.execute(delete(answers).where(answers.c.submission_id == old_id))
        conn.execute(update(submissions).where(submissions.c.id == old_id).values(id=new_id))
        for row in rows:
            conn.execute(insert(answers).values(submission_id=new_id, item_id=row.item_id, value=row.value))


def _new_submission_id(conn: Connection, taken: set[int] = frozenset()) -> int:
    """A random submission id, unused in the database and not in ``taken``.

    Below 2**31 so it fits INTEGER on PostgreSQL (and is exact in JavaScript). Every id is
    random: after one random id SQLite would otherwise continue with max(id) + 1.
    """
    while True:
        candidate = secrets.randbelow(2**31 - 1) + 1
        if candidate not in taken and conn.execute(
                select(submissions.c.id).where(submissions.c.id == candidate)).first() is None:
            return candidate


def _migrate_to_7(conn: Connection) -> None:
    columns = {c["name"] for c in inspect(conn).get_columns("meeting_runs")}
    if "version" not in columns:
        conn.execute(text("ALTER TABLE meeting_runs ADD COLUMN version INTEGER NOT NULL DEFAULT 0"))


def _migrate_to_8(conn: Connection) -> None:
    metadata.create_all(conn, tables=[users])


def _migrate_to_9(conn: Connection) -> None:
    metadata.create_all(conn, tables=[case_actions])


def _migrate_to_10(conn: Connection) -> None:
    metadata.create_all(conn, tables=[quiz_reveals])


def _migrate_to_11(conn: Connection) -> None:
    metadata.create_all(conn, tables=[condition_scores, cost_inputs])


def _migrate_to_12(conn: Connection) -> None:
    metadata.create_all(conn, tables=[plan_starts, entered_indicators])


def _migrate_to_13(conn: Connection) -> None:
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
        for row in conn.execute(select(participants.c.id, participants.c.device_hash)
                                .where(participants.c.training_id == training_id)).all():
            conn.execute(update(participants).where(participants.c.id == row.id)
                         .values(device_hash=salted_device_hash(salt, row.device_hash)))
    anonymous = select(form_sessions.c.training_id).where(
        form_sessions.c.training_id == drafts.c.training_id, form_sessions.c.meeting == drafts.c.meeting,
        form_sessions.c.form_id == drafts.c.form_id, form_sessions.c.anonymous.is_(True)).exists()
    conn.execute(delete(drafts).where(anonymous))


def new_device_salt() -> str:
    """A training's random device salt (16 bytes, hex)."""
    return secrets.token_hex(16)


def salted_device_hash(salt: str, device_hash: str) -> str:
    """What the store keeps of a device in one training: HMAC-SHA256 keyed with its salt.

    ``device_hash`` is already a one-way hash of the phone's secret; keying it per training
    makes the same phone's stored hash differ from one training to the next.
    """
    return hmac.new(bytes.fromhex(salt), device_hash.encode(), hashlib.sha256).hexdigest()


def _migrate_to_14(conn: Connection) -> None:
    columns = {c["name"] for c in inspect(conn).get_columns("users")}
    if "first_login_until" not in columns:
        kind = "TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME"
        conn.execute(text(f"ALTER TABLE users ADD COLUMN first_login_until {kind}"))


#: version → function that brings a database from version-1 to version.
MIGRATIONS = {1: _migrate_to_1, 2: _migrate_to_2, 3: _migrate_to_3, 4: _migrate_to_4, 5: _migrate_to_5,
              6: _migrate_to_6, 7: _migrate_to_7, 8: _migrate_to_8, 9: _migrate_to_9, 10: _migrate_to_10,
              11: _migrate_to_11, 12: _migrate_to_12, 13: _migrate_to_13,
              14: _migrate_to_14}

#: Length of a facilitator code: long enough that nobody guesses one (31^10 ≈ 8·10^14).
FACILITATOR_CODE_LENGTH = 10


def new_join_code(taken: set[str] = frozenset(), length: int = JOIN_CODE_LENGTH) -> str:
    """A random code of ``length`` unambiguous characters, not in ``taken``."""
    while True:
        code = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(length))
        if code not in taken:
            return code


def login_name(text_: str) -> str:
    """A login name as JupyterHub gives it to a server: no surrounding spaces, lower case."""
    return text_.strip().lower()


def normalize_join_code(text_: str) -> str:
    """What a participant typed, as a join code: upper case, no spaces or dashes."""
    return "".join(ch for ch in text_.upper() if ch.isalnum())


class StoreError(Exception):
    """The database cannot do what was asked; the message is Dutch and meant for users."""


class MissingEntry(StoreError):
    """The asked-for record does not exist."""


class StoreBusy(StoreError):
    """The database stayed busy (locked) for the whole retry window; nothing was written.

    Unlike other errors this one says "try again later": the same call may well succeed then.
    """


class StoreUnavailable(StoreBusy):
    """The database server could not be reached (down, restarting, connection lost); nothing written.

    Tried again like :class:`StoreBusy`: once the server is back, the same call succeeds.
    """


class MissingDatabase(StoreError):
    """A store opened with ``create=False`` found no pztraining database; nothing was created."""


class FormClosed(StoreError):
    """A participant tried to submit a form that is not open."""


class AnonymousForm(StoreError):
    """A phone's answer to an anonymous form reached a write that would store it on its own.

    Anonymous answers are stored only in batches (:meth:`Store.store_anonymous_batch`).
    """


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
class ConditionScore:
    """One stored score of one implementation condition (see :mod:`pztraining.kartrekker.conditions`)."""

    organisation: str
    program_id: str
    condition_id: str
    content_version: int
    condition_text: str
    score: str
    remark: str
    scored_at: datetime


@dataclass(frozen=True)
class EnteredIndicator:
    """One figure a kartrekker entered for a period (see :mod:`pztraining.kartrekker.entered`)."""

    id: int
    organisation: str
    indicator_id: str
    period_start: date
    period_end: date
    value: float
    unit: str
    remark: str
    entered_at: datetime


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
        log.debug("mkdir %s: %s", folder, exc)
        key = {errno.EEXIST: "store.folder.is_file", errno.ENOTDIR: "store.folder.is_file",
               errno.EACCES: "store.folder.denied", errno.EPERM: "store.folder.denied",
               errno.EROFS: "store.folder.denied"}.get(exc.errno)
        raise StoreError(t(key, folder=folder) if key else
                         t("store.folder.failed", folder=folder, reason=dutch_reason(exc))) from None
    if not os.access(folder, os.W_OK) or (Path(database).exists() and not os.access(database, os.W_OK)):
        raise StoreError(f"Kan niet schrijven in {folder}: kies met --db een andere plek voor de database.")


def _require_sqlite_file(url: str, where: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:") \
            and not Path(database).expanduser().is_file():
        raise MissingDatabase(t("store.missing", where=where))


#: SQLite result codes (primary) → what to tell the user; 5 BUSY and 6 LOCKED mean StoreBusy.
_SQLITE_CAUSES = {8: "store.readonly", 11: "store.corrupt", 13: "store.full", 14: "store.cannot_open",
                  26: "store.not_a_database"}
_SQLITE_BUSY = {5, 6}
#: PostgreSQL: serialization_failure, deadlock_detected, lock_not_available: try again.
_POSTGRES_BUSY = {"40001", "40P01", "55P03"}

#: PostgreSQL classes that mean "the server is not there right now": connection exceptions,
#: operator intervention (shutdown, restart), insufficient resources (too many connections).
_POSTGRES_GONE = ("08", "57P", "53")
#: How a refused connection is told apart: SQLSTATE where the driver gives one, else libpq's
#: (English) text, which is all psycopg has when the connection itself is refused.
_CONNECT_REFUSALS = (
    ("store.login_refused", {"28P01", "28000"},
     re.compile(r'password authentication failed|no password supplied|role ".*" does not exist')),
    ("store.no_such_database", {"3D000"}, re.compile(r'database ".*" does not exist')),
)
#: The key of the advisory lock that lets one process at a time migrate a PostgreSQL database.
MIGRATION_LOCK = 0x707A_7472  # "pztr"

#: Python module of a database driver → the package that provides it.
_DRIVER_PACKAGES = {"MySQLdb": "mysqlclient", "pymysql": "PyMySQL", "psycopg2": "psycopg2-binary",
                    "psycopg": "psycopg[binary]", "asyncpg": "asyncpg", "pyodbc": "pyodbc",
                    "oracledb": "oracledb", "cx_Oracle": "cx_Oracle"}


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
        return re.sub(r"^((?:[\w+.-]*://)?[^:/@]*:).*@", r"\1***@", url, flags=re.S)


def _retry_when_busy(method):
    """Run a write again, with growing pauses, while the database is busy (``busy_seconds`` in total).

    Safe because a failed attempt rolled back completely. A nested call does not start a
    window of its own: the outermost one retries.
    """

    @functools.wraps(method)
    def run(store: "Store", *args, **kwargs):
        if getattr(store._busy, "deadline", None) is not None:
            return method(store, *args, **kwargs)
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


def _configure_sqlite(engine: Engine, busy_ms: Callable[[], int]) -> None:
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
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {busy_ms()}")
        conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))


class Store:
    """A facade over the database with regular verbs (add_, find_, list_, remove_)."""

    def __init__(self, url: str, *, create: bool = True, busy_seconds: float = BUSY_SECONDS):
        """Open the database at ``url``, migrating it forward.

        ``create=False`` refuses (:class:`MissingDatabase`) a database that does not exist yet
        instead of making an empty one: for commands that only read. ``busy_seconds`` bounds
        how long a write keeps trying while the database is busy.
        """
        self.url = url
        self.busy_seconds = busy_seconds
        self._busy = threading.local()  # .deadline of the write being retried in this thread
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise StoreError(t("store.unknown_url", url=display_url(url))) from None
        self._sqlite = parsed.get_backend_name() == "sqlite"
        self._where = parsed.database if self._sqlite else parsed.render_as_string(hide_password=True)
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
            package = _DRIVER_PACKAGES.get(exc.name, exc.name or parsed.drivername)
            raise StoreError(t("store.no_driver", package=package)) from None
        if self._sqlite:
            _configure_sqlite(self.engine, self._busy_ms)
        self._probe()
        if not create:
            with self._read() as conn:
                if not inspect(conn).has_table(schema_info.name):
                    raise MissingDatabase(t("store.missing", where=self._where))
        self._migrate()

    @classmethod
    def open(cls, db: str | None = None, data_dir: Path | None = None, **options) -> "Store":
        """Open (and create or migrate) the database chosen by :func:`database_url`.

        ``options`` go to :class:`Store`: ``create=False`` for commands that only read.
        """
        return cls(database_url(db, data_dir), **options)

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ plumbing

    def _busy_ms(self) -> int:
        """How long SQLite may wait for a lock now (ms): what is left of this write's window."""
        deadline = getattr(self._busy, "deadline", None)
        seconds = self.busy_seconds if deadline is None else deadline - time.monotonic()
        return max(0, int(seconds * 1000))

    def _probe(self) -> None:
        """Connect once: at open a server that cannot be reached is said at once, not waited for."""
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
        if not self._sqlite and _refusal(exc):
            return StoreError(t(_refusal(exc), where=self._where))
        if not self._sqlite and _is_gone(exc):
            return StoreUnavailable(t("store.unavailable"))
        return StoreError(t(_SQLITE_CAUSES.get(_sqlite_code(exc), fallback), where=self._where))

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
        # Write methods carry @_retry_when_busy: a StoreBusy from here runs them again.
        try:
            with self._connect() as conn:
                if self._sqlite:
                    conn = conn.execution_options(sqlite_begin="BEGIN IMMEDIATE")
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

    @_retry_when_busy
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
            log.debug("migrate %s: %s", self._where, exc)
            raise StoreError(t("store.cannot_open", where=self._where)) from None
        if 0 < current < 13:  # the unsalted hashes and anonymous drafts are still in the WAL
            self._checkpoint()

    def schema_version(self) -> int:
        """The schema version of the open database."""
        with self._read() as conn:
            return conn.execute(select(schema_info.c.version)).scalar_one()

    # ------------------------------------------------------------------ trainings

    @_retry_when_busy
    def add_training(self, name: str, program_id: str, now: datetime, organisation: str = "",
                     meeting_dates: tuple[date | None, ...] = ()) -> Training:
        """Create a training (a group following ``program_id``) and return it."""
        name = clean_name(name)  # no invisible or look-alike characters in a list of trainings
        if not name:
            raise StoreError("Geef de training een naam.")
        with self._write() as conn:
            taken = set(conn.execute(select(trainings.c.join_code)).scalars())
            training_id = conn.execute(insert(trainings).values(
                name=name, program_id=program_id, organisation=organisation.strip(), created_at=now,
                join_code=new_join_code(taken), device_salt=new_device_salt(),
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

    @_retry_when_busy
    def remove_training(self, training_id: int) -> None:
        """Delete a training and everything stored for it (AVG: the right to be forgotten)."""
        with self._write() as conn:
            groups = select(roleplay_groups.c.id).where(roleplay_groups.c.training_id == training_id)
            conn.execute(delete(roleplay_turns).where(roleplay_turns.c.group_id.in_(groups)))
            sent = select(submissions.c.id).where(submissions.c.training_id == training_id)
            conn.execute(delete(answers).where(answers.c.submission_id.in_(sent)))
            for table in (submissions, drafts, form_sessions, participants, roleplay_groups,
                          checklist_ticks, meeting_runs, meeting_date_rows, room_versions, case_shares,
                          facilitator_links, case_actions, quiz_reveals):
                conn.execute(delete(table).where(table.c.training_id == training_id))
            if conn.execute(delete(trainings).where(trainings.c.id == training_id)).rowcount == 0:
                raise MissingEntry(f"Training {training_id} bestaat niet.")
        self._checkpoint()

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
                if quiet:  # a reader holding an old snapshot: do not keep a phone's thread waiting
                    driver.execute("PRAGMA busy_timeout = 300")  # (every BEGIN sets it again)
                driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception as exc:  # sqlite3's own errors: this is the driver's connection, not wrapped
            if not quiet:
                raise
            log.debug("checkpoint %s: %s", self._where, exc)

    @staticmethod
    def _training(conn: Connection, row: Any) -> Training:
        days = conn.execute(
            select(meeting_date_rows.c.meeting, meeting_date_rows.c.date)
            .where(meeting_date_rows.c.training_id == row.id).order_by(meeting_date_rows.c.meeting)
        ).all()
        return Training(row.id, row.name, row.program_id, row.organisation,
                        tuple(d.date for d in days), _utc(row.created_at), row.join_code or "")

    # ------------------------------------------------------------------ users (hosted mode)

    @_retry_when_busy
    def add_user(self, name: str, role: str, organisation: str = "",
                 first_login_until: datetime | None = None) -> Account:
        """Give a login name a role (and organisation); a name added again is updated.

        Trainers and kartrekkers belong to one organisation; a coordinator to none (it
        sees every organisation's results, pseudonymized). ``first_login_until`` (UTC) opens
        the window in which the hub lets the name choose its first password (None: keep it).
        """
        name, organisation = login_name(name), organisation.strip()
        if not name:
            raise StoreError(t("users.name_missing"))
        if role not in ROLES:
            raise StoreError(t("users.bad_role", role=role, roles=", ".join(ROLES)))
        if role == "coordinator" and organisation:
            raise StoreError(t("users.coordinator_org"))
        if role != "coordinator" and not organisation:
            raise StoreError(t("users.org_missing", role=t(f"role.{role}")))
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
        return Account(row.name, row.role, row.organisation, _utc(row.first_login_until))

    def list_users(self) -> list[Account]:
        """Every account, by organisation and then name (coordinators first)."""
        with self._read() as conn:
            rows = conn.execute(select(users).order_by(users.c.organisation, users.c.name)).all()
        return [Account(row.name, row.role, row.organisation, _utc(row.first_login_until)) for row in rows]

    @_retry_when_busy
    def remove_user(self, name: str) -> None:
        """Take a login name's role away; MissingEntry when it had none."""
        name = login_name(name)
        with self._write() as conn:
            if conn.execute(delete(users).where(users.c.name == name)).rowcount == 0:
                raise MissingEntry(t("users.unknown", name=name))

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

    @_retry_when_busy
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

    @_retry_when_busy
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

    @_retry_when_busy
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

    @_retry_when_busy
    def add_participant(self, training_id: int, name: str, device_hash: str, now: datetime) -> Participant:
        """Register a participant (name or pseudonym) on a device; the same device gets the same one."""
        # Attendance lists and exports show this name: no control, zero-width or bidi characters.
        name = clean_name(name)
        if not name:
            raise StoreError("Vul een naam of schuilnaam in.")
        if len(name) > 100:
            raise StoreError("Een naam is hoogstens 100 tekens.")
        with self._write() as conn:
            stored = self._device_key(conn, training_id, device_hash)
            if stored is None:
                raise MissingEntry(f"Training {training_id} bestaat niet.")
            row = conn.execute(select(participants).where(
                participants.c.training_id == training_id, participants.c.device_hash == stored)).first()
            if row is None:
                conn.execute(insert(participants).values(training_id=training_id, name=name,
                                                         device_hash=stored, created_at=now))
            else:
                conn.execute(update(participants).where(participants.c.id == row.id).values(name=name))
        return self.find_participant(training_id, device_hash)

    def find_participant(self, training_id: int, device_hash: str) -> Participant | None:
        """The participant registered on this device for this training, or None."""
        with self._read() as conn:
            stored = self._device_key(conn, training_id, device_hash)
            row = stored and conn.execute(select(participants).where(
                participants.c.training_id == training_id, participants.c.device_hash == stored)).first()
        return Participant(row.id, row.training_id, row.name) if row else None

    @staticmethod
    def _device_key(conn: Connection, training_id: int, device_hash: str) -> str | None:
        """The stored form of ``device_hash`` in this training (salted), or None without the training."""
        salt = conn.execute(select(trainings.c.device_salt).where(trainings.c.id == training_id)).scalar()
        return salted_device_hash(salt, device_hash) if salt else None

    def training_key(self, training_id: int, purpose: str) -> bytes:
        """A secret of this training for ``purpose`` (derived from its salt); MissingEntry without it."""
        with self._read() as conn:
            salt = conn.execute(select(trainings.c.device_salt).where(trainings.c.id == training_id)).scalar()
        if not salt:
            raise MissingEntry(f"Training {training_id} bestaat niet.")
        return hmac.new(bytes.fromhex(salt), f"key:{purpose}".encode(), hashlib.sha256).digest()

    def list_participants(self, training_id: int) -> list[Participant]:
        """The participants of a training, by name."""
        with self._read() as conn:
            rows = conn.execute(select(participants).where(participants.c.training_id == training_id)
                                .order_by(participants.c.name, participants.c.id)).all()
        return [Participant(r.id, r.training_id, r.name) for r in rows]

    # ------------------------------------------------------------------ forms

    @_retry_when_busy
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
            self._bump_room(conn, training_id)
        return self.form_session(training_id, meeting, form_id)

    @_retry_when_busy
    def close_form(self, training_id: int, meeting: int, form_id: str, now: datetime) -> None:
        """Close a form: no new answers or corrections from participants after this."""
        with self._write() as conn:
            conn.execute(update(form_sessions).where(*self._session_key(training_id, meeting, form_id))
                         .values(closed_at=now))
            self._bump_room(conn, training_id)

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

    @_retry_when_busy
    def save_open_draft(self, training_id: int, meeting: int, form_id: str, key_for: Callable[[bool], str],
                        values: dict, now: datetime) -> bool:
        """Keep a participant's draft of an open form, in one transaction; FormClosed if it is not open.

        ``key_for(anonymous)`` gives the respondent key for the form's anonymity as stored.
        A draft of an anonymous form is not stored (False): it stays on the phone, because a
        key written while the phone types would sit next to that phone's named writes.
        """
        payload = json.dumps(values, ensure_ascii=False)
        with self._write() as conn:
            session = conn.execute(_FORM_STATE, {"t": training_id, "m": meeting, "f": form_id}).first()
            if session is None or session.closed_at is not None:
                raise FormClosed(t("form.closed"))
            if session.anonymous:
                return False
            row = {"t": training_id, "m": meeting, "f": form_id, "k": key_for(False), "a": payload, "u": now}
            if not conn.execute(_DRAFT_UPDATE, row).rowcount:
                conn.execute(_DRAFT_INSERT, row)
        return True

    @_retry_when_busy
    def save_draft(self, training_id: int, meeting: int, form_id: str, respondent_key: str,
                   values: dict, now: datetime) -> bool:
        """Keep what a participant has filled in so far (a closed tab or lost kernel loses nothing).

        Not on an anonymous form (False, nothing stored): see :meth:`save_open_draft`.
        """
        payload = json.dumps(values, ensure_ascii=False)
        key = (drafts.c.training_id == training_id, drafts.c.meeting == meeting,
               drafts.c.form_id == form_id, drafts.c.respondent_key == respondent_key)
        with self._write() as conn:
            if conn.execute(select(form_sessions.c.anonymous).where(
                    *self._session_key(training_id, meeting, form_id))).scalar():
                return False
            if not conn.execute(update(drafts).where(*key).values(answers=payload, updated_at=now)).rowcount:
                conn.execute(insert(drafts).values(training_id=training_id, meeting=meeting, form_id=form_id,
                                                   respondent_key=respondent_key, answers=payload, updated_at=now))
        return True

    def load_draft(self, training_id: int, meeting: int, form_id: str, respondent_key: str) -> dict | None:
        """A saved draft, or None."""
        with self._read() as conn:
            value = conn.execute(select(drafts.c.answers).where(
                drafts.c.training_id == training_id, drafts.c.meeting == meeting,
                drafts.c.form_id == form_id, drafts.c.respondent_key == respondent_key)).scalar()
        return json.loads(value) if value else None

    @_retry_when_busy
    def submit(self, training_id: int, meeting: int, form_id: str, respondent_key: str | Callable[[bool], str],
               values: dict, now: datetime, participant_id: int | None = None, paper: bool = False,
               anonymous_ok: bool = True) -> int:
        """Store a submitted form, replacing an earlier submission with the same key.

        Participants can only submit while the form is open; paper forms (entered by the
        trainer) also afterwards. On an anonymous form no participant and no time are kept.
        ``respondent_key`` may be a function of the form's anonymity as stored (as for
        :meth:`save_open_draft`). With ``anonymous_ok=False`` (a phone's answer) a form
        that turns out anonymous raises :class:`AnonymousForm`, nothing written: the phone's
        anonymous answers go through :meth:`store_anonymous_batch`. Returns the submission id.
        """
        with self._write() as conn:
            session = conn.execute(_FORM_STATE, {"t": training_id, "m": meeting, "f": form_id}).first()
            if not paper and (session is None or session.closed_at is not None):
                raise FormClosed("Dit formulier is gesloten; je antwoorden kunnen niet meer worden verstuurd.")
            anonymous = bool(session and session.anonymous)
            if anonymous and not paper and not anonymous_ok:
                raise AnonymousForm(t("room.error.busy"))  # never shown: the caller mixes it instead
            key = respondent_key(anonymous) if callable(respondent_key) else respondent_key
            where = {"t": training_id, "m": meeting, "f": form_id, "k": key}
            row = conn.execute(_SUBMISSION_ID, where).first()
            fields = {"participant_id": None if anonymous else participant_id,
                      "submitted_at": None if anonymous else now, "paper": paper}
            if row is None:
                submission_id = _new_submission_id(conn)
                conn.execute(insert(submissions).values(
                    id=submission_id, training_id=training_id, meeting=meeting, form_id=form_id,
                    respondent_key=key, **fields))
            else:
                submission_id = row.id
                conn.execute(update(submissions).where(submissions.c.id == submission_id).values(**fields))
                conn.execute(delete(answers).where(answers.c.submission_id == submission_id))
            if values:  # one statement for all answers: a long form is as cheap as a short one
                conn.execute(_ANSWER_INSERT, [{"s": submission_id, "i": item_id,
                                               "v": json.dumps(value, ensure_ascii=False)}
                                              for item_id, value in values.items()])
            conn.execute(_DRAFT_DELETE, where)
        return submission_id

    @_retry_when_busy
    def store_anonymous_batch(self, training_id: int, meeting: int, form_id: str,
                              entries: dict[str, dict]) -> set[str]:
        """Store anonymous answers (respondent key → values) together; the keys now stored.

        One transaction for the whole batch, rows written in a random order with random
        submission ids, no participant and no time: nothing in the database file, its WAL or
        PostgreSQL's heap and WAL orders one answer of the batch before another, or places it
        next to a phone's own writes. Written also when the form has closed meanwhile (the
        answers were accepted while it was open); an answer identical to the stored one is
        not written again. The phones hear of it through the room version.
        """
        shuffle = secrets.SystemRandom().shuffle
        order = list(entries.items())
        shuffle(order)
        rows: list[dict] = []
        written: list[int] = []
        with self._write() as conn:
            if conn.execute(_FORM_STATE, {"t": training_id, "m": meeting, "f": form_id}).first() is None:
                return set()  # the form (or the training) was removed meanwhile
            taken: set[int] = set()
            for key, values in order:
                where = {"t": training_id, "m": meeting, "f": form_id, "k": key}
                submission_id = conn.execute(_SUBMISSION_ID, where).scalar()
                if submission_id is None:
                    submission_id = _new_submission_id(conn, taken)
                    taken.add(submission_id)
                    conn.execute(insert(submissions).values(
                        id=submission_id, training_id=training_id, meeting=meeting, form_id=form_id,
                        respondent_key=key, participant_id=None, submitted_at=None, paper=False))
                else:
                    stored = {r.item_id: json.loads(r.value) for r in conn.execute(
                        select(answers.c.item_id, answers.c.value).where(answers.c.submission_id == submission_id))}
                    if stored == values:
                        continue
                    conn.execute(delete(answers).where(answers.c.submission_id == submission_id))
                written.append(submission_id)
                rows += [{"s": submission_id, "i": item_id, "v": json.dumps(value, ensure_ascii=False)}
                         for item_id, value in values.items()]
            shuffle(rows)
            for row in rows:  # one by one: a driver may not keep the order of one executemany
                conn.execute(_ANSWER_INSERT, row)
            self._bump_room(conn, training_id)
        if self._sqlite:
            self._checkpoint(quiet=True)
        elif written:
            # PostgreSQL marks a row as committed (hint bits) when it is first read, which may
            # write a page image to its WAL: read the whole batch now, so that moment is the
            # batch's and not that of the phone that asks about its own answer first.
            with self._read() as conn:  # columns, not a count: an index-only scan would skip the rows
                conn.execute(select(submissions.c.respondent_key).where(submissions.c.id.in_(written))).all()
                conn.execute(select(answers.c.value).where(answers.c.submission_id.in_(written))).all()
        return set(entries)

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

    def response_counts(self, training_id: int, meeting: int, paper: bool | None = None) -> dict[str, int]:
        """Submitted forms per form id in a meeting: all, or only from paper (True) or phones (False)."""
        query = select(submissions.c.form_id, func.count()).where(
            submissions.c.training_id == training_id, submissions.c.meeting == meeting)
        if paper is not None:
            query = query.where(submissions.c.paper.is_(paper))
        with self._read() as conn:
            rows = conn.execute(query.group_by(submissions.c.form_id)).all()
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
        Submission ids are random, so their order says nothing about when a form was sent.
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

    @_retry_when_busy
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

    @_retry_when_busy
    def update_roleplay(self, group_id: int, change: Callable[[dict], tuple[dict, list[dict]]],
                        now: datetime, expected_version: int | None = None) -> tuple["RolePlayRow", bool]:
        """Apply ``change`` to a group's latest state under a lock and log the turns it returns.

        ``change(state) -> (new_state, turns)``. When ``expected_version`` is given and the
        group has moved on since (another facilitator pressed first), nothing is changed and
        ``(latest, False)`` is returned: the store decides, and both pages converge on it.
        ``change`` must be pure: when the database was busy, it runs again on the latest state.
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

    # ------------------------------------------------------------------ the room (phones, tablets)

    @staticmethod
    def _bump_room(conn: Connection, training_id: int) -> None:
        # In the same transaction as the change, so a phone never sees the new version
        # without the change behind it.
        if not conn.execute(update(room_versions).where(room_versions.c.training_id == training_id)
                            .values(version=room_versions.c.version + 1)).rowcount:
            conn.execute(insert(room_versions).values(training_id=training_id, version=1))

    def room_versions(self, training_ids: list[int]) -> dict[int, int]:
        """training id → a number that grows whenever what its phones see changes (0: never)."""
        if not training_ids:
            return {}
        with self._read() as conn:
            rows = conn.execute(select(room_versions.c.training_id, room_versions.c.version)
                                .where(room_versions.c.training_id.in_(training_ids))).all()
        found = {row.training_id: row.version for row in rows}
        return {training_id: found.get(training_id, 0) for training_id in training_ids}

    @_retry_when_busy
    def share_case(self, training_id: int, meeting: int, case_id: str, shared: bool, now: datetime) -> None:
        """Show (or stop showing) a case's participant briefing on the phones of a meeting."""
        key = (case_shares.c.training_id == training_id, case_shares.c.meeting == meeting,
               case_shares.c.case_id == case_id)
        with self._write() as conn:
            self._require_training(conn, training_id)
            row = conn.execute(select(case_shares).where(*key)).first()
            if row is None and shared:
                conn.execute(insert(case_shares).values(training_id=training_id, meeting=meeting,
                                                        case_id=case_id, opened_at=now))
            elif row is not None:
                conn.execute(update(case_shares).where(*key).values(closed_at=None if shared else now))
            self._bump_room(conn, training_id)

    def shared_cases(self, training_id: int, meeting: int | None = None) -> list[tuple[int, str]]:
        """(meeting, case id) of the cases whose briefing the phones show now, in order of opening."""
        query = select(case_shares.c.meeting, case_shares.c.case_id).where(
            case_shares.c.training_id == training_id, case_shares.c.closed_at.is_(None))
        if meeting is not None:
            query = query.where(case_shares.c.meeting == meeting)
        with self._read() as conn:
            rows = conn.execute(query.order_by(case_shares.c.opened_at, case_shares.c.case_id)).all()
        return [(row.meeting, row.case_id) for row in rows]

    @_retry_when_busy
    def facilitator_code(self, training_id: int, meeting: int) -> str:
        """The facilitator code of a meeting, made on first use and the same afterwards."""
        where = (facilitator_links.c.training_id == training_id, facilitator_links.c.meeting == meeting)
        with self._read() as conn:
            code = conn.execute(select(facilitator_links.c.code).where(*where)).scalar()
        if code:
            return code
        with self._write() as conn:
            self._require_training(conn, training_id)
            code = conn.execute(select(facilitator_links.c.code).where(*where)).scalar()
            if code is None:  # another page may have made it a moment ago
                code = new_join_code(length=FACILITATOR_CODE_LENGTH)
                conn.execute(insert(facilitator_links).values(code=code, training_id=training_id, meeting=meeting))
        return code

    def find_facilitator_link(self, code: str) -> tuple[int, int] | None:
        """(training id, meeting) that a facilitator code opens, or None."""
        code = normalize_join_code(code or "")
        if not code:
            return None
        with self._read() as conn:
            row = conn.execute(select(facilitator_links.c.training_id, facilitator_links.c.meeting)
                               .where(facilitator_links.c.code == code)).first()
        return (row.training_id, row.meeting) if row else None

    # ------------------------------------------------------------------ case discussions (schema 9)

    @_retry_when_busy
    def add_case_action(self, training_id: int, meeting: int, text_: str, who: str, due: date | None,
                        now: datetime) -> CaseAction:
        """Record an action agreed at a case discussion; text and who are stored as typed."""
        if not text_.strip():
            raise StoreError(t("actions.empty"))
        who = clean_name(who)  # a name, shown in lists and reports; the action's text stays as typed
        if not who:
            raise StoreError(t("actions.no_who"))
        if len(text_) > ACTION_TEXT_LIMIT or len(who) > ACTION_WHO_LIMIT:
            raise StoreError(t("actions.too_long", text=ACTION_TEXT_LIMIT, who=ACTION_WHO_LIMIT))
        with self._write() as conn:
            self._require_training(conn, training_id)
            action_id = conn.execute(insert(case_actions).values(
                training_id=training_id, meeting=meeting, text=text_, who=who, due=due, done=False,
                created_at=now)).inserted_primary_key[0]
        return CaseAction(action_id, training_id, meeting, text_, who, due, False)

    def case_actions(self, training_id: int, meeting: int | None = None) -> list[CaseAction]:
        """The actions agreed in a training's discussions (or at one), in the order recorded."""
        query = select(case_actions).where(case_actions.c.training_id == training_id)
        if meeting is not None:
            query = query.where(case_actions.c.meeting == meeting)
        with self._read() as conn:
            rows = conn.execute(query.order_by(case_actions.c.meeting, case_actions.c.id)).all()
        return [CaseAction(r.id, r.training_id, r.meeting, r.text, r.who, r.due, bool(r.done)) for r in rows]

    @_retry_when_busy
    def set_case_action_done(self, action_id: int, done: bool) -> None:
        """Mark an agreed action done (or open again)."""
        with self._write() as conn:
            if not conn.execute(update(case_actions).where(case_actions.c.id == action_id)
                                .values(done=done)).rowcount:
                raise MissingEntry(t("actions.missing"))

    @_retry_when_busy
    def remove_case_action(self, action_id: int) -> None:
        """Delete an action recorded by mistake."""
        with self._write() as conn:
            if not conn.execute(delete(case_actions).where(case_actions.c.id == action_id)).rowcount:
                raise MissingEntry(t("actions.missing"))

    def case_discussions(self, organisation: str | None = None, today: date | None = None) -> list[HeldDiscussion]:
        """The held case discussions (of one organisation, or all), oldest first.

        Held: started in the Draaiboek (a run is stored), or actions were agreed at it, or
        (only when ``today`` is given) its planned date lies before ``today``; see
        :mod:`pztraining.discussions`. ``held_on`` is the planned date, else the day (UTC) the
        run was last changed, else the day the first action was recorded.
        """
        query = select(trainings).where(trainings.c.program_id.in_(sorted(CASE_DISCUSSION_PROGRAMS)))
        if organisation is not None:
            query = query.where(trainings.c.organisation == organisation.strip())
        held: list[HeldDiscussion] = []
        with self._read() as conn:
            for row in conn.execute(query.order_by(trainings.c.id)).all():
                training = self._training(conn, row)
                runs = {r.meeting: _utc(r.updated_at).date() for r in conn.execute(
                    select(meeting_runs.c.meeting, meeting_runs.c.updated_at, meeting_runs.c.state)
                    .where(meeting_runs.c.training_id == training.id)).all() if json.loads(r.state) is not None}
                agreed: dict[int, list] = {}
                for action in conn.execute(select(case_actions.c.meeting, case_actions.c.done, case_actions.c.created_at)
                                           .where(case_actions.c.training_id == training.id)
                                           .order_by(case_actions.c.created_at)).all():
                    agreed.setdefault(action.meeting, []).append(action)
                planned = {n: d for n, d in enumerate(training.meeting_dates, start=1) if d is not None}
                past = {n for n, d in planned.items() if today is not None and d < today}
                for meeting in sorted(set(runs) | set(agreed) | past):
                    actions = agreed.get(meeting, [])
                    day = planned.get(meeting) or runs.get(meeting) or _utc(actions[0].created_at).date()
                    held.append(HeldDiscussion(training.id, training.organisation, meeting, day, len(actions),
                                               sum(1 for a in actions if a.done)))
        return sorted(held, key=lambda d: (d.held_on, d.training_id, d.meeting))
    # ------------------------------------------------------------------ quiz answers (zorgkaart)

    @_retry_when_busy
    def reveal_answer(self, training_id: int, meeting: int, form_id: str, item_id: str, now: datetime) -> None:
        """Show a quiz item's right answer from now on, on every page of this training (one transaction)."""
        key = (quiz_reveals.c.training_id == training_id, quiz_reveals.c.meeting == meeting,
               quiz_reveals.c.form_id == form_id, quiz_reveals.c.item_id == item_id)
        with self._write() as conn:
            self._require_training(conn, training_id)
            if conn.execute(select(quiz_reveals.c.item_id).where(*key)).first() is None:
                conn.execute(insert(quiz_reveals).values(training_id=training_id, meeting=meeting, form_id=form_id,
                                                         item_id=item_id, revealed_at=now))
            self._bump_room(conn, training_id)

    def revealed_items(self, training_id: int, meeting: int, form_id: str) -> frozenset[str]:
        """The ids of the quiz items of a form whose right answer the trainer has shown."""
        with self._read() as conn:
            rows = conn.execute(select(quiz_reveals.c.item_id).where(
                quiz_reveals.c.training_id == training_id, quiz_reveals.c.meeting == meeting,
                quiz_reveals.c.form_id == form_id)).scalars().all()
        return frozenset(rows)

    def item_answers(self, training_id: int, meeting: int, form_id: str, item_id: str) -> list:
        """Every submitted answer to one item of a form in a meeting (phones and paper), in no order."""
        query = (select(answers.c.value).join(submissions, answers.c.submission_id == submissions.c.id)
                 .where(submissions.c.training_id == training_id, submissions.c.meeting == meeting,
                        submissions.c.form_id == form_id, answers.c.item_id == item_id))
        with self._read() as conn:
            return [json.loads(value) for value in conn.execute(query).scalars().all()]
    # ------------------------------------------------------------------ the kartrekker

    @_retry_when_busy
    def add_condition_scores(self, organisation: str, program_id: str,
                             scores: list[tuple[str, int, str, str, str]], now: datetime) -> None:
        """Keep one scoring round: ``(condition_id, content_version, text, score, remark)`` each.

        All rows get the moment ``now`` (UTC), so a round is read back as one; earlier rounds
        stay. ``score`` is "niet", "gedeeltelijk" or "wel"; the remark is stored as typed.
        """
        for _cid, _version, _text, score, _remark in scores:
            if score not in CONDITION_SCORES:
                raise StoreError(t("kt.store.bad_score", score=score))
        with self._write() as conn:
            for condition_id, version, condition_text, score, remark in scores:
                conn.execute(insert(condition_scores).values(
                    organisation=organisation, program_id=program_id, condition_id=condition_id,
                    content_version=version, condition_text=condition_text, score=score,
                    remark=remark, scored_at=now))

    def condition_scores(self, organisation: str, program_id: str | None = None) -> list[ConditionScore]:
        """Every stored score of an organisation (of one programme, or all), oldest first."""
        query = select(condition_scores).where(condition_scores.c.organisation == organisation)
        if program_id is not None:
            query = query.where(condition_scores.c.program_id == program_id)
        with self._read() as conn:
            rows = conn.execute(query.order_by(condition_scores.c.scored_at, condition_scores.c.id)).all()
        return [ConditionScore(r.organisation, r.program_id, r.condition_id, r.content_version,
                               r.condition_text, r.score, r.remark, _utc(r.scored_at)) for r in rows]

    @_retry_when_busy
    def save_cost_inputs(self, organisation: str, format_id: str, values: dict[str, str], now: datetime) -> None:
        """Keep the cost estimate's inputs as typed (input id → text), replacing the earlier ones."""
        with self._write() as conn:
            conn.execute(delete(cost_inputs).where(cost_inputs.c.organisation == organisation,
                                                   cost_inputs.c.format_id == format_id))
            for input_id, value in values.items():
                conn.execute(insert(cost_inputs).values(organisation=organisation, format_id=format_id,
                                                        input_id=input_id, value=str(value)[:100],
                                                        updated_at=now))

    def cost_inputs(self, organisation: str, format_id: str) -> dict[str, str]:
        """The stored inputs of a cost estimate (input id → text as typed); empty when none."""
        with self._read() as conn:
            rows = conn.execute(select(cost_inputs.c.input_id, cost_inputs.c.value).where(
                cost_inputs.c.organisation == organisation, cost_inputs.c.format_id == format_id)).all()
        return {row.input_id: row.value for row in rows}

    @_retry_when_busy
    def set_plan_start(self, organisation: str, program_id: str, planning_id: str, start: date,
                       now: datetime) -> None:
        """Keep the chosen planning and its start month for an organisation's programme (replacing)."""
        with self._write() as conn:
            conn.execute(delete(plan_starts).where(plan_starts.c.organisation == organisation,
                                                   plan_starts.c.program_id == program_id))
            conn.execute(insert(plan_starts).values(organisation=organisation, program_id=program_id,
                                                    planning_id=planning_id, start_month=start.replace(day=1),
                                                    updated_at=now))

    def plan_start(self, organisation: str, program_id: str) -> tuple[str, date] | None:
        """The stored ``(planning id, start month)`` of an organisation's programme, or None."""
        with self._read() as conn:
            row = conn.execute(select(plan_starts.c.planning_id, plan_starts.c.start_month).where(
                plan_starts.c.organisation == organisation, plan_starts.c.program_id == program_id)).first()
        return (row.planning_id, row.start_month) if row else None

    @_retry_when_busy
    def add_entered_indicator(self, organisation: str, indicator_id: str, period_start: date, period_end: date,
                              value: float, unit: str, remark: str, now: datetime) -> None:
        """Keep one entered figure of a period; earlier entries of that period stay as history."""
        if period_start > period_end:
            raise StoreError(t("kt.period.reversed", start=f"{period_start:%d-%m-%Y}", end=f"{period_end:%d-%m-%Y}"))
        with self._write() as conn:
            conn.execute(insert(entered_indicators).values(
                organisation=organisation, indicator_id=indicator_id, period_start=period_start,
                period_end=period_end, value=float(value), unit=unit[:40], remark=remark, entered_at=now))

    def entered_indicators(self, organisation: str) -> list[EnteredIndicator]:
        """Every entered figure of an organisation, oldest entry first."""
        with self._read() as conn:
            rows = conn.execute(select(entered_indicators).where(entered_indicators.c.organisation == organisation)
                                .order_by(entered_indicators.c.entered_at, entered_indicators.c.id)).all()
        return [EnteredIndicator(r.id, r.organisation, r.indicator_id, r.period_start, r.period_end, r.value,
                                 r.unit, r.remark, _utc(r.entered_at)) for r in rows]
