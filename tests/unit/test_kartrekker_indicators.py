"""Borging indicators on a fixture whose figures are worked out by hand below."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from pztraining.content import load_form
from pztraining.domain.forms import form_spec
from pztraining.services import forms
from pztraining.services.kartrekker import gather, indicators

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 30)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ORG = "Zorggroep Noord"
NAMES = ("Fenna Bakker", "Gijs de Wit", "Hanna Smit", "Ivo Mulder")


def _training(
    store,
    name,
    day,
    people,
    before=(),
    after=(),
    recommend=(),
    purposes=("voorbereiding", "evaluatie"),
    org=ORG,
    program="mysupport",
):
    training = store.add_training(name, program, NOW, org, (day,))
    persons = [store.add_participant(training.id, NAMES[i], f"{name}-{i}", NOW) for i in range(people)]
    for purpose in purposes:
        form_id = f"{purpose}-{program}"
        forms.open_form(store, training.id, 1, form_id, False, NOW, spec=form_spec(load_form(form_id)))
    for person, value in zip(persons, before):
        forms.submit(
            store,
            training.id,
            1,
            f"voorbereiding-{program}",
            f"p:{person.id}",
            {"vertrouwen-gesprek": value},
            NOW,
            participant_id=person.id,
        )
    for i, person in enumerate(persons[: max(len(after), len(recommend))]):
        answers = {"aanbevelen": recommend[i]}
        if i < len(after):
            answers["vertrouwen-gesprek"] = after[i]
        forms.submit(
            store, training.id, 1, f"evaluatie-{program}", f"p:{person.id}", answers, NOW, participant_id=person.id
        )
    return training


def fill_organisation(store):
    """Four mySupport trainings of one organisation, one of another, one ggz training.

    A (10 March): 4 people; all 4 answer before (3, 4, 5, 2), 3 answer after (6, 6, 7) and
      recommend 8, 9, 7.  B (30 June): 2 people, nobody answers.  C (1 July): 3 people, only
      the evaluation, recommending 10, 6, 8.  D (20 December): still to come.
    """
    a = _training(store, "A", date(2026, 3, 10), 4, before=(3, 4, 5, 2), after=(6, 6, 7), recommend=(8, 9, 7))
    b = _training(store, "B", date(2026, 6, 30), 2)
    c = _training(store, "C", date(2026, 7, 1), 3, recommend=(10, 6, 8), purposes=("evaluatie",))
    d = _training(store, "D", date(2026, 12, 20), 2)
    _training(store, "Elders", date(2026, 3, 11), 3, recommend=(1, 1, 1), purposes=("evaluatie",), org="Ander huis")
    _training(store, "Ggz", date(2026, 5, 1), 1, purposes=(), program="ggz")
    # The organisation's case discussions: held on 1 February (3 actions, 1 done), 30 June (2, both
    # done) and 1 July (4, none done); the fourth, on 1 December, is still to come.
    series = store.add_training(
        "Casuïstiek",
        "casuistiekbespreking",
        NOW,
        ORG,
        (date(2026, 2, 1), date(2026, 6, 30), date(2026, 7, 1), date(2026, 12, 1)),
    )
    for meeting, agreed, done in ((1, 3, 1), (2, 2, 2), (3, 4, 0)):
        for number in range(agreed):
            action = store.add_case_action(series.id, meeting, f"Afspraak {number}", "team", None, NOW)
            if number < done:
                store.set_case_action_done(action.id, True)
    return a, b, c, d


def test_indicators_per_half_year_match_the_figures_by_hand(store):
    fill_organisation(store)
    data = gather.borging(store, ORG, date(2026, 1, 1), date(2026, 12, 31), TODAY, AMSTERDAM, program_id="mysupport")
    first, second = (row for _, row in data.rows.iterrows())
    assert (first["period"], second["period"]) == ("1e helft 2026", "2e helft 2026")
    assert first["trainings_held"] == 2 and first["trainings_planned"] == 0  # A and B; B on 30 June
    assert second["trainings_held"] == 1 and second["trainings_planned"] == 1  # C on 1 July; D to come
    assert first["participants"] == 6 and second["participants"] == 3
    # A: 4 of 4 before, 3 of 4 after; B: 0 of 2 twice → 7 of 12.  C: 3 of 3.
    assert (first["answered"], first["asked"]) == (7, 12)
    assert first["response_rate"] == pytest.approx(7 / 12)
    assert second["response_rate"] == pytest.approx(1.0)
    assert first["satisfaction"] == pytest.approx((8 + 9 + 7) / 3) and first["satisfaction_n"] == 3
    assert second["satisfaction"] == pytest.approx((10 + 6 + 8) / 3)
    # Pairs in A: 3→6, 4→6, 5→7: changes 3, 2, 2.
    assert first["efficacy_pairs"] == 3 and first["efficacy_change"] == pytest.approx(7 / 3)
    assert second["efficacy_pairs"] == 0 and np.isnan(second["efficacy_change"])
    assert (first["case_discussions"], first["actions_agreed"], first["actions_done"]) == (2, 5, 3)
    assert (second["case_discussions"], second["actions_agreed"], second["actions_done"]) == (1, 4, 0)
    test = data.before_after.set_index("period").loc["1e helft 2026"]
    assert test["n_pairs"] == 3 and "Te weinig paren" in test["note"]


def test_without_a_programme_every_programme_of_the_organisation_counts(store):
    fill_organisation(store)
    data = gather.borging(store, ORG, date(2026, 1, 1), date(2026, 12, 31), TODAY, AMSTERDAM, per="jaar")
    assert list(data.rows["period"]) == ["2026"]
    # A, B, C and the ggz training; not "Elders", nor the case-discussion series
    assert data.rows["trainings_held"].iloc[0] == 4
    assert data.rows["case_discussions"].iloc[0] == 3


def test_the_target_of_trainings_is_judged_per_period(store):
    trainings = fill_organisation(store)
    talks = gather.case_discussions_for(store, ORG, TODAY)
    facts = [indicators.TrainingFacts(tr.id, tr.name, "mysupport", tr.meeting_dates[-1], 1) for tr in trainings]
    periods = indicators.buckets(date(2025, 7, 1), date(2026, 12, 31), "halfjaar")
    empty = pd.DataFrame(columns=["training_id", "meeting", "form"])
    rows = indicators.indicator_rows(facts, pd.DataFrame(), empty, talks, periods, TODAY, "halfjaar", per_year=4)
    assert list(rows["trainings_target"]) == [2, 2, 2]
    assert list(rows["target_met"]) == ["niet gehaald", "gehaald", "loopt nog"]


def test_a_period_without_trainings_says_so_and_still_has_its_rows(store):
    fill_organisation(store)
    data = gather.borging(store, ORG, date(2024, 1, 1), date(2024, 12, 31), TODAY, AMSTERDAM, program_id="mysupport")
    assert list(data.rows["trainings_held"]) == [0, 0]
    assert data.notes == ["In deze periode zijn geen trainingen gehouden; de indicatoren staan op nul."]


def test_only_days_inside_the_chosen_dates_count_also_in_the_edge_periods(store):
    fill_organisation(store)
    data = gather.borging(store, ORG, date(2026, 3, 11), date(2026, 7, 1), TODAY, AMSTERDAM, program_id="mysupport")
    assert list(data.rows["trainings_held"]) == [1, 1]  # B (not A, on 10 March) and C
    # B: two forms opened for 2 people, nothing sent: 0 of 4, a response of 0 (not "no data").
    assert (data.rows["answered"].iloc[0], data.rows["asked"].iloc[0], data.rows["response_rate"].iloc[0]) == (0, 4, 0)


def test_an_unknown_organisation_or_a_reversed_period_is_refused_in_dutch(store):
    fill_organisation(store)
    from pztraining.core.errors import ScopeError

    with pytest.raises(
        ScopeError, match=r"Onbekende organisatie 'Zorggroep Zuid'\. Bekend: Ander huis, Zorggroep Noord"
    ):
        gather.borging(store, "Zorggroep Zuid", date(2026, 1, 1), date(2026, 12, 31), TODAY, AMSTERDAM)
    with pytest.raises(ScopeError, match="ligt na"):
        gather.borging(store, ORG, date(2026, 12, 31), date(2026, 1, 1), TODAY, AMSTERDAM)


def test_the_picker_lists_the_organisations_of_stored_trainings(store):
    fill_organisation(store)
    assert gather.organisations_for(store) == ["Ander huis", "Zorggroep Noord"]
