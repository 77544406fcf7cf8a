"""The schema's history: one module a step, in order; step ``n`` brings a database from ``n - 1`` to ``n``.

A new step is a new module ``vNN_what.py`` with ``migrate(conn)`` appended to :data:`MIGRATIONS`;
:data:`SCHEMA_VERSION` follows from the list. Steps run inside the store's migration transaction
(see :meth:`pztraining.store.engine.Database._migrate`) and must leave a database that already
has their change untouched (a new database gets the current tables from step 1's ``create_all``).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Connection

from pztraining.store.migrations import (
    v01_core,
    v02_roleplay,
    v03_participants_and_forms,
    v04_form_spec,
    v05_room,
    v06_anonymous_order,
    v07_run_versions,
    v08_users,
    v09_case_actions,
    v10_quiz_reveals,
    v11_condition_scores,
    v12_planning,
    v13_device_salts,
    v14_first_login,
    v15_paperwork,
    v16_bundle_imports,
    v17_indicator_programs,
)

#: The steps in order: ``MIGRATIONS[n - 1]`` brings a database from version ``n - 1`` to ``n``.
MIGRATIONS: list[Callable[[Connection], None]] = [
    v01_core.migrate,
    v02_roleplay.migrate,
    v03_participants_and_forms.migrate,
    v04_form_spec.migrate,
    v05_room.migrate,
    v06_anonymous_order.migrate,
    v07_run_versions.migrate,
    v08_users.migrate,
    v09_case_actions.migrate,
    v10_quiz_reveals.migrate,
    v11_condition_scores.migrate,
    v12_planning.migrate,
    v13_device_salts.migrate,
    v14_first_login.migrate,
    v15_paperwork.migrate,
    v16_bundle_imports.migrate,
    v17_indicator_programs.migrate,
]

#: The newest schema this code knows; older databases are migrated forward on open.
SCHEMA_VERSION = len(MIGRATIONS)
