"""The room server's log under a flood: a line repeated thousands of times is written a few times and counted."""

import logging

from pztraining.core.texts import t
from pztraining.serving.log_repeats import RepeatLimit


def record(msg: str, *args, created: float, name: str = "tornado.access", level: int = logging.WARNING):
    found = logging.LogRecord(name, level, __file__, 1, msg, args, None)
    found.created = created
    return found


def test_a_flood_of_one_line_lets_ten_through_a_minute_and_then_says_how_many_were_held_back():
    said = []
    limit = RepeatLimit(limit=10, window=60.0, emit=said.append)
    passed = [
        limit.filter(record("%d %s %.2fms", 429, f"GET /pz/api/events?n={n}", 0.5, created=1000.0 + n / 100))
        for n in range(5000)
    ]
    assert sum(passed) == 10 and passed[:10] == [True] * 10
    assert said == []  # the window is still open
    assert limit.filter(record("%d %s %.2fms", 429, "GET /", 0.5, created=1061.0))
    [summary] = said
    assert summary.name == "tornado.access" and summary.levelno == logging.WARNING
    assert summary.getMessage() == t("log.repeats_suppressed", count=4990, seconds="60", template="%d %s %.2fms")


def test_other_lines_and_other_loggers_are_not_held_back_by_a_flood():
    limit = RepeatLimit(limit=2, window=60.0, emit=lambda r: None)
    for n in range(100):
        limit.filter(record("%d %s %.2fms", 429, "GET /", 0.5, created=1000.0 + n / 100))
    assert limit.filter(
        record("room watcher: could not read the store", name="pztraining.serving.room.events", created=1001.0)
    )
    assert limit.filter(record("%d %s %.2fms", 500, "GET /", 0.5, level=logging.ERROR, created=1001.0))


def test_a_record_checked_by_its_logger_and_again_by_a_handler_counts_once():
    limit = RepeatLimit(limit=3, window=60.0, emit=lambda r: None)
    for n in range(3):
        one = record("same %s", n, created=1000.0 + n)
        assert limit.filter(one) and limit.filter(one)
    assert not limit.filter(record("same %s", 4, created=1004.0))


def test_a_window_without_held_back_lines_says_nothing():
    said = []
    limit = RepeatLimit(limit=10, window=60.0, emit=said.append)
    for n in range(10):
        limit.filter(record("ordinary %s", n, created=1000.0 + n))
    limit.flush(2000.0)
    assert said == []


def test_a_flood_of_ever_new_lines_does_not_grow_the_memory_without_bound():
    limit = RepeatLimit(limit=1, window=60.0, emit=lambda r: None, max_kinds=50)
    for n in range(10_000):
        limit.filter(record(f"unique line {n}", created=1000.0))
    assert len(limit._windows) == 50
