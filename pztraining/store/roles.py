"""PostgreSQL's roles for hosting: the owner migrates, the servers only read and write rows.

- The **owner** (whoever runs ``pztraining db migrate --db OWNER_URL``) owns the tables and
  runs every DDL statement; row-level security does not bind it.
- ``pztraining_server`` (no login) may read and write rows of every table (``pz_schema``: read
  only) and use the sequences; nothing else: no CREATE, ALTER or DROP, since only an owner may.
  Each server logs in as its own role, a member of it (``pztraining db grant ROLE``).
- ``pztraining_every_organisation`` (no login): a member sees every organisation's rows. For
  the room service (phones of every organisation arrive by join code) and the coordinators'
  servers; a trainer's server is not a member and sees only the organisation its store names
  (see schema 18, :mod:`pztraining.store.migrations.v18_organisation_rls`).

Roles belong to the whole PostgreSQL cluster, grants to one database: ``grant`` is run once per
database and login role, by a role that may create roles and owns the tables (or a superuser).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

#: The group role of the servers: rows only, no DDL.
SERVER = "pztraining_server"
#: The group role whose members row-level security does not bind to one organisation.
EVERY_ORGANISATION = "pztraining_every_organisation"


def _ensure_group(conn: Connection, name: str) -> None:
    # Roles are cluster-wide: another database of the same cluster may have made it already.
    conn.execute(
        text(f"""DO $$ BEGIN
        IF to_regrole('{name}') IS NULL THEN CREATE ROLE {name} NOLOGIN; END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$""")
    )


def grant_tables(conn: Connection) -> None:
    """Give :data:`SERVER` its rights on every table and sequence there is now (after a migration too).

    Does nothing where the role does not exist yet (a database nobody granted a server role on).
    """
    if conn.execute(text(f"SELECT to_regrole('{SERVER}')")).scalar() is None:
        return
    conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {SERVER}"))
    conn.execute(text(f"REVOKE INSERT, UPDATE, DELETE ON pz_schema FROM {SERVER}"))
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {SERVER}"))


def grant(conn: Connection, role: str, every_organisation: bool) -> None:
    """Make the login ``role`` a server: rows of the tables, no DDL; all organisations or one.

    ``role`` must exist (the administrator creates it with a password: ``CREATE ROLE … LOGIN``).
    Granting again changes ``every_organisation`` either way.
    """
    quoted = conn.dialect.identifier_preparer.quote(role)
    if conn.execute(text("SELECT to_regrole(:role)"), {"role": quoted}).scalar() is None:
        raise LookupError(role)
    for group in (SERVER, EVERY_ORGANISATION):
        _ensure_group(conn, group)
    grant_tables(conn)
    conn.execute(text(f"GRANT {SERVER} TO {quoted}"))
    conn.execute(
        text(
            f"{'GRANT' if every_organisation else 'REVOKE'} {EVERY_ORGANISATION} "
            f"{'TO' if every_organisation else 'FROM'} {quoted}"
        )
    )
