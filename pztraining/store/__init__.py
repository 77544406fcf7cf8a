"""The store: the only part of pztraining that talks to the database (SQLAlchemy 2 Core).

Every Voila page runs in its own kernel process, so all shared state goes through here.
The default database is SQLite in WAL mode (many readers, one writer, with a busy
timeout) under the data folder; ``--db URL`` or ``PZTRAINING_DB`` choose another, e.g.
``postgresql+psycopg://…``. Nothing here reads the clock: callers pass ``now`` (UTC). The
store does transactions and SQL; the rules of the domain (when a discussion counts as held,
what a role-play press does, ...) live in the pure modules that own them, which the store
never imports.

Layout:

- :mod:`.tables` the schema; :mod:`.migrations` one module per schema step;
- :mod:`.engine` URL resolution, connections, SQLite pragmas, PostgreSQL's lock, busy retries,
  Dutch errors; :mod:`.errors` the :class:`StoreError` family; :mod:`.keys` codes and hashes;
- one module per aggregate with its SQL: :mod:`.trainings` (with runs and the checklist),
  :mod:`.people` (users, participants), :mod:`.answers` (form sessions, submissions, drafts,
  anonymous batches, quiz reveals), :mod:`.room` (room versions, shared cases, facilitator
  codes), :mod:`.roleplay`, :mod:`.discussions`, :mod:`.kartrekker`, :mod:`.reading` (reports),
  :mod:`.bundles` (a training carried from a laptop to the server).

:class:`Store` is the facade callers use: it *inherits* the aggregates (mixins over one
:class:`~.engine.Database`) rather than holding one object per aggregate. Every aggregate needs
the same engine, the same per-thread busy window and the same transactions, and one write
(opening a form) touches two aggregates (answers and the room version) in one transaction;
mixins share that state without a forwarding method for each of ~60 public methods, keep every
method's name and signature as callers know them, and keep each aggregate's SQL in its module.

Method names follow one pattern (apply it to every method added or touched; the older names
are kept where renaming would ripple through many callers):

- ``add_<thing>`` writes a new row (or a round of rows); ``update_<thing>`` applies a decided
  change (``update_run``, ``update_roleplay`` take the change as a pure function);
  ``remove_<thing>`` deletes; ``set_<thing>`` replaces a small value (a tick, a start month, a draft);
- ``find_<thing>`` reads one (MissingEntry or None when absent, as documented per method);
  ``list_<things>`` reads many, in a stated order;
- the verbs of the forms themselves (``open_form``, ``close_form``, ``submit``, ``share_case``,
  ``reveal_answer``) keep the words the trainers and the room use.

The store takes what the domain decided: which roles exist, what a name or an agreed action
may be, which scores count, what a role-play press or a run's step does all live in the pure
modules and services that own them (``services.access``, ``services.participation``,
``services.discussions``, ``services.kartrekker.conditions``, ``domain.roleplay``,
``domain.schedule``), which refuse bad input with :class:`~pztraining.core.errors.InputRefused`
before anything reaches here; a reversed period is refused by ``domain.periods.check_span``. A rule that must hold
when the row is written is handed in as a pure function and applied in the write's transaction:
a role-play press and a run's step (``update_roleplay``, ``update_run``), and whether an answer
or draft is taken and what a reopened form keeps (``submit``, ``set_draft``, ``open_form`` take
the rules of ``domain.answer_rules``, handed in by ``services.forms``).

Layer 3. May import: ``core``, ``content``.
"""

from __future__ import annotations

from pztraining.store.answers import Answers, FormSession
from pztraining.store.bundles import BundleImport, Bundles
from pztraining.store.discussions import AgreedAction, CaseAction, DiscussionRecord, Discussions
from pztraining.store.engine import BUSY_SECONDS, MIGRATION_LOCK, Database, database_url, default_data_dir, display_url
from pztraining.store.errors import (
    AnonymousForm,
    FormClosed,
    MissingDatabase,
    MissingEntry,
    StoreBusy,
    StoreError,
    StoreUnavailable,
)
from pztraining.store.kartrekker import ConditionScore, EnteredIndicator, Kartrekker
from pztraining.store.keys import (
    FACILITATOR_CODE_LENGTH,
    JOIN_ALPHABET,
    JOIN_CODE_LENGTH,
    login_name,
    new_device_salt,
    new_join_code,
    normalize_join_code,
    salted_device_hash,
)
from pztraining.store.migrations import MIGRATIONS, SCHEMA_VERSION
from pztraining.store.paperwork import Paperwork, TrainingDetails
from pztraining.store.people import Account, Participant, People
from pztraining.store.reading import Reading
from pztraining.store.roleplay import RolePlay, RolePlayRow
from pztraining.store.room import Room
from pztraining.store.tables import ORGANISATION_TABLES, metadata
from pztraining.store.trainings import Training, Trainings


class Store(Trainings, People, Answers, Room, RolePlay, Discussions, Kartrekker, Reading, Paperwork, Bundles):
    """A facade over the database with regular verbs (add_, update_, remove_, set_, find_, list_; see above)."""


__all__ = [
    "BUSY_SECONDS",
    "FACILITATOR_CODE_LENGTH",
    "JOIN_ALPHABET",
    "JOIN_CODE_LENGTH",
    "MIGRATIONS",
    "MIGRATION_LOCK",
    "ORGANISATION_TABLES",
    "SCHEMA_VERSION",
    "Account",
    "AgreedAction",
    "AnonymousForm",
    "BundleImport",
    "CaseAction",
    "ConditionScore",
    "Database",
    "DiscussionRecord",
    "EnteredIndicator",
    "FormClosed",
    "FormSession",
    "MissingDatabase",
    "MissingEntry",
    "Participant",
    "RolePlayRow",
    "Store",
    "TrainingDetails",
    "StoreBusy",
    "StoreError",
    "StoreUnavailable",
    "Training",
    "database_url",
    "default_data_dir",
    "display_url",
    "login_name",
    "metadata",
    "new_device_salt",
    "new_join_code",
    "normalize_join_code",
    "salted_device_hash",
]
