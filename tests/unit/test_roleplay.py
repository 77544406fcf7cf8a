"""The role-play rotation with a fake clock."""

from datetime import UTC, datetime, timedelta

import pytest

from pztraining.domain.roleplay import (
    PLANNED_REFLECTION_SECONDS,
    Group,
    RolePlay,
    RolePlayError,
    reduce,
    split_groups,
    turns_in_block,
)

T0 = datetime(2026, 11, 23, 9, 20, tzinfo=UTC)
FIVE = ("Aïsha", "Bram", "Carla", "Dewi", "Eef")


def group(**kw) -> Group:
    values = {
        "name": "Groep 1",
        "members": FIVE,
        "facilitator": "Fenna",
        "case_id": "de-vries",
        "turn_seconds": 120,
        "reflection_seconds": 180,
    }
    values.update(kw)
    return Group(**values)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def act(state, action, seconds):
    new, _ = reduce(state, action, at(seconds))
    return new


def test_a_full_60_minute_block_with_five_members_gives_twelve_turns_then_none_fits():
    g = group()
    state = RolePlay(g, block_ends_at=at(60 * 60))
    assert turns_in_block(60 * 60, g) == 12
    now, log = 0, []
    while state.turns_that_fit(at(now)) > 0:
        state, _ = reduce(state, "start", at(now))
        now += 120
        state, records = reduce(state, "stop", at(now))
        log += records
        now += 180
        state, _ = reduce(state, "next", at(now))
    assert len(log) == 12
    assert [r.member for r in log[:6]] == list(FIVE) + ["Aïsha"]
    assert all(r.actual_seconds == 120 == r.planned_seconds for r in log)
    assert state.turns_that_fit(at(now)) == 0 and state.block_remaining_seconds(at(now)) == 0


def test_who_is_up_and_who_is_next_follow_the_order_and_wrap_around():
    state = RolePlay(group(members=("A", "B", "C")))
    seen = []
    for i in range(4):
        seen.append((state.member, state.next_member))
        state = act(act(act(state, "start", i * 10), "stop", i * 10 + 5), "next", i * 10 + 6)
    assert seen == [("A", "B"), ("B", "C"), ("C", "A"), ("A", "B")]


def test_pause_and_resume_keep_the_remaining_time_exact_to_the_second():
    state = act(RolePlay(group()), "start", 0)
    state = act(state, "pause", 50)
    assert state.remaining_seconds(at(50)) == 70
    assert state.remaining_seconds(at(500)) == 70  # frozen while paused
    state = act(state, "resume", 500)
    assert state.remaining_seconds(at(500)) == 70
    assert state.remaining_seconds(at(569)) == 1
    state, [record] = reduce(state, "stop", at(570))
    assert record.actual_seconds == 120 and record.paused_seconds == 450


def test_overtime_counts_up_and_is_logged_as_played():
    state = act(RolePlay(group()), "start", 0)
    assert state.remaining_seconds(at(125)) == -5
    _, [record] = reduce(state, "stop", at(131))
    assert record.actual_seconds == 131 and record.planned_seconds == 120


def test_thirty_seconds_more_extends_the_turn_and_its_planned_length():
    state = act(act(RolePlay(group()), "start", 0), "extend", 100)
    assert state.remaining_seconds(at(100)) == 50
    _, [record] = reduce(state, "stop", at(150))
    assert record.planned_seconds == 150


def test_harder_is_offered_from_the_third_turn_on():
    state = RolePlay(group())
    assert not state.can_choose_variant
    with pytest.raises(RolePlayError, match="vanaf de derde beurt"):
        reduce(state, "moeilijker", at(0))
    for i in range(2):
        state = act(act(act(state, "start", i), "stop", i + 0.5), "next", i + 0.7)
    assert state.turn == 3 and state.can_choose_variant and state.variant == "herhalen"
    state = act(state, "moeilijker", 5)
    state, [record] = reduce(act(state, "start", 6), "stop", at(100))
    assert record.variant == "moeilijker" and record.number == 3


def test_skipping_a_member_moves_to_the_next_without_logging_a_turn():
    state = act(RolePlay(group()), "skip", 0)
    assert state.member == "Bram" and state.skipped == ("Aïsha",)
    state, records = reduce(state, "start", at(1))
    assert records == [] and state.member == "Bram"


def test_ending_during_a_turn_logs_that_turn():
    state = act(RolePlay(group()), "start", 0)
    state, [record] = reduce(state, "end", at(40))
    assert state.phase == "done" and record.actual_seconds == 40
    with pytest.raises(RolePlayError, match="afgelopen"):
        reduce(state, "start", at(41))


@pytest.mark.parametrize(
    "action, phase",
    [("stop", "ready"), ("next", "ready"), ("pause", "ready"), ("resume", "ready"), ("extend", "ready")],
)
def test_actions_out_of_turn_are_refused_in_dutch(action, phase):
    with pytest.raises(RolePlayError):
        reduce(RolePlay(group()), action, at(0))


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"members": ()}, "minstens 2"),
        ({"members": ("Alleen",)}, "minstens 2"),
        ({"turn_seconds": 0}, "hoogstens 30 minuten"),
        ({"turn_seconds": 31 * 60}, "hoogstens 30 minuten"),
        ({"members": ("A", "A", "B")}, "maar één keer"),
    ],
)
def test_bad_groups_are_refused_with_a_dutch_message(kw, message):
    with pytest.raises(RolePlayError, match=message):
        group(**kw)


def test_the_state_survives_a_round_trip_through_json():
    state = act(act(RolePlay(group(), block_ends_at=at(3600)), "start", 0), "pause", 30)
    assert RolePlay.from_dict(state.to_dict()) == state


def test_a_turn_running_counts_against_the_turns_that_still_fit():
    state = RolePlay(group(), block_ends_at=at(600))  # 10 minutes: two cycles of 5
    assert state.turns_that_fit(at(0)) == 2
    state = act(state, "start", 0)
    assert state.turns_that_fit(at(0)) == 1


def test_an_empty_reflection_counts_as_planned_not_as_zero_seconds():
    # 60 minutes of 2-minute turns with the reflection left free ("leeg = vrij"): the page said
    # "past nog 29 beurten" because the free reflection counted as 0 s.
    free = group(reflection_seconds=None)
    assert PLANNED_REFLECTION_SECONDS == 180
    state = RolePlay(free, block_ends_at=at(60 * 60))
    assert state.turns_that_fit(at(0)) == 12 == turns_in_block(60 * 60, free)
    state = act(state, "start", 0)  # the turn being played is not among those still to come
    assert state.turns_that_fit(at(0)) == 11
    state = act(state, "stop", 120)  # an untimed reflection: the rest of the planned 3 minutes
    assert state.turns_that_fit(at(120)) == 11
    assert state.turns_that_fit(at(120 + 179)) == 11
    # A reflection that runs over planned takes what is left of the block, nothing more.
    assert state.turns_that_fit(at(60 * 60 - 299)) == 0
    assert state.turns_that_fit(at(60 * 60 - 300)) == 1


def test_a_timed_reflection_counts_with_its_own_length_and_nothing_fits_after_the_end():
    state = RolePlay(group(reflection_seconds=60), block_ends_at=at(600))  # 10 min of 3-minute cycles
    assert state.turns_that_fit(at(0)) == 3
    state = act(state, "end", 0)
    assert state.turns_that_fit(at(0)) == 0


@pytest.mark.parametrize("n", range(3, 21))
def test_groups_of_three_to_twenty_are_split_as_the_source_advises(n):
    plan = split_groups(n)
    assert sum(plan.sizes) == n
    assert len(plan.sizes) == (1 if n < 6 else 2)
    assert max(plan.sizes) - min(plan.sizes) <= 1
    too_big = any(size > 5 for size in plan.sizes)
    assert too_big == any("het advies is 3 tot 5" in w for w in plan.warnings)


def test_more_than_ten_sharing_one_simulant_is_warned():
    plan = split_groups(12, simulants=1)
    assert plan.sizes == (12,)
    assert any("meer dan 10 deelnemers delen één simulant" in w for w in plan.warnings)
    assert not any("simulant" in w for w in split_groups(10, simulants=1).warnings if "delen" in w)


def test_fewer_than_two_participants_cannot_practise():
    with pytest.raises(RolePlayError):
        split_groups(1)
