"""A busy database: writes wait and try again for a bounded time, then fail as StoreBusy with nothing written."""

import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import date

import pytest

from pztraining.core.texts import t
from pztraining.services import forms
from pztraining.store import Store, StoreBusy, StoreError


@contextmanager
def write_lock_held_by_another_process(path):
    """A second, real connection to the SQLite file holding the write lock (BEGIN IMMEDIATE)."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield other
    finally:
        if other.in_transaction:
            other.rollback()
        other.close()


def test_a_write_waits_for_a_lock_released_within_the_retry_window(tmp_path, clock):
    path = tmp_path / "pz.db"
    store = Store(f"sqlite:///{path}", busy_seconds=5)
    with write_lock_held_by_another_process(path) as other:
        release = threading.Timer(0.5, other.rollback)
        release.start()
        started = time.monotonic()
        training = store.add_training("Team De Linde", "ggz", clock(), meeting_dates=(date(2026, 12, 1),))
        waited = time.monotonic() - started
        release.join()
    assert waited >= 0.4
    assert [t.name for t in store.list_trainings()] == ["Team De Linde"]
    assert store.find_training(training.id).meeting_date(1) == date(2026, 12, 1)


@pytest.mark.alone  # measures the retry window
def test_a_lock_held_beyond_the_retry_window_gives_store_busy_and_writes_nothing(tmp_path, clock):
    path = tmp_path / "pz.db"
    store = Store(f"sqlite:///{path}", busy_seconds=1)
    with write_lock_held_by_another_process(path):
        started = time.monotonic()
        with pytest.raises(StoreBusy) as busy:
            store.add_training("Team De Linde", "ggz", clock(), meeting_dates=(date(2026, 12, 1), None))
        waited = time.monotonic() - started
    assert 0.9 <= waited < 2.5  # the window is bounded
    assert isinstance(busy.value, StoreError)  # callers that catch StoreError still do
    assert str(busy.value) == t("store.busy")
    assert "locked" not in str(busy.value)
    assert store.list_trainings() == []  # nothing half-written
    with sqlite3.connect(path) as db:
        assert db.execute("select count(*) from meeting_dates").fetchone() == (0,)


def test_a_kernel_starting_while_another_holds_the_lock_opens_once_it_is_released(tmp_path):
    path = tmp_path / "pz.db"
    Store(f"sqlite:///{path}").close()
    with write_lock_held_by_another_process(path) as other:
        threading.Timer(0.3, other.rollback).start()
        store = Store(f"sqlite:///{path}", busy_seconds=5)  # opening migrates, which writes
    assert store.list_trainings() == []


def test_a_postgresql_deadlock_is_retried_and_the_change_applied_once(postgres_cluster, clock):
    import psycopg
    from sqlalchemy.engine import make_url

    url = postgres_cluster.new_database()
    store = Store(url, busy_seconds=20)
    training = store.add_training("A", "mysupport", clock())
    ours = store.add_roleplay_group(training.id, 1, "Groep 1", {"n": 0}, clock())
    theirs = store.add_roleplay_group(training.id, 1, "Groep 2", {"n": 0}, clock())
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
    other = psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
    # The other transaction holds the id our next turn will get, so our insert waits for it ...
    taken = other.execute("select nextval('roleplay_turns_id_seq')").fetchone()[0] + 1
    other.execute(
        "insert into roleplay_turns (id, group_id, turn, member, variant, planned_seconds, "
        "actual_seconds, paused_seconds, started_at, ended_at) "
        "values (%s, %s, 1, 'X', 'basis', 1, 1, 0, now(), now())",
        (taken, theirs.id),
    )

    def lock_our_group():
        time.sleep(0.3)  # ... and then it waits for the group we locked: a deadlock, we waited first
        other.execute("select id from roleplay_groups where id = %s for update", (ours.id,))
        other.commit()

    waiter = threading.Thread(target=lock_our_group)
    calls = []

    def change(state):
        calls.append(state)
        if len(calls) == 1:
            waiter.start()
        return {"n": state["n"] + 1}, [turn]

    try:
        updated, applied = store.update_roleplay(ours.id, change, clock())
    finally:
        waiter.join(timeout=30)
        other.close()
    assert len(calls) == 2  # the first attempt was the deadlock's victim and rolled back
    assert applied and updated.state == {"n": 1} and updated.version == 2
    assert [row["member"] for row in store.list_roleplay_turns(ours.id)] == ["Bram"]
    store.close()


def _phone_on_an_open_form(store: Store, clock):
    """A training with a participant and the reflection form open: what a phone's draft needs."""
    training = store.add_training("Team De Linde", "mysupport", clock())
    person = store.add_participant(training.id, "Sanne", "ab" * 32, clock())
    forms.open_form(store, training.id, 1, "reflectie", False, clock())
    return training, person


def test_a_phones_draft_waits_for_a_lock_released_within_the_retry_window(tmp_path, clock):
    path = tmp_path / "pz.db"
    store = Store(f"sqlite:///{path}", busy_seconds=5)
    training, person = _phone_on_an_open_form(store, clock)
    with write_lock_held_by_another_process(path) as other:
        release = threading.Timer(0.5, other.rollback)
        release.start()
        started = time.monotonic()
        stored = forms.save_open_draft(
            store, training.id, 1, "reflectie", lambda _a: f"p:{person.id}", {"q1": 3}, clock()
        )
        waited = time.monotonic() - started
        release.join()
    assert stored and waited >= 0.4
    assert store.load_draft(training.id, 1, "reflectie", f"p:{person.id}") == {"q1": 3}


@pytest.mark.alone  # measures the retry window
def test_a_phones_submit_meeting_a_lock_beyond_the_retry_window_gives_store_busy_and_writes_nothing(tmp_path, clock):
    path = tmp_path / "pz.db"
    store = Store(f"sqlite:///{path}", busy_seconds=1)
    training, person = _phone_on_an_open_form(store, clock)
    with write_lock_held_by_another_process(path):
        started = time.monotonic()
        with pytest.raises(StoreBusy) as busy:
            forms.submit(
                store, training.id, 1, "reflectie", f"p:{person.id}", {"q1": 4}, clock(), participant_id=person.id
            )
        waited = time.monotonic() - started
    assert 0.9 <= waited < 2.5  # the window is bounded
    assert str(busy.value) == t("store.busy")
    assert store.load_submission(training.id, 1, "reflectie", f"p:{person.id}") is None


def test_a_new_database_another_process_is_writing_to_opens_once_its_write_is_done(tmp_path):
    """``pztraining serve`` starts two servers on a new database: each switches the file to WAL as
    it connects, and SQLite refuses the second switch at once while the other holds the write
    lock (its busy timeout would deadlock them). Opening waits and tries again, as a write does."""
    path = tmp_path / "pz.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE other_process (a)")  # a file in rollback mode, with a schema to read
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO other_process VALUES (1)")
    release = threading.Timer(0.5, other.commit)
    release.start()
    try:
        started = time.monotonic()
        store = Store(f"sqlite:///{path}", busy_seconds=5)
        waited = time.monotonic() - started
    finally:
        release.join()
        other.close()
    assert waited >= 0.4
    assert store.list_trainings() == []
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)
