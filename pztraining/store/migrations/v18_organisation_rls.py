"""Schema 18: PostgreSQL keeps organisations apart itself (row-level security); SQLite unchanged.

Every table that holds an organisation's data gets a policy: a row is visible and writable only
when it belongs to the connection's organisation, the transaction-local setting
``pztraining.organisation`` that the store's engine sets at the start of every transaction
(:meth:`pztraining.store.engine.Database._enter_organisation`), or when the connected role is a
member of ``pztraining_every_organisation`` (the room service, which phones of every organisation
reach by join code, and the coordinators). A table without an organisation column follows its
training (``training_id``) or its parent row through a subquery, which row-level security
filters in turn. The tables' owner (who runs the migrations) is not bound: PostgreSQL exempts
owners unless a table is FORCEd, and the migrations must see everything.

A missing setting matches nothing: a bound server that forgot to say its organisation sees no
row instead of every row. The policy function tolerates a missing ``pztraining_every_organisation``
role (``to_regrole`` gives NULL), so this step needs no right to create roles;
:mod:`pztraining.store.roles` creates and grants the roles.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

#: The setting a transaction's organisation is kept in (see engine.Database).
SETTING = "pztraining.organisation"

#: Tables with an ``organisation`` column of their own.
BY_ORGANISATION = ("trainings", "users", "condition_scores", "cost_inputs", "plan_starts", "entered_indicators")
#: Tables whose rows belong to a training's organisation.
BY_TRAINING = (
    "meeting_dates",
    "meeting_runs",
    "checklist_ticks",
    "roleplay_groups",
    "participants",
    "form_sessions",
    "submissions",
    "drafts",
    "room_versions",
    "case_shares",
    "facilitator_links",
    "case_actions",
    "quiz_reveals",
    "training_details",
    "paper_attendance",
    "bundle_imports",
)
#: Tables whose rows belong to a parent row's: table → (column, parent table).
BY_PARENT = {"roleplay_turns": ("group_id", "roleplay_groups"), "answers": ("submission_id", "submissions")}

#: The function every policy asks (an inlinable SQL function: the planner sees through it).
SEES = f"""
CREATE OR REPLACE FUNCTION pztraining_sees(org text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(org = current_setting('{SETTING}', true), false)
        OR coalesce(pg_has_role(current_user, to_regrole('pztraining_every_organisation'), 'MEMBER'), false)
$$
"""


def policies() -> dict[str, str]:
    """Each bound table → the condition a row of it must meet (USING and WITH CHECK)."""
    found = dict.fromkeys(BY_ORGANISATION, "pztraining_sees(organisation)")
    found.update(dict.fromkeys(BY_TRAINING, "training_id IN (SELECT id FROM trainings)"))
    found.update({name: f"{column} IN (SELECT id FROM {parent})" for name, (column, parent) in BY_PARENT.items()})
    return found


def migrate(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        return  # SQLite: one organisation on one laptop, one process owner
    conn.execute(text(SEES))
    for table, condition in policies().items():
        conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
        conn.execute(text(f"DROP POLICY IF EXISTS pz_organisation ON {table}"))
        conn.execute(text(f"CREATE POLICY pz_organisation ON {table} USING ({condition}) WITH CHECK ({condition})"))
