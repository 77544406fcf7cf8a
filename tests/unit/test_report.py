"""Aggregation: figures computed from a real store, checked against hand-counted answers."""

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from pztraining.content import load_form
from pztraining.domain import aggregate as report
from pztraining.domain.forms import form_spec
from pztraining.services import forms, results

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
BEFORE = [3, 4, 2, 5, 4, 3, 2]
AFTER = [6, 7, 5, 8, 6, 6, 4]
RELEVANCE = [5, 4, 4, 2, 3, 5, 4]


def fill(store, anonymous=False, name="Team Zon", dates=(date(2026, 11, 23),)):
    training = store.add_training(name, "mysupport", NOW, "Zorggroep", dates)
    people = [store.add_participant(training.id, f"Persoon {i}", f"{name}-{i}", NOW) for i in range(len(BEFORE))]
    for form_id, anon in (("voorbereiding-mysupport", False), ("evaluatie-mysupport", anonymous)):
        forms.open_form(store, training.id, 1, form_id, anon, NOW, spec=form_spec(load_form(form_id)))
    for i, person in enumerate(people):
        forms.submit(
            store,
            training.id,
            1,
            "voorbereiding-mysupport",
            f"p:{person.id}",
            {"vertrouwen-gesprek": BEFORE[i], "gids-gelezen": "Helemaal"},
            NOW,
            participant_id=person.id,
        )
        key = f"a:{i}" if anonymous else f"p:{person.id}"
        answers = {"vertrouwen-gesprek": AFTER[i], "relevantie": RELEVANCE[i], "aanbevelen": 8}
        if i == 0:
            answers["geleerd"] = "<b>Rustig</b> beginnen"
        forms.submit(store, training.id, 1, "evaluatie-mysupport", key, answers, NOW, participant_id=person.id)
    return training, people


def bundle_for(store, training, **kw):
    return results.build(store, results.training_scope(store, str(training.id)), **kw)


def test_the_tidy_frame_has_one_row_per_answer_and_no_names(store):
    training, _ = fill(store)
    bundle = bundle_for(store, training)
    assert len(bundle.tidy) == len(BEFORE) * 2 + len(BEFORE) * 3 + 1
    assert "name" not in bundle.tidy.columns
    assert set(bundle.tidy["participant"]) == {f"D{i:02d}" for i in range(1, 8)}
    assert not bundle.tidy.astype(str).apply(lambda col: col.str.contains("Persoon")).any().any()


def test_names_are_included_only_when_asked_for(store):
    training, _ = fill(store)
    assert set(bundle_for(store, training, with_names=True).tidy["name"]) == {f"Persoon {i}" for i in range(7)}


def test_item_statistics_match_the_answers(store):
    training, _ = fill(store)
    summary = bundle_for(store, training).summary.set_index("item_key")
    relevance = summary.loc["relevantie"]
    # By hand for 5, 4, 4, 2, 3, 5, 4: sum 27; squared deviations from 27/7 add up to 48/7.
    assert relevance["n"] == 7
    assert relevance["mean"] == pytest.approx(3.857, abs=0.001)  # 27 / 7
    assert relevance["median"] == 4
    assert relevance["std"] == pytest.approx(1.069, abs=0.001)  # sqrt((48/7) / 6)
    assert relevance["share_agree"] == pytest.approx(0.714, abs=0.001)  # five 4s and 5s of 7


def test_scale_counts_include_every_point(store):
    training, _ = fill(store)
    counts = bundle_for(store, training).counts
    relevance = counts[counts["item_key"] == "relevantie"].set_index("point")["count"].to_dict()
    assert relevance == {1: 0, 2: 1, 3: 1, 4: 3, 5: 2}
    recommend = counts[counts["item_key"] == "aanbevelen"]
    assert len(recommend) == 11 and recommend.set_index("point")["count"][8] == 7


def test_choice_counts_per_option(store):
    training, _ = fill(store)
    choices = bundle_for(store, training).choices
    read = choices[choices["item_key"] == "gids-gelezen"].set_index("option")["count"].to_dict()
    assert read["Helemaal"] == 7 and sum(read.values()) == 7 and len(read) == 3


def test_before_and_after_pairs_and_a_wilcoxon_test(store):
    training, _ = fill(store)
    bundle = bundle_for(store, training)
    [row] = bundle.before_after.to_dict("records")
    assert row["n_pairs"] == 7
    assert row["mean_before"] == pytest.approx(3.286, abs=0.001)  # 23 / 7
    assert row["mean_after"] == pytest.approx(6.0)  # 42 / 7
    assert row["mean_change"] == pytest.approx(2.714, abs=0.001)  # 19 / 7
    # Every one of the 7 changes is positive: W = 0 and the exact two-sided p is 2 / 2**7.
    assert row["statistic"] == 0
    assert row["p_value"] == pytest.approx(0.015625)
    assert sorted(bundle.pairs["change"]) == [2, 2, 3, 3, 3, 3, 3]


def test_the_same_pairs_are_tested_once_with_scipys_own_result(monkeypatch):
    import scipy.stats

    real, calls = scipy.stats.wilcoxon, []

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(scipy.stats, "wilcoxon", counted)
    report.wilcoxon_test.cache_clear()
    # Tied changes: SciPy's exact permutation test over all 2**7 signs.
    before, after = tuple(map(float, BEFORE)), tuple(map(float, AFTER))
    expected = real(before, after)
    for _ in range(3):  # the results page, its redraw and an export of the same training
        assert report.wilcoxon_test(before, after) == (float(expected.statistic), float(expected.pvalue))
    assert len(calls) == 1
    assert report.wilcoxon_test(after, before) == (float(expected.statistic), float(expected.pvalue))
    assert len(calls) == 2  # other pairs are tested anew


def test_tied_and_zero_changes_get_scipys_exact_permutation_result_from_the_vectorised_statistic():
    """Scores on a 1-5 scale tie: SciPy then flips all 2**n signs, one statistic call each (1.3 s
    for 13 pairs); ours hands its permutation test a statistic of all sign patterns at once.
    Every case must come out as SciPy's own wilcoxon(), to the last bit."""
    import numpy as np
    import scipy.stats

    rng = np.random.default_rng(25)
    cases = []
    for n in (2, 3, 5, 6, 8, 9, 10, 11, 13):
        before = rng.integers(1, 6, n).astype(float)
        after = np.clip(before + rng.integers(-2, 3, n), 1, 5)
        after[0] = before[0] + (1 if before[0] < 5 else -1)  # never all zero (that is reported, not tested)
        cases.append((tuple(before), tuple(after)))
    cases.append(((1.0, 2.0, 3.0, 4.0, 5.0, 1.0, 2.0), (2.0, 3.0, 4.0, 5.0, 5.0, 1.0, 4.0)))  # ties and zeros
    cases.append(((1.0, 2.0, 3.0, 4.0, 1.0), (3.0, 5.0, 2.0, 1.0, 2.0)))  # no ties, no zeros: SciPy's exact table
    cases.append((tuple(float(k % 5 + 1) for k in range(16)), tuple(float((k * 3) % 5 + 1) for k in range(16))))
    report.wilcoxon_test.cache_clear()
    for before, after in cases:
        expected = scipy.stats.wilcoxon(before, after)
        assert report.wilcoxon_test(before, after) == (float(expected.statistic), float(expected.pvalue)), (
            before,
            after,
        )


def test_too_few_pairs_are_reported_instead_of_tested(store):
    training, _ = fill(store)
    tidy = bundle_for(store, training).tidy
    few = tidy[~tidy["participant"].isin([f"D{i:02d}" for i in range(4, 8)])]
    [row] = report.before_after(few).to_dict("records")
    assert row["n_pairs"] == 3 and pd.isna(row["p_value"])
    assert "Te weinig paren" in row["note"]


def test_an_anonymous_evaluation_cannot_be_paired_and_says_why(store):
    training, _ = fill(store, anonymous=True)
    bundle = bundle_for(store, training)
    [row] = bundle.before_after.to_dict("records")
    assert row["n_pairs"] == 0 and "anoniem" in row["note"]
    evaluation = bundle.tidy[bundle.tidy["form"] == "evaluatie-mysupport"]
    assert set(evaluation["participant"]) == {""}


def test_open_answers_are_kept_as_typed(store):
    training, _ = fill(store)
    [answer] = bundle_for(store, training).open.to_dict("records")
    assert answer["value_text"] == "<b>Rustig</b> beginnen" and answer["participant"] == "D01"


def test_response_rate_is_against_the_participants_of_the_training(store):
    training, _people = fill(store)
    store.add_participant(training.id, "Laat", "laat", NOW)  # joined but answered nothing
    forms.open_form(store, training.id, 1, "reflectie", False, NOW)
    response = bundle_for(store, training).response.set_index("form")
    assert response.loc["evaluatie-mysupport", "answered"] == 7
    assert response.loc["evaluatie-mysupport", "rate"] == pytest.approx(7 / 8)
    assert response.loc["reflectie", "answered"] == 0


def test_a_period_covers_the_trainings_with_a_meeting_in_it(store):
    fill(store, name="Najaar", dates=(date(2026, 10, 1),))
    fill(store, name="Voorjaar", dates=(date(2026, 4, 1),))
    scope = results.program_scope(store, "mysupport", date(2026, 7, 1), date(2026, 12, 31))
    assert [t.name for t in scope.trainings] == ["Najaar"]
    both = results.build(store, results.program_scope(store, "mysupport", None, None))
    assert both.summary.set_index("item_key").loc["relevantie", "n"] == 14


def test_a_changed_question_is_reported_and_kept_apart(store):
    fill(store, name="Oud")
    second = store.add_training("Nieuw", "mysupport", NOW)
    spec = form_spec(load_form("evaluatie-mysupport"))
    for item in spec["items"]:
        if item["id"] == "relevantie":
            item["text"] = "Een andere vraag"
    forms.open_form(store, second.id, 1, "evaluatie-mysupport", False, NOW, spec=spec)
    forms.submit(store, second.id, 1, "evaluatie-mysupport", "p:x", {"relevantie": 1}, NOW)
    bundle = results.build(store, results.program_scope(store, "mysupport", None, None))
    assert set(bundle.changes["item_key"]) == {"relevantie", "relevantie@2"}
    summary = bundle.summary.set_index("item_key")
    assert summary.loc["relevantie", "n"] == 7 and summary.loc["relevantie@2", "n"] == 1
    assert any("gewijzigd" in note for note in bundle.notes)


def test_roleplay_turns_per_group_with_planned_and_actual_time(store):
    training, _ = fill(store)
    group = store.add_roleplay_group(training.id, 1, "Groep 1", {}, NOW)
    turns = [
        {
            "turn": i,
            "member": "M",
            "variant": "moeilijker" if i == 3 else "basis",
            "planned_seconds": 120,
            "actual_seconds": actual,
            "paused_seconds": 0,
            "started_at": NOW,
            "ended_at": NOW,
        }
        for i, actual in enumerate((100, 130, 150), start=1)
    ]
    store.update_roleplay(group.id, lambda s: (s, turns), NOW)
    [row] = bundle_for(store, training).roleplay.to_dict("records")
    assert row["turns"] == 3 and row["planned_minutes"] == 6 and row["actual_minutes"] == pytest.approx(380 / 60)
    assert row["over_time"] == 2 and row["harder"] == 1


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda s: results.training_scope(s, "bestaat-niet"), "Onbekende training"),
        (lambda s: results.program_scope(s, "yoga", None, None), "Onbekend programma"),
        (lambda s: results.program_scope(s, "ggz", date(2026, 12, 1), date(2026, 1, 1)), "ligt na"),
    ],
)
def test_bad_scopes_are_refused_in_dutch(store, call, message):
    from pztraining.core.errors import ScopeError

    with pytest.raises(ScopeError, match=message):
        call(store)


def test_pseudonym_codes_follow_the_order_of_joining_not_the_names():
    from types import SimpleNamespace as Joined

    joined = [Joined(id=7, name="Anna"), Joined(id=3, name="Zoë"), Joined(id=12, name="Bram")]
    assert report.pseudonym_codes(joined) == {3: ("D01", "Zoë"), 7: ("D02", "Anna"), 12: ("D03", "Bram")}
