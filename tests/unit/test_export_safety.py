"""Whatever a participant types, exports open safely: no formulas run, no control character breaks a file."""

from datetime import UTC, date, datetime

import openpyxl
import pandas as pd
import pytest

from pztraining.cli.main import main
from pztraining.content import load_form
from pztraining.domain.forms import form_spec
from pztraining.reports import export
from pztraining.services import forms, results

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
FORMULA = "=cmd|' /C calc'!A0"
TYPED = [FORMULA, "+31 6 12345678", "-niets-", "@SUM(A1:A9)"]
CONTROL = "eerste regel\x0btweede regel"


def training_with(store, texts, name="Team Tekst"):
    training = store.add_training(name, "mysupport", NOW, meeting_dates=(date(2026, 11, 23),))
    forms.open_form(store, training.id, 1, "reflectie", False, NOW, spec=form_spec(load_form("reflectie")))
    for i, typed in enumerate(texts):
        person = store.add_participant(training.id, f"Persoon {i}", f"{name}-{i}", NOW)
        forms.submit(
            store, training.id, 1, "reflectie", f"p:{person.id}", {"hoe-was-het": typed}, NOW, participant_id=person.id
        )
    return training


def export_of(store, training, fmt, out):
    export.write(results.build(store, results.training_scope(store, str(training.id))), fmt, out, False, NOW)
    return out


def test_an_answer_that_looks_like_a_formula_is_text_in_the_workbook(store, tmp_path):
    training = training_with(store, TYPED)
    out = export_of(store, training, "xlsx", tmp_path / "r.xlsx")
    workbook = openpyxl.load_workbook(out)
    for sheet in ("Antwoorden", "Open antwoorden"):
        cells = [c for row in workbook[sheet].iter_rows() for c in row if c.value in TYPED]
        assert sorted(c.value for c in cells) == sorted(TYPED), sheet
        assert {c.data_type for c in cells} == {"s"}  # never "f": no formula runs when opened
    answers = pd.read_excel(out, sheet_name="Antwoorden")
    assert sorted(answers["Antwoord"]) == sorted(TYPED)  # a formula would have read back empty


def test_an_answer_that_looks_like_a_formula_gets_a_quote_in_the_csv(store, tmp_path):
    training = training_with(store, TYPED)
    out = export_of(store, training, "csv", tmp_path / "csv")
    answers = pd.read_csv(out / "antwoorden.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert sorted(answers["Antwoord"]) == sorted("'" + typed for typed in TYPED)
    raw = (out / "open-antwoorden.csv").read_text(encoding="utf-8-sig")
    assert f';"\'{FORMULA}"' in raw and f';"{FORMULA}' not in raw
    # The store keeps what was typed; only the export neutralises it.
    assert store.load_submission(training.id, 1, "reflectie", "p:1")["hoe-was-het"] == FORMULA


def test_a_control_character_does_not_break_the_workbook(store, tmp_path):
    training = training_with(store, [CONTROL, "gewoon"])
    out = export_of(store, training, "xlsx", tmp_path / "r.xlsx")
    answers = pd.read_excel(out, sheet_name="Antwoorden")
    assert "eerste regel\ufffdtweede regel" in set(answers["Antwoord"])
    assert store.load_submission(training.id, 1, "reflectie", "p:1")["hoe-was-het"] == CONTROL


@pytest.mark.parametrize("scope", [["--training", "Team Tekst"], ["--program", "mysupport"]])
def test_the_cli_exports_a_training_with_a_vertical_tab(store, tmp_path, capsys, scope):
    training_with(store, [CONTROL])
    training_with(store, ["niets bijzonders"], name="Team Ander")
    out = tmp_path / "r.xlsx"
    assert main(["export", "--db", store.url, *scope, "--out", str(out)]) == 0
    _, err = capsys.readouterr()
    assert err == ""
    answers = pd.read_excel(out, sheet_name="Open antwoorden")
    assert "eerste regel\ufffdtweede regel" in set(answers["Antwoord"])
