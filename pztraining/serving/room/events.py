"""The push channel to the phones: server-sent events, one stream per phone.

Why server-sent events: the phones only need to *hear* that something opened or closed
(everything they send are plain POSTs with an XSRF token), the browser's EventSource
reconnects by itself after a dropped Wi-Fi, and it is ordinary HTTP, so nothing else
(no websocket upgrade, no extra protocol) has to pass the room's network or a proxy.

The trainer changes what is open from another process (a Voila kernel) through the
database. One watcher per server reads a version counter per training (one cheap query
for all trainings with listening phones) and, when it moved, reads what is open once and
hands the same message to every phone of that training.

**A change costs one write per phone, nothing more.** The message is made once per training
and written straight into each phone's stream by the watcher; a phone's stream waits for
nothing of its own (no queue, no timer, no task woken per message), and one heartbeat round
keeps all idle streams open. Each stream waking its own coroutine (a queue, and a task and a
timer for its heartbeat, made again for every message) cost the server ~140 µs of CPU per
phone and change, written straight in ~60 µs (``benchmarks/scale.py --push-only``): on a
busy machine 5,000 phones of a worker heard a form seconds late. The trainings that changed
together are read in one trip to the store thread, before any phone is written to, so those
reads do not queue for the CPU behind the writes to the phones of the trainings read first.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

#: What hears a training's messages: called with each message's bytes, on the event loop.
#: It must not block (a stream's write only buffers when the phone reads slowly).
Send = Callable[[bytes], None]

log = logging.getLogger(__name__)

#: How often the watcher looks for changes, in seconds (a form appears within this).
POLL_SECONDS = 0.5
#: A comment line this often keeps idle connections open through Wi-Fi access points.
HEARTBEAT_SECONDS = 20.0
#: Streams written to before the watcher lets the event loop serve other requests: a fan-out
#: to thousands of phones must not hold back a page or a POST for its whole length.
SENDS_PER_TURN = 500


def sse_message(event: str, data: dict) -> bytes:
    """One server-sent event (JSON data on one line)."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}\n\n".encode()


HEARTBEAT = b": \n\n"


@dataclass
class _Training:
    listeners: set[Send] = field(default_factory=set)
    version: int = -1
    message: bytes | None = None
    loading: asyncio.Future | None = None  # the first read, shared by every phone that waits for it


class RoomEvents:
    """Listeners per training, and the watcher that tells them about changes.

    ``versions(ids)`` and ``items(id)`` are the store reads (run off the event loop by the
    caller's ``run``); ``items`` returns the data of the "items" event of one training. A
    listener is a ``send`` function, called with every message of its training.
    """

    def __init__(
        self,
        versions: Callable[[list[int]], dict[int, int]],
        items: Callable[[int], dict],
        run: Callable[..., Awaitable],
        poll_seconds: float = POLL_SECONDS,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
    ):
        self._versions = versions
        self._items = items
        self._run = run
        self.poll_seconds = poll_seconds
        self.heartbeat_seconds = heartbeat_seconds
        self._trainings: dict[int, _Training] = {}
        self._task: asyncio.Task | None = None
        self._beaten = 0.0  # when the last heartbeat round was sent (the event loop's clock)

    @property
    def listening(self) -> int:
        """How many phones are connected now."""
        return sum(len(t.listeners) for t in self._trainings.values())

    async def listen(self, training_id: int, send: Send) -> None:
        """Call ``send`` with every message for ``training_id``, starting with the current one now."""
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
            # The training may have been dropped (its last phone left) while this one waited.
            training = self._trainings.setdefault(training_id, training)
        if training.message is not None:
            send(training.message)
        training.listeners.add(send)
        self._ensure_watching()

    def forget(self, training_id: int, send: Send) -> None:
        """Stop sending to ``send`` (its phone went away)."""
        training = self._trainings.get(training_id)
        if training is None:
            return
        training.listeners.discard(send)
        if not training.listeners:
            del self._trainings[training_id]

    def _ensure_watching(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        self._beaten = loop.time()
        while self._trainings:
            await asyncio.sleep(self.poll_seconds)
            try:
                await self.check()
            except Exception:  # a busy database: the next round tries again
                log.warning("room watcher: could not read the store", exc_info=True)
            if loop.time() - self._beaten >= self.heartbeat_seconds:
                self._beaten = loop.time()
                await self.heartbeat()

    async def heartbeat(self) -> None:
        """Send every listener a comment line (an idle connection is not closed on the way)."""
        await self._send(
            [send for training in list(self._trainings.values()) for send in training.listeners], HEARTBEAT
        )

    async def check(self) -> None:
        """Look for changes once and tell the listeners of every training that changed."""
        ids = list(self._trainings)
        if not ids:
            return
        versions = await self._run(self._versions, ids)
        changed = {
            training_id: version
            for training_id, version in versions.items()
            if training_id in self._trainings and version != self._trainings[training_id].version
        }
        if not changed:
            return
        # One trip to the store thread for all of them, before any phone is written to.
        found = await self._run(self._read_items, list(changed))
        for training_id, data in found.items():
            training = self._trainings.get(training_id)
            if training is not None:
                await self._publish(training, changed[training_id], data)

    def _read_items(self, training_ids: list[int]) -> dict[int, dict]:
        """What is open in each training that could be read; the others are read again next round.

        One training that cannot be read (its programme gone from the content, say) must not keep
        every other training's change from its phones, round after round.
        """
        found, failed = {}, []
        for training_id in training_ids:
            try:
                found[training_id] = self._items(training_id)
            except Exception as exc:
                failed.append((training_id, exc))
        if failed:  # one line per round, not one per training (a busy database fails them all)
            log.warning(
                "room watcher: could not read what is open in training(s) %s",
                ", ".join(str(training_id) for training_id, _ in failed),
                exc_info=failed[0][1],
            )
        return found

    async def _refresh(self, training_id: int, training: _Training) -> None:
        version = (await self._run(self._versions, [training_id])).get(training_id, 0)
        data = await self._run(self._items, training_id)
        await self._publish(training, version, data)

    async def _publish(self, training: _Training, version: int, data: dict) -> None:
        training.version = version
        training.message = sse_message("items", {**data, "version": version})
        await self._send(list(training.listeners), training.message)

    async def _send(self, listeners: list[Send], message: bytes) -> None:
        for start in range(0, len(listeners), SENDS_PER_TURN):
            if start:
                await asyncio.sleep(0)  # let the loop serve other requests between batches
            for send in listeners[start : start + SENDS_PER_TURN]:
                try:
                    send(message)
                except Exception:  # one broken stream must not keep the message from the others
                    log.warning("room events: a stream could not be written to", exc_info=True)
