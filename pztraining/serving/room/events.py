"""The push channel to the phones: server-sent events, one stream per phone.

Why server-sent events: the phones only need to *hear* that something opened or closed
(everything they send are plain POSTs with an XSRF token), the browser's EventSource
reconnects by itself after a dropped Wi-Fi, and it is ordinary HTTP, so nothing else
(no websocket upgrade, no extra protocol) has to pass the room's network or a proxy.

The trainer changes what is open from another process (a Voila kernel) through the
database. One watcher per server reads a version counter per training (one cheap query
for all trainings with listening phones) and, when it moved, reads what is open once and
hands the same message to every phone of that training.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

#: How often the watcher looks for changes, in seconds (a form appears within this).
POLL_SECONDS = 0.5
#: A comment line this often keeps idle connections open through Wi-Fi access points.
HEARTBEAT_SECONDS = 20.0


def sse_message(event: str, data: dict) -> bytes:
    """One server-sent event (JSON data on one line)."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}\n\n".encode()


HEARTBEAT = b": \n\n"


@dataclass
class _Training:
    listeners: set[asyncio.Queue] = field(default_factory=set)
    version: int = -1
    message: bytes | None = None
    loading: asyncio.Future | None = None  # the first read, shared by every phone that waits for it


class RoomEvents:
    """Listeners per training, and the watcher that tells them about changes.

    ``versions(ids)`` and ``items(id)`` are the store reads (run off the event loop by the
    caller's ``run``); ``items`` returns the data of the "items" event of one training.
    """

    def __init__(
        self,
        versions: Callable[[list[int]], dict[int, int]],
        items: Callable[[int], dict],
        run: Callable[..., Awaitable],
        poll_seconds: float = POLL_SECONDS,
    ):
        self._versions = versions
        self._items = items
        self._run = run
        self.poll_seconds = poll_seconds
        self._trainings: dict[int, _Training] = {}
        self._task: asyncio.Task | None = None

    @property
    def listening(self) -> int:
        """How many phones are connected now."""
        return sum(len(t.listeners) for t in self._trainings.values())

    async def listen(self, training_id: int) -> asyncio.Queue:
        """A queue that receives every message for ``training_id``, starting with the current one."""
        training = self._trainings.setdefault(training_id, _Training())
        if training.message is None:
            # One read for all the phones that arrive before the first is answered: each
            # reading again and telling everyone cost a room of N phones N² messages (a
            # full room joining at once kept the server busy for seconds).
            if training.loading is None or training.loading.done():
                training.loading = asyncio.ensure_future(self._refresh(training_id, training))
            try:
                await asyncio.shield(training.loading)
            except Exception:  # not a cancelled phone: the read goes on for the others
                if not training.listeners and self._trainings.get(training_id) is training:
                    del self._trainings[training_id]  # the store failed: the next phone reads again
                raise
        queue: asyncio.Queue = asyncio.Queue()
        if training.message is not None:
            queue.put_nowait(training.message)
        training.listeners.add(queue)
        self._ensure_watching()
        return queue

    def forget(self, training_id: int, queue: asyncio.Queue) -> None:
        """Stop sending to ``queue`` (its phone went away)."""
        training = self._trainings.get(training_id)
        if training is None:
            return
        training.listeners.discard(queue)
        if not training.listeners:
            del self._trainings[training_id]

    def _ensure_watching(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        while self._trainings:
            await asyncio.sleep(self.poll_seconds)
            try:
                await self.check()
            except Exception:  # a busy database: the next round tries again
                log.warning("room watcher: could not read the store", exc_info=True)

    async def check(self) -> None:
        """Look for changes once and tell the listeners of every training that changed."""
        ids = list(self._trainings)
        if not ids:
            return
        versions = await self._run(self._versions, ids)
        for training_id, version in versions.items():
            training = self._trainings.get(training_id)
            if training is not None and version != training.version:
                await self._refresh(training_id, training, version)

    async def _refresh(self, training_id: int, training: _Training, version: int | None = None) -> None:
        if version is None:
            version = (await self._run(self._versions, [training_id])).get(training_id, 0)
        data = await self._run(self._items, training_id)
        training.version = version
        training.message = sse_message("items", {**data, "version": version})
        for queue in list(training.listeners):
            queue.put_nowait(training.message)
