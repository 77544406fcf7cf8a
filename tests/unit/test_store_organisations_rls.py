"""PostgreSQL keeps organisations apart itself (row-level security, schema 18): a server bound to
organisation A, connected with raw SQL, finds no row of organisation B in any table and cannot
write one; the servers' roles cannot change the schema. (SQLite has no roles: schema 18 leaves it as it was,
which the store tests on SQLite show.)"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import psycopg
import pytest
from sqlalchemy import create_engine, insert, inspect, text
from sqlalchemy.engine import make_url

from pztraining.cli.main import main
from pztraining.services import forms
from pztraining.store import FormClosed, Store, StoreError, tables
from pztraining.store.migrations import v18_organisation_rls
from pztraining.store.paperwork import TrainingDetails

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
_numbers = itertools.count(1)

#: How a row of each table is traced to its organisation (as the owner, who sees every row).
ORGANISATION_OF = {
    **{name: f"SELECT {{pk}}, organisation FROM {name} x" for name in v18_organisation_rls.BY_ORGANISATION},
    **{
        name: f"SELECT {{pk}}, t.organisation FROM {name} x JOIN trainings t ON t.id = x.training_id"
        for name in v18_organisation_rls.BY_TRAINING
    },
    "roleplay_turns": "SELECT {pk}, t.organisation FROM roleplay_turns x JOIN roleplay_groups g ON g.id = x.group_id"
    " JOIN trainings t ON t.id = g.training_id",
    "answers": "SELECT {pk}, t.organisation FROM answers x JOIN submissions s ON s.id = x.submission_id"
    " JOIN trainings t ON t.id = s.training_id",
}


def fill(store: Store, organisation: str) -> None:
    """A row of ``organisation`` in every table, written through the store as the apps do."""
    training = store.add_training(f"Team {organisation}", "mysupport", NOW, organisation, (date(2026, 12, 8),))
    store.update_run(training.id, 1, lambda _old: {"current": 1}, NOW)
    store.set_checklist_tick(training.id, "zalen", True, NOW)
    group = store.add_roleplay_group(training.id, 1, "Groep 1", {"turn": 0}, NOW)
    store.update_roleplay(
        group.id,
        lambda state: (
            state,
            [
                {
                    "turn": 1,
                    "member": "Anna",
                    "variant": "basis",
                    "planned_seconds": 300,
                    "actual_seconds": 290,
                    "paused_seconds": 0,
                    "started_at": NOW,
                    "ended_at": NOW,
                }
            ],
        ),
        NOW,
    )
    person = store.add_participant(training.id, "Anna", f"{organisation:0<64}"[:64], NOW)
    forms.open_form(store, training.id, 1, "reflectie", False, NOW)
    forms.submit(store, training.id, 1, "reflectie", f"p:{person.id}", {"q1": 4}, NOW, participant_id=person.id)
    forms.save_open_draft(store, training.id, 1, "reflectie", lambda _anonymous: "p:other", {"q1": 2}, NOW)
    store.share_case(training.id, 1, "de-vries", True, NOW)
    store.facilitator_code(training.id, 1)
    store.add_case_action(training.id, 1, "Bellen", "Anna", None, NOW)
    store.reveal_answer(training.id, 1, "reflectie", "q1", NOW)
    store.add_user(f"trainer-{organisation}", "trainer", organisation)
    store.add_condition_scores(organisation, "mysupport", [("c1", 1, "Tijd", "wel", "")], NOW)
    store.save_cost_inputs(organisation, "f1", {"uren": "3"}, NOW)
    store.set_plan_start(organisation, "mysupport", "p1", date(2027, 1, 1), NOW)
    store.add_entered_indicator(organisation, "i1", date(2026, 1, 1), date(2026, 6, 30), 7.5, "cijfer", "", NOW)
    store.save_training_details(training.id, TrainingDetails(location="Zaal 1", trainers="A. de Wit"), NOW)
    store.set_paper_attendance(training.id, 1, {"Anna": True}, NOW)
    with store.engine.begin() as conn:  # as `pztraining bundle import` records a laptop's training
        conn.execute(
            insert(tables.bundle_imports).values(
                training_uid=f"uid-{organisation}",
                training_id=training.id,
                checksum="0" * 64,
                exported_at=NOW,
                imported_at=NOW,
            )
        )


@pytest.fixture
def database(postgres_cluster):
    """A migrated database (its owner: the cluster's superuser) with organisations A and B in every table,
    and two login roles: a trainer server bound by row-level security and the room service."""
    url = postgres_cluster.new_database()
    owner = Store(url)
    fill(owner, "Zorg A")
    fill(owner, "Zorg B")
    number = next(_numbers)
    names = {"trainers": f"pz_trainers_{number}", "room": f"pz_room_{number}"}
    with owner.engine.begin() as conn:
        for name in names.values():
            conn.execute(text(f"CREATE ROLE {name} LOGIN"))
    owner.close()
    # As an administrator does it (run as the tables' owner).
    assert main(["db", "grant", names["trainers"], "--db", url]) == 0
    assert main(["db", "grant", names["room"], "--every-organisation", "--db", url]) == 0
    as_role = {
        role: make_url(url).set(username=name).render_as_string(hide_password=False) for role, name in names.items()
    }
    return url, as_role


def _primary_keys(conn, table: str) -> list[str]:
    return inspect(conn).get_pk_constraint(table)["constrained_columns"]


def _rows_by_organisation(owner_url: str) -> dict[str, dict[str, dict[tuple, dict]]]:
    """Table → organisation → primary key → the row (as the owner, who sees every row)."""
    found: dict[str, dict[str, dict[tuple, dict]]] = {}
    engine = create_engine(owner_url)
    with engine.connect() as conn:
        for table, query in ORGANISATION_OF.items():
            keys = _primary_keys(conn, table)
            owners = {
                tuple(key): organisation
                for *key, organisation in conn.execute(text(query.format(pk=", ".join(f"x.{c}" for c in keys))))
            }
            for row in conn.execute(text(f"SELECT * FROM {table}")).mappings():
                key = tuple(row[c] for c in keys)
                found.setdefault(table, {}).setdefault(owners[key], {})[key] = dict(row)
    engine.dispose()
    return found


def _connect(url: str, organisation: str | None = None, **options) -> psycopg.Connection:
    """A raw connection (no pztraining code in between) as ``url``'s role, said to act for ``organisation``."""
    parsed = make_url(url)
    conn = psycopg.connect(
        f"host={parsed.host} port={parsed.port} user={parsed.username} dbname={parsed.database}", **options
    )
    if organisation is not None:
        conn.execute("SELECT set_config('pztraining.organisation', %s, false)", (organisation,))
    return conn


def _keys(conn: psycopg.Connection, table: str) -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
            " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary"
            " ORDER BY array_position(i.indkey, a.attnum)",
            (table,),
        )
    ]


def test_every_table_of_an_organisation_is_under_row_level_security(database):
    url, _ = database
    engine = create_engine(url)
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        secured = {
            row.relname
            for row in conn.execute(
                text(
                    "SELECT relname FROM pg_class WHERE relkind = 'r' AND relrowsecurity"
                    " AND relnamespace = 'public'::regnamespace"
                )
            )
        }
    engine.dispose()
    # A new table must say whose it is: only the schema's version number belongs to nobody.
    assert tables - secured == {"pz_schema"}
    assert set(ORGANISATION_OF) == secured


def test_a_server_of_organisation_a_reads_its_own_rows_and_no_row_of_b_in_any_table(database):
    url, as_role = database
    rows = _rows_by_organisation(url)
    assert all({"Zorg A", "Zorg B"} <= set(rows[table]) for table in ORGANISATION_OF), (
        "the fixture must put both organisations in every table, or the test proves nothing"
    )
    with _connect(as_role["trainers"], "Zorg A") as conn:
        for table in ORGANISATION_OF:
            seen = {tuple(row) for row in conn.execute(f"SELECT {', '.join(_keys(conn, table))} FROM {table}")}
            assert seen == set(rows[table]["Zorg A"]), table
    # Without an organisation said, a bound server sees nothing at all (not everything).
    with _connect(as_role["trainers"]) as conn:
        for table in ORGANISATION_OF:
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
    # The room service serves phones of every organisation.
    with _connect(as_role["room"]) as conn:
        assert conn.execute("SELECT count(*) FROM answers").fetchone() == (
            len(rows["answers"]["Zorg A"]) + len(rows["answers"]["Zorg B"]),
        )


def test_a_server_of_organisation_a_cannot_write_change_or_remove_a_row_of_b(database):
    url, as_role = database
    rows = _rows_by_organisation(url)
    refused = []
    with _connect(as_role["trainers"], "Zorg A", autocommit=True) as conn:
        for table in ORGANISATION_OF:
            # A copy of B's row under new numbers: still B's (its training, its organisation).
            row = {
                name: value + 1_000_000 if name == "id" else value
                for name, value in next(iter(rows[table]["Zorg B"].values())).items()
            }
            if table == "users":
                row["name"] = "indringer"
            try:
                conn.execute(
                    f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(f'%({k})s' for k in row)})", row
                )
            except psycopg.errors.InsufficientPrivilege as exc:
                assert "row-level security" in str(exc)
                refused.append(table)
            # An update or delete of everything reaches only A's rows (undone afterwards).
            with conn.transaction(force_rollback=True):
                column = _keys(conn, table)[0]
                assert conn.execute(f"UPDATE {table} SET {column} = {column}").rowcount == len(rows[table]["Zorg A"]), (
                    table
                )
                assert conn.execute(f"DELETE FROM {table}").rowcount == len(rows[table]["Zorg A"]), table
        # Moving an own training into B is a write into B too.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE trainings SET organisation = 'Zorg B'")
    assert sorted(refused) == sorted(ORGANISATION_OF)
    assert _rows_by_organisation(url) == rows  # B's rows (and A's) exactly as they were


@pytest.mark.parametrize("role", ["trainers", "room"])
def test_the_servers_roles_cannot_change_the_schema(database, role):
    _, as_role = database
    statements = [
        "CREATE TABLE stolen (x text)",
        "ALTER TABLE answers ADD COLUMN x text",
        "DROP TABLE answers",
        "ALTER TABLE answers DISABLE ROW LEVEL SECURITY",
        "DROP POLICY pz_organisation ON answers",
        "CREATE OR REPLACE FUNCTION pztraining_sees(org text) RETURNS boolean LANGUAGE sql AS 'SELECT true'",
        "TRUNCATE answers",
        "UPDATE pz_schema SET version = 1",
    ]
    with _connect(as_role[role], autocommit=True) as conn:
        for statement in statements:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def test_the_store_of_a_bound_server_works_within_its_organisation_only(database):
    _url, as_role = database
    store = Store(as_role["trainers"], organisation="Zorg A")
    try:
        assert [t.name for t in store.list_trainings()] == ["Team Zorg A"]
        own = store.add_training("Nieuw team", "mysupport", NOW, "Zorg A")
        assert store.find_training(own.id).organisation == "Zorg A"
        with pytest.raises(StoreError):
            store.add_training("Ander team", "mysupport", NOW, "Zorg B")
        assert store.find_user("trainer-Zorg A").organisation == "Zorg A"
    finally:
        store.close()
    room = Store(as_role["room"])
    try:
        assert {t.name for t in room.list_trainings()} == {"Team Zorg A", "Team Zorg B", "Nieuw team"}
    finally:
        room.close()


def test_an_older_database_is_migrated_by_its_owner_not_by_a_server(database, monkeypatch):
    url, as_role = database
    from pztraining.store import migrations

    monkeypatch.setattr(
        migrations,
        "MIGRATIONS",
        [*migrations.MIGRATIONS, lambda conn: conn.execute(text("CREATE TABLE later_step (id integer PRIMARY KEY)"))],
    )
    with pytest.raises(StoreError):
        Store(as_role["room"])  # a server may not run DDL: it cannot migrate
    Store(url).close()  # the owner can; the servers' group gets the new table at once
    with _connect(as_role["room"]) as conn:
        assert conn.execute("SELECT count(*) FROM later_step").fetchone() == (0,)


def test_a_bound_servers_phones_find_their_participant_and_write_only_in_its_organisation(database):
    url, as_role = database
    owner = Store(url)
    theirs = next(t for t in owner.list_trainings() if t.organisation == "Zorg B")
    owner.close()
    store = Store(as_role["trainers"], organisation="Zorg A")
    try:
        own = next(t for t in store.list_trainings() if t.organisation == "Zorg A")
        person = store.find_participant(own.id, f"{'Zorg A':0<64}"[:64])
        assert person is not None and person.name == "Anna"
        key = f"p:{person.id}"
        assert forms.save_open_draft(store, own.id, 1, "reflectie", lambda _anonymous: key, {"q1": 3}, NOW)
        assert store.load_draft(own.id, 1, "reflectie", key) == {"q1": 3}
        forms.submit(store, own.id, 1, "reflectie", key, {"q1": 5}, NOW, participant_id=person.id)
        assert store.load_submission(own.id, 1, "reflectie", key) == {"q1": 5}
        # Organisation B's training is not there for this server: no participant, no open form.
        assert store.find_participant(theirs.id, f"{'Zorg B':0<64}"[:64]) is None
        with pytest.raises(FormClosed):
            forms.save_open_draft(store, theirs.id, 1, "reflectie", lambda _anonymous: key, {"q1": 1}, NOW)
        with pytest.raises(FormClosed):
            forms.submit(store, theirs.id, 1, "reflectie", key, {"q1": 1}, NOW, participant_id=person.id)
    finally:
        store.close()
