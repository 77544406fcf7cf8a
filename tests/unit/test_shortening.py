from datetime import datetime

import pytest

from pztraining.content import load_program
from pztraining.domain.agenda import plan_meeting
from pztraining.domain.schedule import ScheduleError, shorten, slot_at, timeline


def _mysupport():
    return load_program("mysupport").meeting(1)


@pytest.mark.parametrize("program_id", ["mysupport", "ggz"])
def test_shortening_to_every_whole_target_adds_up_and_respects_minima(program_id):
    for meeting in load_program(program_id).meetings:
        planned = [b.minutes for b in meeting.blocks]
        minima = [b.minimum for b in meeting.blocks]
        for target in range(meeting.minimum_minutes, meeting.minutes + 1):
            lengths = shorten(planned, minima, target)
            assert sum(lengths) == target
            assert all(m <= x <= p for x, m, p in zip(lengths, minima, planned)), (target, lengths)


def test_mysupport_can_be_shortened_from_120_to_90_as_the_draaiboek_allows():
    meeting = _mysupport()
    assert meeting.minutes == 120
    assert meeting.minimum_minutes == 90


def test_shortening_takes_time_in_proportion_to_what_blocks_can_give():
    # Slack 0, 10, 30: cutting 20 takes 5 from the second and 15 from the third.
    assert shorten([10, 20, 60], [10, 10, 30], 70) == [10, 15, 45]


def test_shortening_never_touches_protected_blocks():
    meeting = _mysupport()
    protected = [i for i, b in enumerate(meeting.blocks) if b.minimum == b.minutes]
    assert protected, "mySupport has blocks that may not be shortened (Welkom, Vervolg)"
    lengths = shorten([b.minutes for b in meeting.blocks], [b.minimum for b in meeting.blocks], 100)
    for i in protected:
        assert lengths[i] == meeting.blocks[i].minutes


def test_shortening_to_the_planned_length_changes_nothing():
    assert shorten([5, 10, 15], [5, 5, 5], 30) == [5, 10, 15]


def test_a_target_below_the_minimum_or_above_the_plan_is_refused_in_dutch():
    with pytest.raises(ScheduleError, match=r"korter dan het minimum .* \(90 min\)"):
        shorten([b.minutes for b in _mysupport().blocks], [b.minimum for b in _mysupport().blocks], 89)
    with pytest.raises(ScheduleError, match="langer dan gepland \\(120 min\\)"):
        shorten([b.minutes for b in _mysupport().blocks], [b.minimum for b in _mysupport().blocks], 121)


def test_blocks_get_clock_times_from_the_start_time():
    rows = plan_meeting(_mysupport(), datetime(2026, 11, 23, 9, 0))
    assert [f"{r.start:%H:%M}" for r in rows] == ["09:00", "09:05", "09:15", "09:30", "10:30", "10:50"]
    assert f"{rows[-1].end:%H:%M}" == "11:00"


def test_the_running_block_and_its_remaining_seconds_follow_the_clock():
    slots = timeline([5, 10], datetime(2026, 1, 1, 9, 0))
    assert slot_at(slots, datetime(2026, 1, 1, 8, 59)) == (None, 60)
    slot, remaining = slot_at(slots, datetime(2026, 1, 1, 9, 3, 30))
    assert (slot.index, remaining) == (0, 90)
    slot, remaining = slot_at(slots, datetime(2026, 1, 1, 9, 5))
    assert (slot.index, remaining) == (1, 600)
    assert slot_at(slots, datetime(2026, 1, 1, 9, 17)) == (None, -120)
