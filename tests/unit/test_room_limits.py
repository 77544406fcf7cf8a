"""The room server's own bookkeeping: wrong join codes per client, and who hears about changes."""

import asyncio
import json

from pztraining.serving.room.events import HEARTBEAT, RoomEvents
from pztraining.serving.room.limits import AttemptLimiter
from tests.loops import run_async

# ------------------------------------------------------------------ wrong join codes


run = run_async


def test_twenty_wrong_codes_in_a_minute_block_that_client_until_the_oldest_leaves_the_window():
    limiter = AttemptLimiter(limit=20, window=60.0)
    for second in range(20):
        assert limiter.blocked("10.0.0.7", now=100.0 + second) == 0.0
        limiter.failed("10.0.0.7", now=100.0 + second)
    assert limiter.blocked("10.0.0.7", now=119.5) == 40.5  # the first failure (at 100) leaves at 160
    assert limiter.blocked("10.0.0.8", now=119.5) == 0.0  # another phone in the room is not affected
    assert limiter.blocked("10.0.0.7", now=160.0) == 0.0  # one slot free again
    limiter.failed("10.0.0.7", now=160.0)
    assert limiter.blocked("10.0.0.7", now=160.0) == 1.0  # and used up: wait for the next one (at 101)


def test_mistakes_spread_over_time_never_block():
    limiter = AttemptLimiter(limit=20, window=60.0)
    for minute in range(10):
        for attempt in range(19):
            limiter.failed("10.0.0.7", now=minute * 60.0 + attempt)
        assert limiter.blocked("10.0.0.7", now=minute * 60.0 + 19) == 0.0


def test_clients_that_stopped_trying_are_forgotten():
    limiter = AttemptLimiter(limit=2, window=10.0)
    limiter.failed("a", now=0.0)
    limiter.failed("b", now=0.0)
    assert limiter.blocked("a", now=11.0) == 0.0 and limiter.blocked("b", now=11.0) == 0.0
    assert limiter._failures == {}


# ------------------------------------------------------------------ the event stream


class FakeStore:
    """Version counters and open items per training, changed by the test as the trainer would."""

    def __init__(self):
        self.versions = {1: 1, 2: 1}
        self.reads: list[list[int]] = []
        self.unreadable: set[int] = set()  # trainings whose open items cannot be read now

    def read_versions(self, ids):
        self.reads.append(list(ids))
        return {i: self.versions.get(i, 0) for i in ids}

    def items(self, training_id):
        if training_id in self.unreadable:
            raise RuntimeError("its programme is no longer in the content")
        return {"items": [f"training {training_id} v{self.versions.get(training_id, 0)}"]}


async def _run(function, *args):
    return function(*args)


def _data(message: bytes) -> dict:
    event, data = message.decode().strip().split("\n")
    assert event == "event: items"
    return json.loads(data.removeprefix("data: "))


async def _listen(events: RoomEvents, training_id: int) -> asyncio.Queue:
    """A phone's stream as a queue of the messages written to it."""
    queue: asyncio.Queue = asyncio.Queue()
    await events.listen(training_id, queue.put_nowait)
    return queue


def _drain(queue: asyncio.Queue) -> list[dict]:
    found = []
    while not queue.empty():
        found.append(_data(queue.get_nowait()))
    return found


def test_a_change_reaches_every_listener_of_that_training_and_no_other():
    async def scenario():
        fake = FakeStore()
        events = RoomEvents(fake.read_versions, fake.items, _run, poll_seconds=3600)  # checks by hand
        first, second = await _listen(events, 1), await _listen(events, 1)
        elsewhere = await _listen(events, 2)
        assert events.listening == 3
        # Every new listener starts with what is open now.
        assert _drain(first) == _drain(second) == [{"items": ["training 1 v1"], "version": 1}]
        assert _drain(elsewhere) == [{"items": ["training 2 v1"], "version": 1}]
        await events.check()  # nothing changed: nothing sent
        assert first.empty() and elsewhere.empty()
        fake.versions[1] = 2  # the trainer opened a form in training 1
        await events.check()
        assert _drain(first) == _drain(second) == [{"items": ["training 1 v2"], "version": 2}]
        assert _drain(elsewhere) == []
        assert sorted(fake.reads[-1]) == [1, 2]  # one read of the versions for all trainings

    run(scenario())


def test_a_room_of_phones_arriving_at_once_costs_one_read_and_one_message_each():
    async def scenario():
        fake = FakeStore()
        items_read = []

        async def slow_run(function, *args):
            await asyncio.sleep(0.01)  # the store answers after every phone has asked
            if function == fake.items:
                items_read.append(args)
            return function(*args)

        events = RoomEvents(fake.read_versions, fake.items, slow_run, poll_seconds=3600)
        queues = await asyncio.gather(*(_listen(events, 1) for _ in range(150)))
        assert len(items_read) == 1 and len(fake.reads) == 1
        assert [_drain(queue) for queue in queues] == [[{"items": ["training 1 v1"], "version": 1}]] * 150

    run(scenario())


def test_when_the_first_read_fails_every_waiting_phone_hears_so_and_the_next_one_reads_again():
    async def scenario():
        fake = FakeStore()
        failures = [RuntimeError("database busy")]

        async def failing_once(function, *args):
            await asyncio.sleep(0.01)
            if failures:
                raise failures.pop()
            return function(*args)

        events = RoomEvents(fake.read_versions, fake.items, failing_once, poll_seconds=3600)
        tried = await asyncio.gather(*(_listen(events, 1) for _ in range(3)), return_exceptions=True)
        assert all(isinstance(outcome, RuntimeError) for outcome in tried)
        assert events.listening == 0
        queue = await _listen(events, 1)
        assert _drain(queue) == [{"items": ["training 1 v1"], "version": 1}]

    run(scenario())


def test_the_watcher_finds_a_change_by_itself():
    async def scenario():
        fake = FakeStore()
        events = RoomEvents(fake.read_versions, fake.items, _run, poll_seconds=0.01)
        queue = await _listen(events, 1)
        _drain(queue)
        fake.versions[1] = 5
        message = await asyncio.wait_for(queue.get(), timeout=2)
        assert _data(message)["version"] == 5
        events.forget(1, queue.put_nowait)

    run(scenario())


def test_a_phone_that_went_away_is_forgotten():
    async def scenario():
        fake = FakeStore()
        events = RoomEvents(fake.read_versions, fake.items, _run, poll_seconds=3600)
        gone, staying = await _listen(events, 1), await _listen(events, 1)
        events.forget(1, gone.put_nowait)
        _drain(gone), _drain(staying)
        assert events.listening == 1
        fake.versions[1] = 2
        await events.check()
        assert gone.empty() and len(_drain(staying)) == 1
        events.forget(1, staying.put_nowait)
        events.forget(1, staying.put_nowait)  # twice (closed and finished) is fine
        events.forget(7, staying.put_nowait)  # a training nobody listens to is fine
        assert events.listening == 0
        fake.reads.clear()
        await events.check()
        assert fake.reads == []  # no phones: no queries

    run(scenario())


def test_a_stream_that_cannot_be_written_to_does_not_keep_the_change_from_the_others():
    async def scenario():
        fake = FakeStore()
        events = RoomEvents(fake.read_versions, fake.items, _run, poll_seconds=3600)
        first = await _listen(events, 1)
        gone = []

        def broken(message: bytes) -> None:
            if gone:
                raise OSError("the phone's connection broke")

        await events.listen(1, broken)
        last = await _listen(events, 1)
        _drain(first), _drain(last)
        gone.append(True)
        fake.versions[1] = 2
        await events.check()
        assert _drain(first) == _drain(last) == [{"items": ["training 1 v2"], "version": 2}]

    run(scenario())


def test_every_listening_phone_hears_a_heartbeat_while_nothing_changes():
    async def scenario():
        fake = FakeStore()
        events = RoomEvents(fake.read_versions, fake.items, _run, poll_seconds=0.01, heartbeat_seconds=0.05)
        phones = [await _listen(events, 1), await _listen(events, 1), await _listen(events, 2)]
        for phone in phones:
            _drain(phone)
        beats = await asyncio.wait_for(asyncio.gather(*(phone.get() for phone in phones)), timeout=2)
        assert beats == [HEARTBEAT] * 3
        for training_id, phone in zip((1, 1, 2), phones):
            events.forget(training_id, phone.put_nowait)

    run(scenario())


def test_a_training_whose_state_cannot_be_read_does_not_keep_a_change_from_the_other_trainings():
    async def scenario():
        fake = FakeStore()
        events = RoomEvents(fake.read_versions, fake.items, _run, poll_seconds=3600)
        broken, fine = await _listen(events, 1), await _listen(events, 2)
        _drain(broken), _drain(fine)
        fake.unreadable.add(1)
        fake.versions[1] = fake.versions[2] = 2  # both changed in the same round
        await events.check()
        assert _drain(fine) == [{"items": ["training 2 v2"], "version": 2}]
        assert broken.empty()
        fake.unreadable.clear()  # readable again: the next round tells its phones
        await events.check()
        assert _drain(broken) == [{"items": ["training 1 v2"], "version": 2}]

    run(scenario())
