"""Anonymous stays anonymous on disk: what a killed room server leaves behind cannot link an
anonymous answer to a phone, and what the phones kept is stored after the restart.

A real room server (``python -m pztraining.serving.room.app``) on SQLite, phones over HTTP, a kill -9
in the middle; then the raw bytes of ``pz.db`` and ``pz.db-wal`` are read as an administrator
holding the files would read them.

The property, precisely: read every frame of the write-ahead log in file order (stale frames
of earlier generations too) and group them into the commits they belong to. The first commit
in which an anonymous answer appears must bring at least k anonymous answers that appear for
the first time (k = the batch size): then the order of the log places it among k answers,
never next to one phone's own writes. Answers not in the log are only in the database file,
which keeps no order of writes. And the log file of the server never mentions the anonymous
route or a client address next to it.
"""

from __future__ import annotations

import itertools
import os
import secrets
import signal
import struct
import time
from datetime import UTC, datetime
from pathlib import Path

from pztraining.content import load_form
from pztraining.services import forms
from pztraining.store import Store

from .conftest import Phone, running_room_server

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
K = 3
EVALUATION = "evaluatie-mysupport"
REFLECTION = "reflectie"
_devices = itertools.count(0x700)


def wal_commits(wal: bytes) -> list[bytes]:
    """The pages of each commit in a SQLite WAL file, in file order, stale generations included."""
    if len(wal) < 32:
        return []
    page_size = struct.unpack(">I", wal[8:12])[0]
    commits, current, offset = [], [], 32
    while offset + 24 + page_size <= len(wal):
        size_after_commit = struct.unpack(">I", wal[offset + 4 : offset + 8])[0]
        current.append(wal[offset + 24 : offset + 24 + page_size])
        if size_after_commit:  # the last frame of a transaction
            commits.append(b"".join(current))
            current = []
        offset += 24 + page_size
    if current:
        commits.append(b"".join(current))  # an unfinished transaction: still readable bytes
    return commits


def first_appearances(commits: list[bytes], markers: dict[str, bytes]) -> list[set[str]]:
    """Per commit, the markers that appear in it and in no earlier commit."""
    seen: set[str] = set()
    found = []
    for content in commits:
        here = {name for name, marker in markers.items() if marker in content}
        found.append(here - seen)
        seen |= here
    return found


def evaluation(marker: str) -> dict:
    answers = {item.id: 4 for item in load_form(EVALUATION).items if item.type == "agreement"}
    return {**answers, "aanbevelen": 8, "vertrouwen-gesprek": 7, "geleerd": marker}


class RoomPhone(Phone):
    """A phone as participant.js behaves: it keeps an anonymous answer until it hears it is stored."""

    def __init__(self, server, code: str):
        super().__init__(server, device=f"{next(_devices):032x}")
        self.code = code
        self.kept: dict | None = None  # {"values", "receipt"}

    def send_anonymous(self, values: dict, receipt: str = "") -> str:
        reply = self.post(
            "anonymous", {"code": self.code, "meeting": 1, "form": EVALUATION, "values": values, "receipt": receipt}
        )
        if reply.status == 409:
            return "closed"
        assert reply.status == 200, reply.text
        data = reply.json()
        if data["status"] == "pending":
            self.kept = {"values": values, "receipt": data["receipt"]}
        elif data["status"] == "submitted":
            self.kept = None
        return data["status"]

    def resend(self) -> str:
        return self.send_anonymous(self.kept["values"], self.kept["receipt"])


def markers(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{n}x{secrets.token_hex(4)}" for n in range(count)]


def kill(server) -> None:
    os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=10)


def set_up(tmp_path: Path):
    for name in ("run", "first", "second"):
        (tmp_path / name).mkdir()
    db = tmp_path / "pz.db"
    store = Store(f"sqlite:///{db}")
    training = store.add_training("Team De Linde", "mysupport", NOW)
    forms.open_form(store, training.id, 1, REFLECTION, False, NOW)
    forms.open_form(store, training.id, 1, EVALUATION, True, NOW)
    return db, store, training


def test_a_killed_room_leaves_no_file_that_links_an_anonymous_answer_to_a_phone(tmp_path):
    db, store, training = set_up(tmp_path)
    named, anonymous, drafts = markers("NAMED", 5), markers("ANON", 5), markers("ANONDRAFT", 5)
    with running_room_server(tmp_path / "run", f"sqlite:///{db}", {"PZTRAINING_ANONYMOUS_BATCH": str(K)}) as server:
        phones = [RoomPhone(server, training.join_code) for _ in range(5)]
        for n, phone in enumerate(phones):
            assert phone.post("register", {"code": training.join_code, "name": f"Deelnemer {n}"}).status == 200
        # Each phone in turn: a named draft, a draft of the anonymous form (as an old page would
        # send it), the named reflection, then the anonymous evaluation.
        for n, phone in enumerate(phones):
            where = {"code": training.join_code, "meeting": 1}
            assert phone.post("draft", {**where, "form": REFLECTION, "values": {"hoe-was-het": "half"}}).status == 200
            reply = phone.post("draft", {**where, "form": EVALUATION, "values": {"geleerd": drafts[n]}})
            assert reply.status == 200, reply.text
            reply = phone.post("submit", {**where, "form": REFLECTION, "values": {"hoe-was-het": named[n]}})
            assert reply.json()["status"] == "submitted"
            assert phone.send_anonymous(evaluation(anonymous[n])) == ("submitted" if n == K - 1 else "pending")
        # A refused request on the named route is logged with the client's address (the log is
        # on); the same on the anonymous route leaves no line at all.
        store.close_form(training.id, 1, REFLECTION, NOW)
        assert (
            phones[0]
            .post(
                "submit",
                {"code": training.join_code, "meeting": 1, "form": REFLECTION, "values": {"hoe-was-het": "te laat"}},
            )
            .status
            == 409
        )
        assert (
            phones[0].post("anonymous", {"code": "ZZZZZZ", "meeting": 1, "form": EVALUATION, "values": {}}).status
            == 404
        )
        time.sleep(0.5)
        kill(server)  # in the middle: two anonymous answers wait in the pool
        log = server.log()
        files = {
            name: (db.parent / name).read_bytes() for name in ("pz.db", "pz.db-wal") if (db.parent / name).exists()
        }

    # The write-ahead log: every anonymous answer first appears together with at least K-1 others.
    commits = wal_commits(files.get("pz.db-wal", b""))
    anonymous_markers = {m: m.encode() for m in anonymous}
    for new in first_appearances(commits, anonymous_markers):
        assert not new or len(new) >= K, f"an anonymous answer first appears with only {len(new)}: {sorted(new)}"
    everything = b"".join(files.values())
    # The first K are stored (one batch); the two waiting in memory were never written.
    assert [m.encode() in everything for m in anonymous] == [True] * K + [False] * (5 - K)
    assert all(m.encode() in everything for m in named)
    # No draft of the anonymous form reached any file (its key would tie the answer to the phone).
    assert not any(m.encode() in everything for m in drafts)
    # The server's log: nothing about the anonymous route, while the named refusal is there.
    assert "pz/api/submit (127.0.0.1)" in log, log
    assert "anonymous" not in log, log

    # What the database says: no participant and no time on the anonymous rows.
    reopened = Store(f"sqlite:///{db}")
    with reopened.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "select participant_id, submitted_at from submissions where form_id = ?", (EVALUATION,)
        ).all()
    assert rows == [(None, None)] * K
    reopened.close()
    store.close()


def test_answers_waiting_when_the_room_is_killed_are_sent_again_and_stored_once(tmp_path):
    db, store, training = set_up(tmp_path)
    answers = markers("KEPT", 3)
    batch = {"PZTRAINING_ANONYMOUS_BATCH": "5"}
    with running_room_server(tmp_path / "first", f"sqlite:///{db}", batch) as server:
        phones = [RoomPhone(server, training.join_code) for _ in range(3)]
        for n, phone in enumerate(phones):
            assert phone.post("register", {"code": training.join_code, "name": f"Deelnemer {n}"}).status == 200
        for phone, marker in zip(phones[:2], answers):
            assert phone.send_anonymous(evaluation(marker)) == "pending"
        kill(server)
    assert store.response_counts(training.id, 1) == {}  # they were only in the killed server's memory
    # While the room server is down the trainer closes the evaluation.
    store.close_form(training.id, 1, EVALUATION, NOW)
    with running_room_server(tmp_path / "second", f"sqlite:///{db}", batch) as server:
        for phone in phones:
            phone.server = server
        # The phones send what they kept again (with the receipt of the first server): taken.
        assert [phone.resend() for phone in phones[:2]] == ["pending", "pending"]
        assert [phone.resend() for phone in phones[:2]] == ["pending", "pending"]  # again: still once
        # A phone that never sent before the close cannot send now.
        assert phones[2].send_anonymous(evaluation(answers[2])) == "closed"
        # The form is closed: once no answer came in for a few seconds, the rest is stored.
        deadline = time.monotonic() + 30
        while store.response_counts(training.id, 1).get(EVALUATION, 0) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert [phone.resend() for phone in phones[:2]] == ["submitted", "submitted"]
    rows = [store.load_submission(training.id, 1, EVALUATION, key) for key in _anonymous_keys(store)]
    assert sorted(r["geleerd"] for r in rows) == sorted(answers[:2])
    assert store.response_counts(training.id, 1) == {EVALUATION: 2}
    store.close()


def _anonymous_keys(store) -> list[str]:
    with store.engine.connect() as conn:
        return list(conn.exec_driver_sql("select respondent_key from submissions").scalars())


def test_a_clean_stop_stores_the_anonymous_answers_still_waiting(tmp_path):
    db, store, training = set_up(tmp_path)
    answers = markers("STOP", 2)
    with running_room_server(tmp_path / "run", f"sqlite:///{db}", {"PZTRAINING_ANONYMOUS_BATCH": "5"}) as server:
        for n, marker in enumerate(answers):
            phone = RoomPhone(server, training.join_code)
            assert phone.post("register", {"code": training.join_code, "name": f"Deelnemer {n}"}).status == 200
            assert phone.send_anonymous(evaluation(marker)) == "pending"
        assert store.response_counts(training.id, 1) == {}
    # Leaving the block stops the server as a service manager does (SIGTERM): one batch of both.
    rows = [store.load_submission(training.id, 1, EVALUATION, key) for key in _anonymous_keys(store)]
    assert sorted(r["geleerd"] for r in rows) == sorted(answers)
    store.close()
