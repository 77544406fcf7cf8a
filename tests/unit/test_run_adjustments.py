"""The run of a meeting re-plans with a fake clock: next, +5 min, skip, keeping the end time."""

from datetime import UTC, datetime, timedelta

import pytest

from pztraining.domain import schedule
from pztraining.domain.schedule import Run, ScheduleError

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
PLANNED = [5, 10, 15, 60, 20, 10]  # the mySupport draaiboek
MINIMA = [5, 5, 10, 45, 15, 10]


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def hhmm(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def test_a_started_meeting_runs_the_first_block_with_its_deadline():
    run = schedule.start(PLANNED, MINIMA, 120, T0)
    view = schedule.project(run, at(2))
    assert view.current.index == 0
    assert view.remaining_seconds == 180
    assert hhmm(view.current.end) == "08:05"
    assert [hhmm(s.start) for s in view.upcoming] == ["08:05", "08:15", "08:30", "09:30", "09:50"]
    assert hhmm(view.end) == "10:00" and view.late_seconds == 0


def test_finishing_a_block_early_pulls_the_rest_forward():
    run = schedule.advance(schedule.start(PLANNED, MINIMA, 120, T0), at(3))
    view = schedule.project(run, at(3))
    assert view.current.index == 1 and view.remaining_seconds == 600
    assert hhmm(view.end) == "09:58"
    assert view.late_seconds == -120


def test_overrun_counts_up_and_shifts_the_end_when_not_keeping_it():
    run = schedule.start(PLANNED, MINIMA, 120, T0)
    view = schedule.project(run, at(8))
    assert view.overrun and view.remaining_seconds == -180
    assert hhmm(view.upcoming[0].start) == "08:08"
    assert view.late_seconds == 180


def test_extending_the_current_block_moves_its_deadline_and_the_end():
    run = schedule.extend(schedule.start(PLANNED, MINIMA, 120, T0), at(1), minutes=5)
    view = schedule.project(run, at(1))
    assert hhmm(view.current.end) == "08:10"
    assert view.late_seconds == 300


def test_keeping_the_end_time_shortens_later_blocks_down_to_their_minima():
    run = schedule.set_keep_end(schedule.extend(schedule.start(PLANNED, MINIMA, 120, T0), at(1), 5), True)
    view = schedule.project(run, at(1))
    assert hhmm(view.end) == "10:00" and view.late_seconds == 0
    lengths = [s.minutes for s in view.upcoming]
    assert sum(lengths) == 110
    assert all(length >= MINIMA[s.index] for length, s in zip(lengths, view.upcoming))


def test_when_the_end_cannot_be_kept_it_says_by_how_much_it_runs_over():
    run = schedule.set_keep_end(schedule.start(PLANNED, MINIMA, 120, T0), True)
    view = schedule.project(run, at(40))  # Welkom ran 35 minutes over
    assert [s.minutes for s in view.upcoming] == MINIMA[1:]
    assert view.late_seconds == (40 + sum(MINIMA[1:]) - 120) * 60


def test_the_next_block_starts_with_its_replanned_length_when_keeping_the_end():
    run = schedule.set_keep_end(schedule.start(PLANNED, MINIMA, 120, T0), True)
    run = schedule.advance(run, at(15))  # Welkom took 15 instead of 5
    assert run.current == 1
    assert run.current_seconds < 10 * 60
    assert hhmm(schedule.project(run, at(15)).end) == "10:00"


def test_skipping_a_later_block_removes_it_from_the_plan():
    run = schedule.skip(schedule.start(PLANNED, MINIMA, 120, T0), 2, at(1))
    view = schedule.project(run, at(1))
    assert [s.index for s in view.upcoming] == [1, 3, 4, 5]
    assert view.late_seconds == -15 * 60
    run = schedule.advance(schedule.advance(run, at(5)), at(15))
    assert run.current == 3


def test_skipping_the_current_block_moves_on_and_records_it_as_skipped():
    run = schedule.skip(schedule.start(PLANNED, MINIMA, 120, T0), 0, at(1))
    assert run.current == 1 and run.finished[0].skipped


def test_the_last_next_ends_the_meeting():
    run = schedule.start([5, 5], [5, 5], 10, T0)
    run = schedule.advance(schedule.advance(run, at(5)), at(11))
    assert run.is_over and hhmm(run.ended_at) == "08:11"
    with pytest.raises(ScheduleError, match="al afgelopen"):
        schedule.advance(run, at(12))


def test_a_run_survives_a_round_trip_through_json():
    run = schedule.skip(
        schedule.extend(schedule.advance(schedule.start(PLANNED, MINIMA, 100, T0), at(4)), at(5), 5), 4, at(6)
    )
    assert Run.from_dict(run.to_dict()) == run


def test_a_skipped_or_past_block_cannot_be_skipped_again():
    run = schedule.advance(schedule.start(PLANNED, MINIMA, 120, T0), at(5))
    with pytest.raises(ScheduleError):
        schedule.skip(run, 0, at(6))


# ---------------------------------------------------------------- the reducer over stored runs


def test_next_block_is_positional_and_plus_five_is_additive():
    assert schedule.checks_version(schedule.Advance()) and schedule.checks_version(schedule.SkipNext())
    assert schedule.checks_version(schedule.Start((5,), (5,), 5)) and schedule.checks_version(schedule.Reset())
    assert not schedule.checks_version(schedule.Extend(5)) and not schedule.checks_version(schedule.KeepEnd(True))


def test_stored_runs_change_through_the_reducer():
    state = schedule.step(None, schedule.Start(tuple(PLANNED), tuple(MINIMA), 120), T0)
    state = schedule.step(state, schedule.Extend(5), at(1))
    state = schedule.step(state, schedule.Advance(), at(3))
    state = schedule.step(state, schedule.SkipNext(), at(4))
    run = Run.from_dict(state)
    assert run.current == 1 and run.skipped == {2} and run.finished[0].end == at(3)
    assert schedule.step(state, schedule.Reset(), at(5)) is None
    with pytest.raises(ScheduleError, match="al gestart"):
        schedule.step(state, schedule.Start(tuple(PLANNED), tuple(MINIMA), 120), at(5))
    with pytest.raises(ScheduleError, match="niet gestart"):
        schedule.step(None, schedule.Advance(), at(5))


def test_skipping_after_the_last_block_is_refused():
    run = schedule.start([5, 10], [5, 5], 15, T0)
    state = schedule.step(run.to_dict(), schedule.Advance(), at(5))
    with pytest.raises(ScheduleError, match="laatste blok"):
        schedule.step(state, schedule.SkipNext(), at(6))


def test_a_page_opens_on_the_running_meeting_else_the_next_dated_one():
    from datetime import date

    today = date(2026, 11, 23)
    dates = {1: date(2026, 11, 1), 2: date(2026, 12, 1), 3: None}
    assert schedule.default_meeting(dates, {}, today) == 2
    running = schedule.start(PLANNED, MINIMA, 120, T0).to_dict()
    over = schedule.step(schedule.start([5], [5], 5, T0).to_dict(), schedule.Advance(), at(5))
    assert schedule.default_meeting(dates, {1: over, 3: running}, today) == 3
    assert schedule.default_meeting({1: None, 2: None}, {}, today) == 1
