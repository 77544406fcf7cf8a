"""The phones' prepared statements (store/driver.py) on SQLite: each store thread keeps one connection,
and gives it back when the thread ends or the store closes, so no file stays open behind a closed store."""

from __future__ import annotations

import gc
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

from pztraining.services import forms
from pztraining.store import Store

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _open_files_of(path: Path) -> int:
    """How many descriptors of this process point at ``path`` (or its -wal and -shm files)."""
    names = {str(path), f"{path}-wal", f"{path}-shm"}
    found = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            found += os.readlink(f"/proc/self/fd/{fd}") in names
        except OSError:
            continue
    return found


def _drafts_from_threads(store: Store, count: int) -> None:
    training = store.add_training("Team De Linde", "mysupport", NOW)
    person = store.add_participant(training.id, "Sanne", "ab" * 32, NOW)
    forms.open_form(store, training.id, 1, "reflectie", False, NOW)

    def draft(n: int) -> None:
        forms.save_open_draft(store, training.id, 1, "reflectie", lambda _a: f"p:{person.id}", {"q1": n}, NOW)

    threads = [threading.Thread(target=draft, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
        thread.join()  # one after the other: the last one's draft is kept
    assert store.load_draft(training.id, 1, "reflectie", f"p:{person.id}") == {"q1": count - 1}


def test_a_closed_store_leaves_no_connection_to_its_database_open(tmp_path):
    path = tmp_path / "pz.db"
    store = Store(f"sqlite:///{path}")
    _drafts_from_threads(store, 3)
    forms.save_open_draft(store, 1, 1, "reflectie", lambda _a: "p:1", {"q1": 9}, NOW)  # this thread keeps one too
    assert _open_files_of(path) > 0
    store.close()
    assert _open_files_of(path) == 0


def test_threads_that_ended_give_their_connections_back(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'pz.db'}")
    try:
        assert store.find_participant(1, "ab" * 32) is None  # this thread keeps one
        _drafts_from_threads(store, 20)  # more threads than the pool has connections
        gc.collect()
        assert store.engine.pool.checkedout() == 1  # this thread's only
    finally:
        store.close()
