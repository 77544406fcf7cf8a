"""The store on real databases (SQLite, and PostgreSQL where installed): trainings, runs, ticks, migration,
concurrency."""

import multiprocessing
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, text

from pztraining.services import forms
from pztraining.store import SCHEMA_VERSION, MissingEntry, Store, StoreError, TrainingDetails, migrations, tables


def test_a_training_is_stored_with_its_meeting_dates(any_store, clock):
    store = any_store
    training = store.add_training(
        "  Team De Linde ", "ggz", clock(), "Zorggroep", (date(2026, 12, 1), date(2026, 12, 29), None)
    )
    found = store.find_training(training.id)
    assert found.name == "Team De Linde" and found.program_id == "ggz"
    assert found.meeting_date(2) == date(2026, 12, 29) and found.meeting_date(3) is None
    assert found.created_at == clock()


def test_trainings_are_listed_newest_first(any_store, clock):
    store = any_store
    first = store.add_training("A", "mysupport", clock())
    second = store.add_training("B", "mysupport", clock.advance(minutes=1))
    assert [t.id for t in store.list_trainings()] == [second.id, first.id]


def test_a_training_without_a_name_is_refused_in_dutch(any_store, clock):
    store = any_store
    with pytest.raises(StoreError, match="Geef de training een naam"):
        store.add_training("   ", "mysupport", clock())
    assert store.list_trainings() == []


def test_a_missing_training_is_named(any_store):
    store = any_store
    with pytest.raises(MissingEntry, match="Training 42 bestaat niet"):
        store.find_training(42)


def test_the_run_state_survives_reopening_the_database(tmp_path, clock):
    url = f"sqlite:///{tmp_path / 'pz.db'}"
    first = Store(url)
    training = first.add_training("A", "mysupport", clock())
    first.update_run(training.id, 1, lambda _old: {"current": 2, "x": [1, 2]}, clock())
    first.update_run(training.id, 1, lambda _old: {"current": 3}, clock())
    first.close()
    again = Store(url)
    assert again.find_run(training.id, 1)[0] == {"current": 3}
    assert again.find_run(training.id, 2)[0] is None


def test_checklist_ticks_can_be_set_and_cleared(any_store, clock):
    store = any_store
    training = store.add_training("A", "mysupport", clock())
    store.set_checklist_tick(training.id, "zalen", True, clock())
    store.set_checklist_tick(training.id, "beamer", True, clock())
    store.set_checklist_tick(training.id, "beamer", False, clock())
    assert store.checklist_ticks(training.id) == {"zalen": clock()}


def _fill_every_table(store, training, clock) -> None:
    """Two participants, a named and an anonymous form with submissions and drafts, a role-play
    group with a logged turn, a ticked checklist item, a run, a meeting date, a case shown on
    the phones, a facilitator link and an action agreed at a case discussion."""
    store.update_run(training.id, 1, lambda _old: {"current": 0}, clock())
    store.set_checklist_tick(training.id, "x", True, clock())
    sanne = store.add_participant(training.id, "Sanne", f"device-{training.id}-1", clock())
    store.add_participant(training.id, "Joost", f"device-{training.id}-2", clock())
    forms.open_form(store, training.id, 1, "reflectie", False, clock())
    forms.submit(store, training.id, 1, "reflectie", f"p:{sanne.id}", {"a": "goed"}, clock(), participant_id=sanne.id)
    forms.save_open_draft(store, training.id, 1, "reflectie", lambda _anonymous: "p:joost", {"a": "half"}, clock())
    forms.open_form(store, training.id, 1, "evaluatie-mysupport", True, clock())
    forms.submit(store, training.id, 1, "evaluatie-mysupport", "anon-1", {"cijfer": 8}, clock())
    forms.save_open_draft(
        store, training.id, 1, "evaluatie-mysupport", lambda _anonymous: "anon-2", {"cijfer": 7}, clock()
    )
    store.share_case(training.id, 1, "de-vries", True, clock())
    store.facilitator_code(training.id, 1)
    store.add_case_action(training.id, 1, "Bel de huisarts", "Sanne", None, clock())
    store.reveal_answer(training.id, 1, "zorgkaart-quiz", "signaleren", clock())
    with store.engine.begin() as conn:  # as `bundle import` records a training brought from a laptop
        conn.execute(
            insert(tables.bundle_imports).values(
                training_uid=f"uid-{training.id}",
                training_id=training.id,
                checksum="0" * 64,
                exported_at=clock(),
                imported_at=clock(),
            )
        )
    group = store.add_roleplay_group(training.id, 1, "G", {}, clock())
    store.update_roleplay(
        group.id,
        lambda s: (
            s,
            [
                {
                    "turn": 1,
                    "member": "M",
                    "variant": "basis",
                    "planned_seconds": 1,
                    "actual_seconds": 1,
                    "paused_seconds": 0,
                    "started_at": clock(),
                    "ended_at": clock(),
                }
            ],
        ),
        clock(),
    )
    store.save_training_details(training.id, TrainingDetails(location="Zaal 1", points="4"), clock())
    store.set_paper_attendance(training.id, 1, {"Sanne": True}, clock())


def _row_counts(store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar()
            for table in tables.metadata.sorted_tables
            # Login names and their roles (schema 8) and the organisation's own tables belong to no training.
            if table not in (tables.schema_info, tables.users) and table not in tables.ORGANISATION_TABLES
        }


def test_removing_a_training_deletes_everything_stored_for_it(any_store, clock):
    store = any_store
    keep = store.add_training("Blijft", "mysupport", clock(), meeting_dates=(date(2026, 1, 1),))
    gone = store.add_training("Weg", "mysupport", clock(), meeting_dates=(date(2026, 1, 1),))
    for training in (keep, gone):
        _fill_every_table(store, training, clock)
    before = _row_counts(store)
    # Every table holds something of each training (a new table makes this test fill it too).
    assert all(count >= 2 and count % 2 == 0 for count in before.values()), before

    store.remove_training(gone.id)

    # Both trainings had the same data: exactly half of every table is gone, the other half is keep's.
    assert _row_counts(store) == {name: count // 2 for name, count in before.items()}
    with store.engine.connect() as conn:
        for table in tables.metadata.sorted_tables:
            if "training_id" in table.c:
                owners = set(conn.execute(select(table.c.training_id)).scalars())
                assert owners == {keep.id}, table.name
        groups = select(tables.roleplay_groups.c.id).where(tables.roleplay_groups.c.training_id == keep.id)
        turns = tables.roleplay_turns
        orphans = select(func.count()).select_from(turns).where(turns.c.group_id.not_in(groups))
        assert conn.execute(orphans).scalar() == 0
        sent = select(tables.submissions.c.id).where(tables.submissions.c.training_id == keep.id)
        answers = tables.answers
        orphans = select(func.count()).select_from(answers).where(answers.c.submission_id.not_in(sent))
        assert conn.execute(orphans).scalar() == 0
    with pytest.raises(MissingEntry):
        store.find_training(gone.id)
    # The other training is untouched.
    assert store.find_training(keep.id).meeting_date(1) == date(2026, 1, 1)
    assert store.find_run(keep.id, 1)[0] == {"current": 0}
    assert set(store.checklist_ticks(keep.id)) == {"x"}
    assert sorted(p.name for p in store.list_participants(keep.id)) == ["Joost", "Sanne"]
    assert store.response_counts(keep.id, 1) == {"reflectie": 1, "evaluatie-mysupport": 1}
    assert store.load_draft(keep.id, 1, "reflectie", "p:joost") == {"a": "half"}
    [group] = store.list_roleplay_groups(keep.id, 1)
    assert len(store.list_roleplay_turns(group.id)) == 1


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(store):
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_a_new_database_gets_the_current_schema_version(any_store):
    store = any_store
    assert store.schema_version() == SCHEMA_VERSION


def test_an_older_database_is_migrated_forward_on_open(tmp_path, monkeypatch, clock):
    url = f"sqlite:///{tmp_path / 'pz.db'}"
    Store(url).add_training("A", "mysupport", clock())
    applied = []
    newer = SCHEMA_VERSION + 1
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, applied.append])
    reopened = Store(url)
    assert len(applied) == 1 and reopened.schema_version() == newer
    assert [t.name for t in reopened.list_trainings()] == ["A"]


def test_a_version_1_database_is_migrated_to_the_current_schema(tmp_path, clock):
    # The shape a pztraining of schema 1 wrote, before role-play groups and join codes.
    path = tmp_path / "oud.db"
    import sqlite3

    with sqlite3.connect(path) as db:
        db.executescript("""
            CREATE TABLE pz_schema (id INTEGER PRIMARY KEY, version INTEGER NOT NULL);
            INSERT INTO pz_schema VALUES (1, 1);
            CREATE TABLE trainings (id INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL,
                program_id VARCHAR(64) NOT NULL, organisation VARCHAR(200) NOT NULL,
                created_at DATETIME NOT NULL);
            CREATE TABLE meeting_dates (training_id INTEGER, meeting INTEGER, date DATE,
                PRIMARY KEY (training_id, meeting));
            CREATE TABLE meeting_runs (training_id INTEGER, meeting INTEGER, state TEXT NOT NULL,
                updated_at DATETIME NOT NULL, PRIMARY KEY (training_id, meeting));
            CREATE TABLE checklist_ticks (training_id INTEGER, item_id VARCHAR(64),
                ticked_at DATETIME NOT NULL, PRIMARY KEY (training_id, item_id));
            INSERT INTO trainings VALUES (1, 'Oud', 'mysupport', '', '2026-01-01 09:00:00');
            INSERT INTO trainings VALUES (2, 'Ouder', 'ggz', '', '2026-01-02 09:00:00');
        """)
    store = Store(f"sqlite:///{path}")
    assert store.schema_version() == SCHEMA_VERSION
    codes = [t.join_code for t in store.list_trainings()]
    assert len(set(codes)) == 2 and all(len(code) == 6 for code in codes)
    group = store.add_roleplay_group(1, 1, "Groep 1", {"x": 1}, clock())
    assert store.find_roleplay_group(group.id).state == {"x": 1}


def test_a_database_from_a_newer_pztraining_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'pz.db'}"
    Store(url)
    with Store(url).engine.begin() as conn:
        conn.exec_driver_sql("update pz_schema set version = 99")
    with pytest.raises(StoreError, match="schemaversie 99, nieuwer dan deze pztraining"):
        Store(url)


def test_every_store_error_is_a_pztraining_error_the_cli_and_servers_catch_once(tmp_path):
    from pztraining.core.errors import PztrainingError
    from pztraining.store import MissingDatabase, MissingEntry, StoreUnavailable

    assert issubclass(StoreUnavailable, PztrainingError) and issubclass(MissingEntry, PztrainingError)
    with pytest.raises(PztrainingError, match="geen pztraining-database"):
        Store(f"sqlite:///{tmp_path / 'nergens.db'}", create=False)
    with pytest.raises(MissingDatabase):
        Store(f"sqlite:///{tmp_path / 'nergens.db'}", create=False)


def test_a_role_play_change_is_applied_under_a_lock_and_its_turns_are_logged(any_store, clock):
    store = any_store
    training = store.add_training("A", "mysupport", clock())
    group = store.add_roleplay_group(training.id, 1, "Groep 1", {"n": 0}, clock())
    turn = {
        "turn": 1,
        "member": "Bram",
        "variant": "basis",
        "planned_seconds": 120,
        "actual_seconds": 118,
        "paused_seconds": 0,
        "started_at": clock(),
        "ended_at": clock(),
    }
    updated, applied = store.update_roleplay(group.id, lambda s: ({"n": s["n"] + 1}, [turn]), clock())
    assert applied and updated.state == {"n": 1} and updated.version == 2
    [logged] = store.list_roleplay_turns(group.id)
    assert logged["member"] == "Bram" and logged["actual_seconds"] == 118


def test_a_press_on_a_stale_version_changes_nothing_and_returns_the_latest(any_store, clock):
    store = any_store
    training = store.add_training("A", "mysupport", clock())
    group = store.add_roleplay_group(training.id, 1, "Groep 1", {"n": 0}, clock())
    store.update_roleplay(group.id, lambda s: ({"n": 1}, []), clock(), expected_version=1)
    latest, applied = store.update_roleplay(group.id, lambda s: ({"n": 99}, []), clock(), expected_version=1)
    assert not applied and latest.state == {"n": 1} and latest.version == 2


def test_group_names_are_unique_within_a_meeting(any_store, clock):
    store = any_store
    training = store.add_training("A", "mysupport", clock())
    store.add_roleplay_group(training.id, 1, "Groep 1", {}, clock())
    with pytest.raises(StoreError, match="al een groep 'Groep 1'"):
        store.add_roleplay_group(training.id, 1, "Groep 1", {}, clock())


def test_an_unknown_database_url_is_refused_in_dutch():
    with pytest.raises(StoreError, match="Onbekend database-adres"):
        Store("geen url")


def _tick_many(url: str, training_id: int, worker: int) -> None:
    from datetime import datetime

    s = Store(url)
    for i in range(40):
        s.set_checklist_tick(training_id, f"w{worker}-{i}", True, datetime.now(UTC))
    s.close()


@pytest.mark.subprocess  # four kernel processes
def test_kernels_writing_at_the_same_time_lose_nothing(tmp_path, clock):
    # Every Voila page is its own process; four of them write to one SQLite file at once.
    url = f"sqlite:///{tmp_path / 'pz.db'}"
    training = Store(url).add_training("A", "mysupport", clock())
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_tick_many, args=(url, training.id, n)) for n in range(4)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(timeout=120)
        assert p.exitcode == 0
    assert len(Store(url).checklist_ticks(training.id)) == 160


def test_a_run_change_on_an_older_version_changes_nothing_and_returns_the_latest(any_store, clock):
    store = any_store
    training = store.add_training("Team", "mysupport", clock())
    state, version, applied = store.update_run(training.id, 1, lambda old: {"current": 0}, clock(), expected_version=0)
    assert (state, version, applied) == ({"current": 0}, 1, True)
    store.update_run(training.id, 1, lambda old: {"current": old["current"] + 1}, clock(), expected_version=1)
    stale = store.update_run(training.id, 1, lambda old: {"current": old["current"] + 1}, clock(), expected_version=1)
    assert stale == ({"current": 1}, 2, False)
    assert store.find_run(training.id, 1) == ({"current": 1}, 2)


def test_a_reset_run_keeps_counting_versions_so_an_old_page_cannot_act_on_the_new_run(any_store, clock):
    store = any_store
    training = store.add_training("Team", "mysupport", clock())
    store.update_run(training.id, 1, lambda old: {"current": 0}, clock())  # version 1
    store.update_run(training.id, 1, lambda old: None, clock())  # reset: version 2
    assert store.find_run(training.id, 1)[0] is None and store.list_runs(training.id) == {}
    store.update_run(training.id, 1, lambda old: {"current": 0}, clock())  # started again: 3
    *_, applied = store.update_run(training.id, 1, lambda old: {"current": 5}, clock(), expected_version=1)
    assert not applied and store.find_run(training.id, 1) == ({"current": 0}, 3)


def test_a_schema_4_database_gets_run_versions_and_keeps_its_runs(tmp_path, clock):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = Store(url)
    training = store.add_training("Team", "mysupport", clock())
    store.update_run(training.id, 1, lambda _old: {"current": 2}, clock())
    with store.engine.begin() as conn:  # back to how schema 4 stored runs
        conn.execute(text("ALTER TABLE meeting_runs DROP COLUMN version"))
        conn.execute(text("UPDATE pz_schema SET version = 4"))
    store.close()
    reopened = Store(url)
    assert reopened.schema_version() == SCHEMA_VERSION
    assert reopened.find_run(training.id, 1) == ({"current": 2}, 0)
    *_, applied = reopened.update_run(training.id, 1, lambda old: {"current": 3}, clock(), expected_version=0)
    assert applied and reopened.find_run(training.id, 1) == ({"current": 3}, 1)
    reopened.close()


def test_the_last_activity_of_a_training_is_its_latest_answer_run_or_form(any_store, clock):
    store = any_store
    answered = store.add_training("Met antwoorden", "mysupport", clock())
    forms.open_form(store, answered.id, 1, "reflectie", True, clock.advance(minutes=1))
    forms.submit(
        store, answered.id, 1, "reflectie", "a:1", {"x": "y"}, clock.advance(minutes=1)
    )  # anonymous: no time kept
    store.close_form(answered.id, 1, "reflectie", clock.advance(minutes=1))
    run = store.add_training("Met een draaiboek", "mysupport", clock.advance(minutes=1))
    store.update_run(run.id, 1, lambda old: {"current": 0}, clock.advance(minutes=1))
    store.add_training("Nog niets", "mysupport", clock.advance(minutes=1))
    latest = store.last_activity()
    assert latest == {answered.id: clock.now - timedelta(minutes=3), run.id: clock.now - timedelta(minutes=1)}


def test_names_added_before_schema_14_keep_their_role_and_get_no_claim_window_until_added_again(any_store):
    store = any_store
    store.add_user("anna", "trainer", "Zorggroep Noord")
    with store.engine.begin() as conn:  # the shape of schema 13: no claim window on users
        conn.exec_driver_sql("ALTER TABLE users DROP COLUMN first_login_until")
        conn.exec_driver_sql("UPDATE pz_schema SET version = 13")
    reopened = Store(store.url)
    try:
        assert reopened.schema_version() == SCHEMA_VERSION
        now = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
        anna = reopened.find_user("anna")
        assert (anna.role, anna.organisation) == ("trainer", "Zorggroep Noord")
        assert not anna.may_choose_first_password(now)
        reopened.add_user("anna", "trainer", "Zorggroep Noord", first_login_until=now + timedelta(hours=24))
        assert reopened.find_user("anna").may_choose_first_password(now)
        assert not reopened.find_user("anna").may_choose_first_password(now + timedelta(hours=25))
    finally:
        reopened.close()
