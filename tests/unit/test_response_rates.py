"""Response is phones of registered participants against registered participants: never above 100 %."""

from datetime import UTC, datetime

import pandas as pd
import pytest

from pztraining.content import load_form, load_program
from pztraining.domain.forms import form_spec
from pztraining.reports import export
from pztraining.services import forms, results
from pztraining.ui.forms_panel import FormsPanel

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
REFLECTION, EVALUATION = "reflectie", "evaluatie-mysupport"


def mixed(store):
    """Three registered phones; a named reflection (2 phones, 3 paper) and an anonymous evaluation
    (3 phones, 2 paper)."""
    training = store.add_training("Team Respons", "mysupport", NOW)
    for form_id, anonymous in ((REFLECTION, False), (EVALUATION, True)):
        forms.open_form(store, training.id, 1, form_id, anonymous, NOW, spec=form_spec(load_form(form_id)))
    people = [store.add_participant(training.id, f"P{i}", f"d{i}", NOW) for i in range(3)]
    for person in people[:2]:
        forms.submit(
            store, training.id, 1, REFLECTION, f"p:{person.id}", {"hoe-was-het": "ok"}, NOW, participant_id=person.id
        )
    for i, person in enumerate(people):
        forms.submit(store, training.id, 1, EVALUATION, f"a:{i}", {"relevantie": 4}, NOW, participant_id=person.id)
    for i in range(3):
        forms.submit(store, training.id, 1, REFLECTION, f"papier:r{i}", {"hoe-was-het": "papier"}, NOW, paper=True)
    for i in range(2):
        forms.submit(store, training.id, 1, EVALUATION, f"papier:e{i}", {"relevantie": 3}, NOW, paper=True)
    return training


def test_paper_forms_are_counted_apart_and_the_rate_stays_within_100_percent(store):
    training = mixed(store)
    response = results.build(store, results.training_scope(store, str(training.id))).response.set_index("form")
    assert response.loc[REFLECTION, ["answered", "paper_forms", "participants"]].tolist() == [2, 3, 3]
    assert response.loc[REFLECTION, "rate"] == pytest.approx(2 / 3)
    assert response.loc[EVALUATION, ["answered", "paper_forms", "participants"]].tolist() == [3, 2, 3]
    assert response.loc[EVALUATION, "rate"] == pytest.approx(1.0)
    assert (response["rate"] <= 1).all()


def test_the_response_sheet_says_what_it_counts_against(store, tmp_path):
    training = mixed(store)
    out = tmp_path / "r.xlsx"
    export.write(results.build(store, results.training_scope(store, str(training.id))), "xlsx", out, False, NOW)
    sheet = pd.read_excel(out, sheet_name="Respons").set_index("Formulier")
    assert list(sheet.columns) == [
        "Training",
        "Bijeenkomst",
        "Ingevuld op telefoon",
        "Op papier (niet in respons)",
        "Aangemelde deelnemers",
        "Respons (telefoon / aangemeld)",
    ]
    assert sheet.loc[EVALUATION, "Respons (telefoon / aangemeld)"] == pytest.approx(1.0)


def test_the_trainer_panel_counts_phones_against_registered_people_and_paper_apart(store, clock):
    training = mixed(store)
    panel = FormsPanel(store, clock)
    panel.show(training, load_program("mysupport").meeting(1))
    assert "2 van 3 ingevuld, 3 op papier" in panel._widgets[REFLECTION]["status"].value
    assert "3 van 3 ingevuld, 2 op papier" in panel._widgets[EVALUATION]["status"].value
    panel._refresher.stop()
