"""The countdown widget: the kernel sends deadlines and answers the browser's clock pings."""

from datetime import UTC, datetime

from pztraining.ui.countdown import Countdown


def test_count_to_sends_the_deadline_in_epoch_milliseconds():
    countdown = Countdown()
    countdown.pause_at(42)
    countdown.count_to(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), label="Welkom")
    assert countdown.deadline_ms == datetime(2026, 11, 23, 9, 0, tzinfo=UTC).timestamp() * 1000
    assert countdown.paused_remaining_ms is None and countdown.label == "Welkom"


def test_a_ping_is_answered_with_the_kernels_clock_for_skew_correction():
    countdown = Countdown(clock=lambda: 1_700_000_000.25)
    sent = []
    countdown.send = sent.append
    countdown._answer_ping(countdown, {"type": "ping", "t0": 123.0}, [])
    countdown._answer_ping(countdown, {"type": "something else"}, [])
    assert sent == [{"type": "pong", "t0": 123.0, "server": 1_700_000_000_250.0}]
