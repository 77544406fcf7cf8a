"""The pure helpers of benchmarks/room.py: the figures in its table are only as good as these."""

from __future__ import annotations

import math
import random

from benchmarks.room import SseParser, duration, percentile, spread, verdict, write_times


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 100) == 100
    assert percentile([3.0], 95) == 3.0


def test_a_page_that_never_arrived_counts_as_slowest():
    values = [0.1] * 19 + [math.inf]
    assert percentile(values, 95) == 0.1
    assert percentile(values, 100) == math.inf
    assert percentile([0.1] * 18 + [math.inf] * 2, 95) == math.inf


def test_durations_read_in_ms_below_a_second_and_never_arrived_as_a_dash():
    assert duration(0.0042) == "4.2 ms"
    assert duration(0.0375) == "38 ms"
    assert duration(13.04) == "13.0 s"
    assert duration(math.inf) == "—"
    assert spread([0.01, 0.02, 0.03]) == "p50 20 ms / p95 30 ms / max 30 ms"


def test_verdict_is_met_up_to_the_goal_itself():
    assert verdict(0.05, 0.05) == "met"
    assert verdict(0.0501, 0.05) == "not met"


def test_each_phone_writes_at_sorted_moments_within_the_minute():
    times = write_times(random.Random(1), 11, 60.0)
    assert len(times) == 11
    assert times == sorted(times)
    assert all(0 <= t < 60 for t in times)


def test_events_are_found_across_chunks_and_the_retry_block_and_heartbeats_are_skipped():
    parser = SseParser()
    assert parser.feed(b"retry: 3000\n\n") == []
    assert parser.feed(b'event: items\ndata: {"items": [],') == []
    assert parser.feed(b' "version": 2}\n\n: \n\nevent: items\r\ndata: {}\r\n\r\n') == [
        ("items", '{"items": [], "version": 2}'),
        ("items", "{}"),
    ]
