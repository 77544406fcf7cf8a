"""No herd on the push channel: streams that connect together share one read of the store, and
phone requests queued on the store's threads never hold back the change the watcher pushes.

The room's handlers run in this process on a real port (a tornado server in the test's own
event loop) on a real SQLite store, so the store's reads can be counted.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import urlencode

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application

from pztraining.services import forms
from pztraining.serving.room.handlers import Room, handlers
from pztraining.store import Store
from tests.loops import run_async

FORM = "evaluatie-mysupport"
STREAMS = 60


def counting(store: Store, reads: Counter, name: str, pause: float = 0.0) -> None:
    """Count every call of ``store.name`` (and make it slower by ``pause`` seconds)."""
    original = getattr(store, name)

    def counted(*args, **kwargs):
        reads[name] += 1
        time.sleep(pause)
        return original(*args, **kwargs)

    setattr(store, name, counted)


async def open_stream(port: int, code: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET /pz/api/events?{urlencode({'code': code})} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Accept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    return reader, writer


async def next_items(reader: asyncio.StreamReader) -> dict:
    """The data of the next "items" event on a stream (chunked encoding: sizes and data lines)."""
    while True:
        line = await reader.readline()
        assert line, "the stream closed"
        if line.startswith(b"data: "):
            return json.loads(line[len(b"data: ") :])


def test_streams_connecting_together_share_one_read_and_a_busy_pool_never_holds_back_the_change(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'pz.db'}")
    training = store.add_training("Kudde", "mysupport", datetime.now(UTC))
    reads: Counter = Counter()
    # The join code's read is slow, so every stream arrives while the first is still reading.
    counting(store, reads, "find_training_by_code", pause=0.3)
    counting(store, reads, "find_training")  # the read of what is open (the "items" event)

    async def scenario() -> None:
        room = Room.open(store)
        room.events.poll_seconds = 0.1
        server = HTTPServer(Application(handlers(room, "/")))
        sockets = bind_sockets(0, "127.0.0.1")
        server.add_sockets(sockets)
        port = sockets[0].getsockname()[1]
        try:
            streams = await asyncio.gather(*(open_stream(port, training.join_code) for _ in range(STREAMS)))
            first = await asyncio.wait_for(asyncio.gather(*(next_items(reader) for reader, _ in streams)), 30)
            assert [event["items"] for event in first] == [[]] * STREAMS
            assert reads == {"find_training_by_code": 1, "find_training": 1}, reads

            # Every store thread of the phones' requests is taken (a burst of writes): the
            # watcher reads on its own thread, so the change still reaches every phone.
            release = threading.Event()
            busy = [asyncio.ensure_future(room.run(release.wait, 60)) for _ in range(room.pool._max_workers)]
            try:
                await asyncio.to_thread(forms.open_form, store, training.id, 1, FORM, False, datetime.now(UTC))
                changed = await asyncio.wait_for(asyncio.gather(*(next_items(reader) for reader, _ in streams)), 30)
            finally:
                release.set()
                await asyncio.gather(*busy)
            assert all([item["id"] for item in event["items"]] == [FORM] for event in changed)
            for _, writer in streams:
                writer.close()
        finally:
            server.stop()
            room.pool.shutdown(wait=False)

    run_async(scenario(), timeout=90)
    store.close()
