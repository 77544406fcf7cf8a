"""What a trainer reads in an export: whole cells in any CSV import, line breaks, ja/nee, two decimals."""

from __future__ import annotations

import re
from datetime import datetime

import openpyxl
import pytest

from pztraining.content import load_form
from pztraining.domain.forms import form_spec
from pztraining.reports import export
from pztraining.services import forms, results
from tests.unit.test_report import NOW as FILLED
from tests.unit.test_report import fill

NOW = datetime(2026, 11, 23, 10, 0)
MULTI_LINE = "Eerste regel\nTweede regel\r\nDerde\tmet een tab"


def with_open_answers(store, typed: list[str], extra_participants: int = 0):
    """The usual filled training plus reflection answers as typed, and people who did not answer."""
    training, _ = fill(store)
    forms.open_form(store, training.id, 1, "reflectie", False, FILLED, spec=form_spec(load_form("reflectie")))
    for i, text in enumerate(typed):
        person = store.add_participant(training.id, f"Typist {i}", f"typist-{i}", FILLED)
        forms.submit(
            store,
            training.id,
            1,
            "reflectie",
            f"p:{person.id}",
            {"hoe-was-het": text},
            FILLED,
            participant_id=person.id,
        )
    for i in range(extra_participants):
        store.add_participant(training.id, f"Stil {i}", f"stil-{i}", FILLED)
    return results.build(store, results.training_scope(store, str(training.id)))


def test_an_answer_starting_with_a_tab_stays_inside_its_quoted_csv_field(store, tmp_path):
    bundle = with_open_answers(store, ["\t=1+1", "a, b; c"])
    folder = export.write(bundle, "csv", tmp_path / "csv", False, NOW)
    raw = (folder / "open-antwoorden.csv").read_text(encoding="utf-8-sig")
    # Between double quotes, an import that splits on tabs (or commas) keeps it one text cell.
    assert ';"\'\t=1+1"' in raw and ';"a, b; c"' in raw
    for line in raw.splitlines()[1:]:
        fields = re.findall(r'(?:^|;)("(?:[^"]|"")*"|[^;"]*)', line)
        assert all(re.fullmatch(r'"(?:[^"]|"")*"|-?\d*', field) for field in fields), line  # text is quoted


def test_the_html_report_shows_line_breaks_as_line_breaks_and_tabs_as_whitespace(store, tmp_path):
    bundle = with_open_answers(store, [MULTI_LINE, "a\\nb"])
    page = export.write(bundle, "html", tmp_path / "r.html", False, NOW).read_text(encoding="utf-8")
    assert "<td>Eerste regel<br>Tweede regel<br>Derde\tmet een tab</td>" in page
    assert "td { white-space: pre-wrap; }" in page  # the tab shows as whitespace
    assert "<td>a\\nb</td>" in page  # typed backslash-n stays what was typed
    assert "Eerste regel\\n" not in page and "regel\\t" not in page


def test_yes_and_no_are_dutch_in_every_export(store, tmp_path):
    bundle = with_open_answers(store, ["prima"])
    folder = export.write(bundle, "csv", tmp_path / "csv", False, NOW)
    raw = (folder / "antwoorden.csv").read_text(encoding="utf-8-sig")
    header = raw.splitlines()[0].split(";")
    column = header.index('"Anoniem"')
    assert {line.split(";")[column] for line in raw.splitlines()[1:]} == {'"nee"'}
    assert not re.search(r"\b(True|False)\b", raw)
    workbook = openpyxl.load_workbook(export.write(bundle, "xlsx", tmp_path / "r.xlsx", False, NOW))
    cells = [cell for row in workbook["Antwoorden"].iter_rows(min_row=2) for cell in row]
    assert "nee" in {cell.value for cell in cells} and "b" not in {cell.data_type for cell in cells}  # no WAAR/ONWAAR


def test_before_after_means_and_response_rates_have_two_decimals_like_the_items_sheet(store, tmp_path):
    bundle = with_open_answers(store, [], extra_participants=2)  # 7 of 9 answered: 0,777…
    folder = export.write(bundle, "csv", tmp_path / "csv", False, NOW)
    before_after = (folder / "voor-na.csv").read_text(encoding="utf-8-sig").splitlines()
    first = dict(zip(before_after[0].split(";"), before_after[1].split(";")))
    assert first['"Gemiddelde voor"'] == '"3,29"'  # 23 / 7
    assert first['"Gemiddelde verandering"'] == '"2,71"'  # 19 / 7
    response = (folder / "respons.csv").read_text(encoding="utf-8-sig")
    assert '"0,78"' in response and "0,777" not in response
    workbook = openpyxl.load_workbook(export.write(bundle, "xlsx", tmp_path / "r.xlsx", False, NOW))
    rates = [row[-1] for row in workbook["Respons"].iter_rows(min_row=2, values_only=True)]
    assert rates and all(rate == pytest.approx(round(rate, 2), abs=1e-12) for rate in rates) and 0.78 in rates
