"""A phone's write is tried on the room's event loop when SQLite's lock is free (a third of its CPU
was the hand-off to a thread), and never makes the loop wait: a held lock sends it to the pool."""

import asyncio
import itertools
import os
import sqlite3
import threading
import time
from datetime import UTC, datetime

import pytest

from pztraining.services import forms, participation
from pztraining.serving.room import handlers as room_handlers
from pztraining.serving.room.handlers import Room
from pztraining.store import Store, StoreBusy
from tests.loops import run_async
from tests.unit.test_store_busy import write_lock_held_by_another_process

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FORM = "reflectie"


def _training_with_a_phone(store: Store):
    training = store.add_training("Lus", "mysupport", NOW)
    forms.open_form(store, training.id, 1, FORM, False, NOW)
    person = participation.register(store, training, "toestel-1", "Sanne", NOW)
    return training, person


def _draft(store, training, person, text: str) -> bool:
    return participation.save_draft(store, training, person, "toestel-1", 1, FORM, {"hoe-was-het": text}, NOW)


def test_without_waiting_a_held_lock_is_busy_at_once_and_nothing_is_written(tmp_path):
    path = tmp_path / "pz.db"
    store = Store(f"sqlite:///{path}", busy_seconds=5)
    training, person = _training_with_a_phone(store)
    with write_lock_held_by_another_process(path):
        started = time.monotonic()
        with pytest.raises(StoreBusy), store.without_waiting():
            _draft(store, training, person, "Vol")
        waited = time.monotonic() - started
    assert waited < 0.5, f"waited {waited:.2f} s for a lock it must not wait for"  # the window is 5 s
    key = f"p:{person.id}"
    assert store.load_draft(training.id, 1, FORM, key) is None
    with store.without_waiting():  # the lock is free again: written at once
        assert _draft(store, training, person, "Rustig")
    assert store.load_draft(training.id, 1, FORM, key) == {"hoe-was-het": "Rustig"}


def test_a_write_while_another_process_holds_the_lock_waits_on_a_thread_and_the_loop_stays_free(tmp_path):
    path = tmp_path / "pz.db"
    store = Store(f"sqlite:///{path}", busy_seconds=10)
    training, person = _training_with_a_phone(store)

    async def scenario() -> tuple[bool, list[float]]:
        room = Room.open(store)
        ticks: list[float] = []

        async def heartbeat() -> None:  # what every other phone on this loop would notice
            while True:
                ticks.append(time.monotonic())
                await asyncio.sleep(0.02)

        beating = asyncio.ensure_future(heartbeat())
        try:
            with write_lock_held_by_another_process(path) as other:
                threading.Timer(1.0, other.rollback).start()  # the trainer's notebook, done in a second
                stored = await room.write(_draft, store, training, person, "Vol")
        finally:
            beating.cancel()
            room.pool.shutdown(wait=True)
        return stored, ticks

    stored, ticks = run_async(scenario(), timeout=30)
    assert stored
    assert store.load_draft(training.id, 1, FORM, f"p:{person.id}") == {"hoe-was-het": "Vol"}
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 20, "the write did not wait for the lock"
    assert max(gaps) < 0.5, f"the loop stood still for {max(gaps):.2f} s"


def test_writes_on_the_loop_leave_the_wal_to_the_pool_and_it_stays_small(tmp_path, monkeypatch):
    """Without a checkpoint now and then the WAL would hold every draft (SQLite's own checkpoint is
    switched off for the loop's writes: it would copy the WAL and fsync on the loop)."""
    path = tmp_path / "pz.db"
    store = Store(f"sqlite:///{path}")
    training, person = _training_with_a_phone(store)
    monkeypatch.setattr(room_handlers, "CHECKPOINT_EVERY", 50)
    text = "x" * 3000  # a page of the WAL a draft, and more

    async def scenario() -> None:
        room = Room.open(store)
        try:
            for n in range(1500):
                assert await room.write(_draft, store, training, person, f"{n} {text}")
                if n % 50 == 0:
                    await asyncio.sleep(0.01)  # the pool's checkpoint gets its turn, as between requests
        finally:
            room.pool.shutdown(wait=True)

    run_async(scenario(), timeout=120)
    wal_pages = os.path.getsize(f"{path}-wal") / (4096 + 24)
    assert wal_pages < 1000, f"the WAL grew to {wal_pages:.0f} pages"
    assert store.load_draft(training.id, 1, FORM, f"p:{person.id}") == {"hoe-was-het": f"1499 {text}"}
    with sqlite3.connect(path) as db:  # and the file is a sound database
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
