"""Figures in exports read as they should: one row per item, counts as whole numbers, small p-values visible."""

import re
from datetime import UTC, datetime

import pandas as pd

from pztraining.content import load_form
from pztraining.domain.forms import form_spec
from pztraining.reports import export
from pztraining.services import forms, results
from tests.unit.test_report import fill

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def test_a_single_choice_item_is_one_row_of_the_items_sheet(store, tmp_path):
    training, _ = fill(store)
    out = tmp_path / "r.xlsx"
    export.write(results.build(store, results.training_scope(store, str(training.id))), "xlsx", out, False, NOW)
    items = pd.read_excel(out, sheet_name="Items")
    assert not items.duplicated(subset=["Formulier", "Vraag-id"]).any()
    [read] = items[items["Vraag-id"] == "gids-gelezen"].to_dict("records")
    assert read["Aantal"] == 7 and read["Keuzes"] == "Helemaal: 7; Gedeeltelijk: 0; Nog niet: 0"


def ten_pairs(store):
    """Ten participants who all feel more confident after: exact two-sided p = 2 / 2**10."""
    training = store.add_training("Team Tien", "mysupport", NOW)
    for form_id in ("voorbereiding-mysupport", "evaluatie-mysupport"):
        forms.open_form(store, training.id, 1, form_id, False, NOW, spec=form_spec(load_form(form_id)))
    for i in range(10):
        person = store.add_participant(training.id, f"P{i}", f"d{i}", NOW)
        forms.submit(
            store,
            training.id,
            1,
            "voorbereiding-mysupport",
            f"p:{person.id}",
            {"vertrouwen-gesprek": 2 + i % 3},
            NOW,
            participant_id=person.id,
        )
        forms.submit(
            store,
            training.id,
            1,
            "evaluatie-mysupport",
            f"p:{person.id}",
            {"vertrouwen-gesprek": 5 + i % 4},
            NOW,
            participant_id=person.id,
        )
    return training


def test_the_html_report_shows_a_small_p_value_and_whole_pair_counts(store, tmp_path):
    training = ten_pairs(store)
    bundle = results.build(store, results.training_scope(store, str(training.id)))
    [row] = bundle.before_after.to_dict("records")
    assert row["n_pairs"] == 10 and round(row["p_value"], 6) == 0.001953
    out = tmp_path / "r.html"
    export.write(bundle, "html", out, False, NOW)
    page = out.read_text(encoding="utf-8")
    before_after = page[page.index("<h2>Voor-na</h2>") : page.index("<h2>Open antwoorden</h2>")]
    headers = re.findall(r"<th>([^<]*)</th>", before_after)
    first_row = dict(zip(headers, re.findall(r"<td>([^<]*)</td>", before_after)))
    assert first_row["p-waarde"] == "0,0020"  # was "0,00"
    assert first_row["Aantal paren"] == "10"  # was "10,00"


def test_the_results_page_shows_the_same_small_p_value(store, clock):
    from pztraining.ui.results_app import _table

    training = ten_pairs(store)
    bundle = results.build(store, results.training_scope(store, str(training.id)))
    assert "<td>0,0020</td>" in _table(bundle.before_after)
