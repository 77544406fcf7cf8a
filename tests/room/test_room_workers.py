"""The room server as two worker processes on one port: a form the trainer opens reaches the
phones connected to either worker, and each client address always reaches the same worker."""

from __future__ import annotations

import http.client
import time
from datetime import UTC, datetime

import psutil

from pztraining.services import forms
from pztraining.store import Store
from tests.room.conftest import running_room_server

FORM = "evaluatie-mysupport"
#: Phones on four addresses: the port sends an address to worker (address mod 2).
SOURCES = ("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4")


def workers_listening(parent: int, port: int, seconds: float = 120) -> list[psutil.Process]:
    """The worker processes under ``parent``, once every one listens on ``port``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        workers = psutil.Process(parent).children()
        if len(workers) == 2 and all(
            any(c.status == psutil.CONN_LISTEN and c.laddr.port == port for c in w.net_connections("tcp"))
            for w in workers
        ):
            return workers
        time.sleep(0.3)
    raise AssertionError("the two workers did not listen")


def open_stream(port: int, source: str, code: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    conn.request("GET", f"/pz/api/events?code={code}")
    response = conn.getresponse()
    assert response.status == 200
    return response


def next_items(stream: http.client.HTTPResponse) -> str:
    while True:
        line = stream.fp.readline()
        assert line, "the stream closed"
        if line.startswith(b"data: "):
            return line.decode()


def serving(workers: list[psutil.Process], port: int, source: str) -> set[int]:
    """The workers holding a connection from ``source`` to ``port``."""
    return {
        w.pid
        for w in workers
        for c in w.net_connections("tcp")
        if c.status == psutil.CONN_ESTABLISHED and c.laddr.port == port and c.raddr and c.raddr.ip == source
    }


def test_a_form_opened_reaches_phones_on_both_workers(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'pz.db'}"
    store = Store(db_url)
    training = store.add_training("Twee kernen", "mysupport", datetime.now(UTC))
    with running_room_server(tmp_path, db_url, {"PZTRAINING_ROOM_WORKERS": "2"}) as server:
        workers = workers_listening(server.process.pid, server.port)
        # Two streams per address: both land on the worker of that address.
        streams = {
            source: [open_stream(server.port, source, training.join_code) for _ in range(2)] for source in SOURCES
        }
        for source_streams in streams.values():
            for stream in source_streams:
                assert '"items":[]' in next_items(stream)
        owners = {source: serving(workers, server.port, source) for source in SOURCES}
        assert all(len(pids) == 1 for pids in owners.values()), owners  # one worker per address
        assert set().union(*owners.values()) == {w.pid for w in workers}, owners  # and both workers serve

        forms.open_form(store, training.id, 1, FORM, False, datetime.now(UTC))
        for source_streams in streams.values():
            for stream in source_streams:
                assert f'"id":"{FORM}"' in next_items(stream)
        for source_streams in streams.values():
            for stream in source_streams:
                stream.close()
    store.close()
