"""The practice block of a meeting and the end of it that bounds a role-play (pure, time passed in)."""

from datetime import UTC, datetime, timedelta

from pztraining.content import load_program
from pztraining.domain import schedule
from pztraining.domain.roleplay import Group, RolePlay, first_practice_meeting, practice_block, with_block_end

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MYSUPPORT = load_program("mysupport").meeting(1)  # Welkom 5, Terugkoppeling 10, Informatiegids 15, Oefenen 60, ...


def fresh() -> RolePlay:
    return RolePlay(Group("Groep 1", ("Aïsha", "Bram", "Carla"), "Fenna", "de-vries", 120, 180))


def run_at_block(index: int) -> schedule.Run:
    run = schedule.start(*MYSUPPORT.lengths(), 120, T0)
    for step in range(index):
        run = schedule.advance(run, T0 + timedelta(minutes=step + 1))
    return run


def test_the_practice_block_is_the_first_block_with_cases_and_none_without_one():
    assert practice_block(MYSUPPORT).id == "oefenen"
    assert practice_block(load_program("ggz").meeting(2)).id == "palliatief-redeneren"
    assert practice_block(load_program("zorgkaart").meeting(1)) is None


def test_the_page_opens_on_the_first_meeting_that_practises_else_the_first_meeting():
    assert first_practice_meeting(load_program("mysupport").meetings) == 1
    zorgkaart = load_program("zorgkaart").meetings
    assert first_practice_meeting(zorgkaart) == zorgkaart[0].number
    assert first_practice_meeting([load_program("zorgkaart").meetings[0], MYSUPPORT]) == MYSUPPORT.number
    assert first_practice_meeting([]) is None


def test_while_the_run_is_in_the_practice_block_its_deadline_bounds_the_turns():
    run = run_at_block(3)  # advanced at 09:01, 09:02, 09:03: Oefenen (60 min) started at 09:03
    state = with_block_end(fresh(), MYSUPPORT, run.to_dict(), T0 + timedelta(minutes=10))
    assert state.block_ends_at == T0 + timedelta(minutes=63)
    assert state.turns_that_fit(T0 + timedelta(minutes=10)) is not None


def test_outside_the_practice_block_or_without_a_run_the_state_is_unchanged():
    state = fresh()
    now = T0 + timedelta(minutes=5)
    assert with_block_end(state, MYSUPPORT, None, now) is state
    assert with_block_end(state, MYSUPPORT, run_at_block(2).to_dict(), now) is state  # still in Informatiegids
    assert with_block_end(state, MYSUPPORT, run_at_block(4).to_dict(), now) is state  # Oefenen is over
    assert with_block_end(state, load_program("zorgkaart").meeting(1), run_at_block(3).to_dict(), now) is state
