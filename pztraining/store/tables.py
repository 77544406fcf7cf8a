"""The schema as SQLAlchemy Core tables: the one description of every table the store keeps.

A table's shape changes only together with a new step in :mod:`pztraining.store.migrations`
(``tests/unit/test_store_schema.py`` compares a new and a migrated database with the frozen
description). Nothing here runs SQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData()

schema_info = Table(
    "pz_schema",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

trainings = Table(
    "trainings",
    metadata,
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
    "meeting_dates",
    metadata,
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
    Column("meeting", Integer, primary_key=True),
    Column("date", Date, nullable=True),
)

meeting_runs = Table(
    "meeting_runs",
    metadata,
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
    Column("meeting", Integer, primary_key=True),
    Column("state", Text, nullable=False),  # schedule.Run.to_dict() as JSON; "null" after a reset
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # Bumped on every change, never reset (a reset stores "null"), so a press made on a page
    # that showed an older state is recognised as stale (since schema 7).
    Column("version", Integer, nullable=False, server_default=text("0")),
)

checklist_ticks = Table(
    "checklist_ticks",
    metadata,
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", String(64), primary_key=True),
    Column("ticked_at", DateTime(timezone=True), nullable=False),
)


roleplay_groups = Table(
    "roleplay_groups",
    metadata,
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
    "roleplay_turns",
    metadata,
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
    "participants",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),  # a name or pseudonym, as typed
    # HMAC-SHA256 (key: the training's device_salt) of the sha256 of the device's secret.
    Column("device_hash", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("training_id", "device_hash", name="uq_participant_device"),
)

form_sessions = Table(
    "form_sessions",
    metadata,
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
    "submissions",
    metadata,
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
    "answers",
    metadata,
    Column("submission_id", Integer, ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", String(64), primary_key=True),
    Column("value", Text, nullable=False),  # JSON: a number, a text as typed, or a list of options
    sqlite_with_rowid=False,  # SQLite's hidden rowid would number answers in the order they came in
)

drafts = Table(
    "drafts",
    metadata,
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
    "room_versions",
    metadata,
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, nullable=False),
)

case_shares = Table(
    "case_shares",
    metadata,
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
    Column("meeting", Integer, primary_key=True),
    Column("case_id", String(64), primary_key=True),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),
)

# A facilitator link opens the Rollenspel page of one meeting of one training, nothing else.
facilitator_links = Table(
    "facilitator_links",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False),
    Column("meeting", Integer, nullable=False),
    UniqueConstraint("training_id", "meeting", name="uq_facilitator_link"),
)

# Actions agreed at a casuïstiekbespreking (schema 9): shown again at the next discussion until done.
case_actions = Table(
    "case_actions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False),
    Column("meeting", Integer, nullable=False),  # the discussion where it was agreed
    Column("text", Text, nullable=False),  # as typed
    Column("who", String(200), nullable=False),  # as typed: a name or a role
    Column("due", Date, nullable=True),
    Column("done", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


# Who is who when hosted for an organisation (schema 8): the hosting layer (JupyterHub) says
# the login name; this table says its role and organisation. Localhost mode needs no rows.
users = Table(
    "users",
    metadata,
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
    "quiz_reveals",
    metadata,
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
    "condition_scores",
    metadata,
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
    "cost_inputs",
    metadata,
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
    "plan_starts",
    metadata,
    Column("organisation", String(200), primary_key=True),
    Column("program_id", String(64), primary_key=True),
    Column("planning_id", String(64), nullable=False),
    Column("start_month", Date, nullable=False),  # always the first day of the month
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

entered_indicators = Table(
    "entered_indicators",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organisation", String(200), nullable=False),
    #: The programme the figure is for; "" for figures kept before schema 18 (any programme).
    Column("program_id", String(64), nullable=False, server_default=""),
    Column("indicator_id", String(64), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("value", Float, nullable=False),
    Column("unit", String(40), nullable=False),
    Column("remark", Text, nullable=False, default=""),
    Column("entered_at", DateTime(timezone=True), nullable=False),
)

# Paperwork of a training (schema 15): where it is held and by whom, the accreditation fields the
# organisation fills in for the certificates, and attendance entered from the paper list after
# a meeting (a name as written there; present or, to correct the room's record, absent).
training_details = Table(
    "training_details",
    metadata,
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
    Column("location", String(300), nullable=False, default=""),
    Column("trainers", String(300), nullable=False, default=""),  # as typed, e.g. "A. de Wit, B. Bakker"
    Column("register", String(200), nullable=False, default=""),  # accreditation register, e.g. V&VN
    Column("accreditation_number", String(100), nullable=False, default=""),
    Column("points", String(20), nullable=False, default=""),  # as typed: "4" or "4,5"
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

paper_attendance = Table(
    "paper_attendance",
    metadata,
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
    Column("meeting", Integer, primary_key=True),
    Column("name", String(100), primary_key=True),  # cleaned, as on the attendance list
    Column("present", Boolean, nullable=False),
    Column("entered_at", DateTime(timezone=True), nullable=False),
)

# Trainings brought in from a laptop (``pztraining bundle import``; since schema 16): the
# laptop training's stable id, so importing the same bundle again changes nothing and a newer
# export of that training replaces the earlier import instead of adding a second training.
bundle_imports = Table(
    "bundle_imports",
    metadata,
    Column("training_uid", String(64), primary_key=True),
    Column("training_id", Integer, ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("checksum", String(64), nullable=False),  # SHA-256 of the training's data as imported
    Column("exported_at", DateTime(timezone=True), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)

#: Tables of an organisation, not of a training: removing a training leaves them (they hold no
#: participant data; the remarks are the kartrekker's own).
ORGANISATION_TABLES = (condition_scores, cost_inputs, plan_starts, entered_indicators)


@overload
def utc(value: datetime) -> datetime: ...


@overload
def utc(value: None) -> None: ...


def utc(value: datetime | None) -> datetime | None:
    """A datetime as read back, in UTC: SQLite hands back naive datetimes; everything stored is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
