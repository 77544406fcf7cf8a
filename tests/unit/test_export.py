"""Exports are read back and their figures compared; files are complete or absent."""

import re
from datetime import datetime

import openpyxl
import pandas as pd
import pytest

from pztraining.cli.main import main
from pztraining.core.errors import ExportError
from pztraining.reports import export
from pztraining.services import results
from tests.unit.test_report import AFTER, BEFORE, RELEVANCE, fill

NOW = datetime(2026, 11, 23, 10, 0)
SHEETS = ["Samenvatting", "Items", "Voor-na", "Open antwoorden", "Respons", "Rollenspel", "Antwoorden"]


@pytest.fixture
def bundle(store):
    training, _ = fill(store)
    return results.build(store, results.training_scope(store, str(training.id)))


def test_the_workbook_has_dutch_sheets_and_the_right_figures(bundle, tmp_path):
    path = tmp_path / "resultaten.xlsx"
    export.write(bundle, "xlsx", path, False, NOW)
    assert openpyxl.load_workbook(path).sheetnames == SHEETS
    items = pd.read_excel(path, sheet_name="Items").set_index("Vraag-id")
    assert items.loc["relevantie", "Aantal"] == 7
    assert items.loc["relevantie", "Gemiddelde"] == pytest.approx(round(sum(RELEVANCE) / 7, 2))
    assert items.loc["relevantie", "eens"] == 3
    before_after = pd.read_excel(path, sheet_name="Voor-na")
    assert before_after.loc[0, "Aantal paren"] == 7
    # Two decimals, as in the Items sheet.
    assert before_after.loc[0, "Gemiddelde verandering"] == round((sum(AFTER) - sum(BEFORE)) / 7, 2)
    answers = pd.read_excel(path, sheet_name="Antwoorden")
    assert "Deelnemerscode" in answers.columns and "Naam" not in answers.columns


def test_names_only_with_names_and_the_summary_warns(store, tmp_path):
    training, _ = fill(store)
    named = results.build(store, results.training_scope(store, str(training.id)), with_names=True)
    path = tmp_path / "met-namen.xlsx"
    export.write(named, "xlsx", path, True, NOW)
    answers = pd.read_excel(path, sheet_name="Antwoorden")
    assert "Persoon 0" in set(answers["Naam"])
    summary = pd.read_excel(path, sheet_name="Samenvatting")
    assert summary["Waarde"].astype(str).str.contains("persoonsgegevens").any()


def test_csv_files_open_in_dutch_excel(bundle, tmp_path):
    folder = tmp_path / "csv"
    export.write(bundle, "csv", folder, False, NOW)
    raw = (folder / "items.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    items = pd.read_csv(folder / "items.csv", sep=";", decimal=",", encoding="utf-8-sig").set_index("Vraag-id")
    assert items.loc["relevantie", "Gemiddelde"] == pytest.approx(round(sum(RELEVANCE) / 7, 2))
    assert re.search(r';"3,86";', raw.decode("utf-8-sig"))  # decimal comma, quoted: a comma separator keeps it whole
    assert sorted(p.name for p in folder.iterdir()) == sorted(s.lower().replace(" ", "-") + ".csv" for s in SHEETS)


def test_the_html_report_is_self_contained_with_charts(bundle, tmp_path):
    path = tmp_path / "rapport.html"
    export.write(bundle, "html", path, False, NOW)
    page = path.read_text(encoding="utf-8")
    assert page.count("<svg") >= 3  # agreement bars, 0–10 distributions, before/after
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", page)
    assert "@page { size: A4" in page
    assert "&lt;b&gt;Rustig&lt;/b&gt;" in page and "<b>Rustig</b>" not in page


def test_a_failed_export_leaves_no_file_behind(bundle, tmp_path, monkeypatch):
    path = tmp_path / "out" / "half.xlsx"

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_excel", broken)
    with pytest.raises(ExportError, match="Kan niet schrijven"):
        export.write(bundle, "xlsx", path, False, NOW)
    assert list(path.parent.iterdir()) == []


def test_an_existing_export_is_replaced_whole_when_asked(bundle, tmp_path):
    path = tmp_path / "out" / "r.html"
    path.parent.mkdir()
    path.write_text("oud")
    export.write(bundle, "html", path, False, NOW, overwrite=True)
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in path.parent.iterdir()] == ["r.html"]


def test_cli_export_of_a_training_without_answers_writes_a_valid_empty_workbook(store, capsys, tmp_path):
    training = store.add_training("Leeg", "ggz", datetime(2026, 1, 1))
    out = tmp_path / "leeg.xlsx"
    assert main(["export", "--db", store.url, "--training", training.join_code, "--out", str(out)]) == 0
    _, err = capsys.readouterr()
    assert "geen antwoorden" in err
    assert openpyxl.load_workbook(out).sheetnames == SHEETS
    assert pd.read_excel(out, sheet_name="Antwoorden").empty


@pytest.mark.parametrize(
    "args, message",
    [
        (["--training", "onbekend"], "Fout: Onbekende training 'onbekend'"),
        (["--program", "yoga"], "Fout: Onbekend programma 'yoga'"),
        (["--program", "ggz", "--from", "2026-12-01", "--to", "2026-01-01"], "Fout: De periode klopt niet"),
        (["--program", "ggz", "--from", "1 december"], "Fout: '1 december' is geen datum"),
        ([], "Fout: Kies een training (--training) of een programma (--program)."),
    ],
)
def test_cli_export_refuses_bad_requests_in_dutch(store, capsys, tmp_path, args, message):
    assert main(["export", "--db", store.url, "--out", str(tmp_path / "x.xlsx"), *args]) == 1
    assert capsys.readouterr().err.startswith(message)
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_export_to_an_unwritable_place_says_so(store, capsys, tmp_path):
    training, _ = fill(store)
    blocker = tmp_path / "bestand"
    blocker.write_text("geen map")
    assert main(["export", "--db", store.url, "--training", str(training.id), "--out", str(blocker / "r.xlsx")]) == 1
    assert capsys.readouterr().err.startswith("Fout: Kan niet schrijven naar")


def test_the_items_sheet_matches_the_report_frame_figure_for_figure(bundle, tmp_path):
    path = tmp_path / "out" / "r.xlsx"
    export.write(bundle, "xlsx", path, False, NOW)
    sheet = pd.read_excel(path, sheet_name="Items")
    numeric = bundle.summary.dropna(subset=["mean"])
    assert len(numeric) >= 4
    for row in numeric.itertuples():
        line = sheet[(sheet["Formulier"] == row.form) & (sheet["Vraag-id"] == row.item_key)].iloc[0]
        assert line["Aantal"] == row.n
        assert line["Gemiddelde"] == pytest.approx(row.mean, abs=0.005)
        assert line["Mediaan"] == pytest.approx(row.median)
        if not pd.isna(row.std):
            assert line["Standaarddeviatie"] == pytest.approx(row.std, abs=0.005)


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "html"])
def test_no_name_appears_anywhere_in_an_export_without_with_names(store, tmp_path, fmt):
    training, people = fill(store)
    bundle = results.build(store, results.training_scope(store, str(training.id)))
    out = tmp_path / "out" / f"export.{fmt}"
    export.write(bundle, fmt, out, False, NOW)
    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(out)
        text = " ".join(str(c.value) for ws in workbook for row in ws.iter_rows() for c in row)
    elif fmt == "csv":
        text = " ".join(p.read_text(encoding="utf-8-sig") for p in out.iterdir())
    else:
        text = out.read_text(encoding="utf-8")
    for person in people:
        assert person.name not in text
    assert "D01" in text
