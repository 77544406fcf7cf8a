"""Casuïstiekbesprekingen: a recurring meeting, its agreed actions, and the count of held discussions."""

from __future__ import annotations

from datetime import UTC, date

import pytest

from pztraining.content import load_program
from pztraining.content.errors import ContentError
from pztraining.content.loader import validate_data
from pztraining.core.errors import InputRefused
from pztraining.services.discussions import (
    HeldDiscussion,
    Period,
    carried_over,
    checked_action,
    count_per_period,
    half_years,
    quarters,
)
from pztraining.services.kartrekker.gather import case_discussions_for
from pztraining.store import MissingEntry

PROGRAM = "casuistiekbespreking"
DATES = (date(2026, 1, 15), date(2026, 4, 16), date(2026, 7, 16), date(2026, 10, 15))


def _series(store, clock, organisation="Hospice De Kaap", dates=DATES):
    return store.add_training("Casuïstiek regio Zuid", PROGRAM, clock(), organisation, dates)


# ---------------------------------------------------------------- the recurring programme


def test_the_case_discussion_is_one_agenda_repeated_quarterly_for_a_year():
    program = load_program(PROGRAM)
    assert [m.number for m in program.meetings] == [1, 2, 3, 4]
    assert [m.weeks_after_previous for m in program.meetings] == [None, 13, 13, 13]
    assert {m.minutes for m in program.meetings} == {90} and program.minutes == 360
    agendas = {tuple(b.id for b in m.blocks) for m in program.meetings}
    assert len(agendas) == 1  # the same fixed agenda every time
    assert [m.preparation_form for m in program.meetings] == ["casus-inbreng"] * 4
    assert program.meeting(3).title == "Casuïstiekbespreking 3"


def test_hospice_ggz_says_it_is_meant_to_run_twice_a_year():
    assert load_program("hospice-ggz").trainings_per_year == 2
    assert load_program("hospice-ggz").recurrence is None


def test_a_recurring_programme_whose_minutes_do_not_add_up_is_refused_in_dutch():
    data = {
        "schema_version": 1,
        "kind": "program",
        "id": "reeks",
        "title": "Reeks",
        "source": "eigen",
        "audience": "team",
        "summary": "reeks",
        "minutes": 100,
        "recurrence": {"every_weeks": 4, "count": 3},
        "meetings": [
            {
                "number": 1,
                "title": "Overleg",
                "minutes": 30,
                "goal": "doel",
                "blocks": [
                    {
                        "id": "a",
                        "title": "A",
                        "minutes": 30,
                        "leads": ["voorzitter"],
                        "goal": "g",
                        "instructions": ["i"],
                    }
                ],
            }
        ],
    }
    with pytest.raises(ContentError) as error:
        validate_data(data, "reeks.yaml")
    assert "de bijeenkomsten duren samen 90 minuten, maar het programma is 100 minuten" in str(error.value)
    data["minutes"] = 90
    assert [m.number for m in validate_data(data, "reeks.yaml").meetings] == [1, 2, 3]


def test_a_mistake_in_the_recurring_meeting_is_named_once_where_it_is_written():
    data = {
        "schema_version": 1,
        "kind": "program",
        "id": "reeks",
        "title": "Reeks",
        "source": "eigen",
        "audience": "team",
        "summary": "reeks",
        "minutes": 60,
        "recurrence": {"every_weeks": 4, "count": 2},
        "meetings": [
            {
                "number": 1,
                "title": "Overleg",
                "minutes": 30,
                "goal": "doel",
                "blocks": [
                    {
                        "id": "a",
                        "title": "A",
                        "minutes": 30,
                        "min_minutes": 40,
                        "leads": ["voorzitter"],
                        "goal": "g",
                        "instructions": ["i"],
                    }
                ],
            }
        ],
    }
    with pytest.raises(ContentError) as error:
        validate_data(data, "reeks.yaml")
    assert [(p.path, p.message) for p in error.value.problems] == [
        ("meetings[0].blocks[0]", "min_minutes (40) is groter dan minutes (30)")
    ]


# ---------------------------------------------------------------- agreed actions in the store


def test_actions_are_stored_as_typed_and_marked_done(any_store, clock):
    store = any_store
    training = _series(store, clock)
    typed = "  Bel het ggz-consultatieteam over =onrust 's nachts  "
    action = store.add_case_action(training.id, 1, typed, "Fatima (wijkverpleging)", date(2026, 2, 1), clock())
    [stored] = store.list_case_actions(training.id)
    assert (stored.text, stored.who, stored.due, stored.done) == (
        typed,
        "Fatima (wijkverpleging)",
        date(2026, 2, 1),
        False,
    )
    store.set_case_action_done(action.id, True)
    assert store.list_case_actions(training.id, meeting=1)[0].done
    assert store.list_case_actions(training.id, meeting=2) == []


def test_an_action_without_text_or_who_is_refused_in_dutch_and_nothing_is_stored(store, clock):
    training = _series(store, clock)
    with pytest.raises(InputRefused, match="Schrijf eerst op wat er is afgesproken"):
        store.add_case_action(training.id, 1, *checked_action("   ", "Jan"), None, clock())
    with pytest.raises(InputRefused, match="wie de afspraak uitvoert"):
        store.add_case_action(training.id, 1, *checked_action("Overleg met de huisarts", " "), None, clock())
    with pytest.raises(InputRefused, match="hoogstens 1000 tekens"):
        store.add_case_action(training.id, 1, *checked_action("x" * 1001, "Jan"), None, clock())
    assert store.list_case_actions(training.id) == []


def test_a_removed_action_is_gone_and_changing_it_again_says_so(store, clock):
    training = _series(store, clock)
    action = store.add_case_action(training.id, 1, "Verwijsportaal nakijken", "Kees", None, clock())
    store.remove_case_action(action.id)
    assert store.list_case_actions(training.id) == []
    with pytest.raises(MissingEntry, match="bestaat niet meer"):
        store.set_case_action_done(action.id, True)


def test_the_next_discussion_shows_the_earlier_open_actions_oldest_first(store, clock):
    training = _series(store, clock)
    first = store.add_case_action(training.id, 1, "Expertisekaart bijwerken", "Kartrekker", None, clock())
    done = store.add_case_action(training.id, 1, "CPT uitnodigen", "Voorzitter", None, clock())
    second = store.add_case_action(training.id, 2, "Overdracht naar hospice regelen", "Anne", date(2026, 5, 1), clock())
    store.set_case_action_done(done.id, True)
    store.add_case_action(training.id, 3, "Al bij bespreking 3", "Piet", None, clock())
    shown_at_3 = carried_over(store.list_case_actions(training.id), 3)
    assert [a.id for a in shown_at_3] == [first.id, second.id]
    assert carried_over(store.list_case_actions(training.id), 1) == []


# ---------------------------------------------------------------- held discussions and their count


def test_a_discussion_counts_as_held_when_started_or_when_actions_were_agreed(any_store, clock):
    store = any_store
    training = _series(store, clock)
    assert case_discussions_for(store, None, None) == []  # planned dates alone are not held discussions
    store.update_run(training.id, 1, lambda _old: {"started": True}, clock())  # started in the Draaiboek
    action = store.add_case_action(training.id, 2, "Huisarts bellen", "Els", None, clock())
    store.add_case_action(training.id, 2, "Folder naar familie", "Els", None, clock())
    store.set_case_action_done(action.id, True)
    held = case_discussions_for(store, None, None)
    assert held == [
        HeldDiscussion(training.id, "Hospice De Kaap", 1, DATES[0], 0, 0),
        HeldDiscussion(training.id, "Hospice De Kaap", 2, DATES[1], 2, 1),
    ]


def test_a_stopped_run_does_not_count_and_a_past_date_counts_when_today_is_given(store, clock):
    training = _series(store, clock)
    store.update_run(training.id, 1, lambda _old: None, clock())  # started, then stopped: the Draaiboek stores null
    assert case_discussions_for(store, None, None) == []
    held = case_discussions_for(store, None, date(2026, 7, 16))
    assert [d.meeting for d in held] == [1, 2]  # 16 July itself is not yet past


def test_without_a_planned_date_the_day_of_the_run_is_used(store, clock):
    training = _series(store, clock, dates=())
    store.update_run(training.id, 3, lambda _old: {"started": True}, clock())
    [held] = case_discussions_for(store, None, None)
    assert (held.meeting, held.held_on) == (3, clock().date())


def test_discussions_are_counted_per_organisation_and_other_programmes_are_left_out(store, clock):
    kaap = _series(store, clock, "Hospice De Kaap")
    zuid = _series(store, clock, "Thuiszorg Zuid")
    other = store.add_training("Scholing", "hospice-ggz", clock(), "Hospice De Kaap", (date(2026, 1, 5),))
    for training in (kaap, zuid, other):
        store.update_run(training.id, 1, lambda _old: {"started": True}, clock())
    assert [d.training_id for d in case_discussions_for(store, "Hospice De Kaap", None)] == [kaap.id]
    assert {d.organisation for d in case_discussions_for(store, None, None)} == {"Hospice De Kaap", "Thuiszorg Zuid"}


def test_counting_per_quarter_lists_every_quarter_with_its_discussions():
    def held(day):
        return HeldDiscussion(1, "X", 1, day, 0, 0)

    discussions = [
        held(date(2026, 1, 15)),
        held(date(2026, 3, 31)),
        held(date(2026, 4, 1)),
        held(date(2026, 12, 31)),
        held(date(2027, 1, 1)),
    ]
    assert count_per_period(discussions, quarters(2026)) == {"2026 K1": 2, "2026 K2": 1, "2026 K3": 0, "2026 K4": 1}
    assert count_per_period(discussions, half_years(2026)) == {"2026 H1": 3, "2026 H2": 1}
    assert count_per_period([], [Period("jaar", date(2026, 1, 1), date(2027, 1, 1))]) == {"jaar": 0}


def test_the_held_rule_needs_no_database_a_reset_run_and_a_future_date_do_not_count():
    from datetime import datetime

    from pztraining.services.discussions import held_discussions
    from pztraining.store import AgreedAction, DiscussionRecord, Training

    series = Training(1, "Casuïstiek", PROGRAM, "Hospice", DATES, datetime(2026, 1, 1, tzinfo=UTC))
    at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    record = DiscussionRecord(series, runs={}, actions={2: [AgreedAction(True, at), AgreedAction(False, at)]})
    assert held_discussions([record], today=date(2026, 1, 1)) == [HeldDiscussion(1, "Hospice", 2, DATES[1], 2, 1)]
    assert [d.meeting for d in held_discussions([record], today=date(2026, 5, 1))] == [1, 2]
