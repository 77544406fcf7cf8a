"""Deskundigheidstoename (hospice-ggz): the same six questions before meeting 1 and after meeting 2,
compared per item and per participant with the Wilcoxon signed-rank test; figures by hand."""

from datetime import UTC, date, datetime

import pytest

from pztraining.content import load_form
from pztraining.domain.forms import form_spec
from pztraining.services import forms, results

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
ITEMS = [
    "deskundig-herkennen",
    "deskundig-verslaving",
    "deskundig-gesprek",
    "deskundig-consultatie",
    "deskundig-verwijzen",
    "deskundig-samenwerken",
]
# deskundig-consultatie: changes +1, +2, +3, +4, +5 and -6 (one participant felt less sure).
CONSULT_BEFORE = [2, 3, 1, 4, 2, 9]
CONSULT_AFTER = [3, 5, 4, 8, 7, 3]
# deskundig-herkennen: changes +1 … +6, all up.
RECOGNISE_BEFORE = [1, 2, 3, 2, 1, 0]
RECOGNISE_AFTER = [2, 4, 6, 6, 6, 6]


def _fill(store):
    training = store.add_training(
        "Scholing voorjaar", "hospice-ggz", NOW, "NPZ Zuid", (date(2026, 3, 2), date(2026, 3, 30))
    )
    people = [store.add_participant(training.id, f"Deelnemer {i}", f"apparaat-{i}", NOW) for i in range(6)]
    for meeting, form_id, anonymous in (
        (1, "deskundigheid-voor", False),
        (2, "deskundigheid-na", False),
        (2, "evaluatie-hospice-ggz", True),
    ):
        forms.open_form(store, training.id, meeting, form_id, anonymous, NOW, spec=form_spec(load_form(form_id)))
    for i, person in enumerate(people):
        same = dict.fromkeys(ITEMS, 5)
        before = {
            **same,
            "deskundig-consultatie": CONSULT_BEFORE[i],
            "deskundig-herkennen": RECOGNISE_BEFORE[i],
            "werkplek": "Hospice",
            "rol": "Vrijwilliger",
        }
        after = {**same, "deskundig-consultatie": CONSULT_AFTER[i], "deskundig-herkennen": RECOGNISE_AFTER[i]}
        forms.submit(
            store, training.id, 1, "deskundigheid-voor", f"p:{person.id}", before, NOW, participant_id=person.id
        )
        forms.submit(store, training.id, 2, "deskundigheid-na", f"p:{person.id}", after, NOW, participant_id=person.id)
        forms.submit(
            store,
            training.id,
            2,
            "evaluatie-hospice-ggz",
            f"anon-{i}",
            {"bruikbaar": 4, "casussen": 4, "stigma": 5, "gemengde-groep": 4, "aanbevelen": 9},
            NOW,
        )
    return training


def test_deskundigheid_before_and_after_is_compared_per_item_with_the_wilcoxon_test(store):
    training = _fill(store)
    bundle = results.build(store, results.training_scope(store, str(training.id)))
    rows = bundle.before_after.set_index("item_key")
    assert sorted(rows.index) == sorted(ITEMS)  # the six shared items; the anonymous evaluation pairs nothing

    consult = rows.loc["deskundig-consultatie"]
    assert consult["n_pairs"] == 6
    assert consult["mean_before"] == pytest.approx(3.5)  # 21 / 6
    assert consult["mean_after"] == pytest.approx(5.0)  # 30 / 6
    assert consult["mean_change"] == pytest.approx(1.5)  # 9 / 6
    # Ranks of |change| are 1…6; the negative one has rank 6, so W- = 6 and W+ = 15: W = 6.
    # Exact two-sided p: 2 × (subsets of {1…6} with rank sum ≤ 6 = 14) / 2**6 = 28 / 64.
    assert consult["statistic"] == 6
    assert consult["p_value"] == pytest.approx(0.4375)
    assert consult["note"] == "Wilcoxon-toets voor gepaarde waarnemingen."

    recognise = rows.loc["deskundig-herkennen"]
    assert recognise["mean_change"] == pytest.approx(3.5)  # (1+2+3+4+5+6) / 6
    assert recognise["statistic"] == 0 and recognise["p_value"] == pytest.approx(2 / 64)

    assert rows.loc["deskundig-samenwerken", "note"] == "Geen verschil tussen voor en na: niets te toetsen."


def test_the_after_list_is_named_so_it_can_be_paired_and_the_evaluation_stays_anonymous():
    assert not load_form("deskundigheid-na").anonymous_by_default
    assert load_form("evaluatie-hospice-ggz").anonymous_by_default
    before, after = load_form("deskundigheid-voor"), load_form("deskundigheid-na")
    assert (before.purpose, after.purpose) == ("voorbereiding", "evaluatie")
    shared = [(i.id, i.type, i.text) for i in before.items if i.id.startswith("deskundig-")]
    assert shared == [(i.id, i.type, i.text) for i in after.items] and len(shared) == 6
