"""The management report read back figure for figure, without names, text as text; and the CLI."""

from datetime import UTC, date, datetime

import openpyxl
import pytest

from pztraining.cli.main import main
from pztraining.reports import borging as export
from pztraining.services.kartrekker import gather
from tests.unit.test_kartrekker_indicators import AMSTERDAM, NAMES, ORG, TODAY, fill_organisation

CREATED = datetime(2026, 11, 30, 10, 15)
REMARK = "=cmd|' /C calc'!A0 <b>x</b>"


@pytest.fixture
def data(store):
    fill_organisation(store)
    store.add_condition_scores(
        ORG,
        "mysupport",
        [("looptijd", 1, "De looptijd ligt vast.", "gedeeltelijk", REMARK)],
        datetime(2026, 10, 1, 8, 0, tzinfo=UTC),
    )
    store.save_cost_inputs(
        ORG, "kosten-mysupport", {"trainingen": "3", "deelnemers": "12"}, datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
    )
    return gather.borging(store, ORG, date(2026, 1, 1), date(2026, 12, 31), TODAY, AMSTERDAM, program_id="mysupport")


def _sheet(workbook, name):
    rows = list(workbook[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_the_workbook_has_dutch_sheets_and_every_figure_of_the_page(data, tmp_path):
    path = tmp_path / "borging.xlsx"
    export.write(data, "xlsx", path, CREATED)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [
        "Samenvatting",
        "Indicatoren",
        "Voor en na",
        "Randvoorwaarden",
        "Kosten",
        "Planning",
        "Ingevoerd",
    ]
    indicators = _sheet(workbook, "Indicatoren")
    assert len(indicators) == len(data.rows) == 2
    for read, (_, row) in zip(indicators, data.rows.iterrows()):
        assert read["Periode"] == row["period"]
        assert read["Trainingen gehouden"] == row["trainings_held"]
        assert read["Deelnemers getraind"] == row["participants"]
        assert read["Formulieren ingevuld"] == row["answered"] and read["Formulieren gevraagd"] == row["asked"]
        assert read["Respons (%)"] == pytest.approx(round(row["response_rate"] * 100, 1))
        assert read["Tevredenheid (0–10)"] == pytest.approx(round(row["satisfaction"], 2))
        assert read["Casuïstiekbesprekingen"] == row["case_discussions"]
    assert indicators[0]["Respons (%)"] == pytest.approx(58.3)  # 7 of 12, see the indicators fixture
    assert indicators[0]["Zelfvertrouwen verandering"] == pytest.approx(2.33)
    assert indicators[1]["Zelfvertrouwen verandering"] is None  # no pairs: an empty cell, not 0
    costs = _sheet(workbook, "Kosten")
    estimate = data.estimates["kosten-mysupport"]
    expected = [line.amount for line in estimate.lines] + [*estimate.per_year, estimate.total, 35000]
    assert [r["Bedrag (€)"] for r in costs] == pytest.approx(expected)
    training = next(r for r in costs if r["Post"] == "Training zorgverleners")
    assert training["Berekening"] == "3 trainingen × 12 verzorgenden × 5 uur × €38"
    assert training["Bedrag (€)"] == 3 * 12 * 5 * 38


def test_free_text_is_text_in_the_workbook_never_a_formula(data, tmp_path):
    path = tmp_path / "borging.xlsx"
    export.write(data, "xlsx", path, CREATED)
    cells = [c for row in openpyxl.load_workbook(path)["Randvoorwaarden"].iter_rows() for c in row if c.value == REMARK]
    assert len(cells) == 1 and cells[0].data_type == "s"


@pytest.mark.parametrize("fmt", ["xlsx", "html"])
def test_no_participant_name_reaches_the_report(data, tmp_path, fmt):
    path = tmp_path / f"borging.{fmt}"
    export.write(data, fmt, path, CREATED)
    if fmt == "xlsx":
        text = " ".join(
            str(c) for ws in openpyxl.load_workbook(path) for row in ws.iter_rows(values_only=True) for c in row
        )
    else:
        text = path.read_text(encoding="utf-8")
    assert not [name for name in NAMES if name in text]
    assert "D01" not in text  # not even pseudonym codes: only counts and means


def test_the_html_is_self_contained_prints_on_a4_and_shows_a_chart_per_indicator(data, tmp_path):
    path = tmp_path / "borging.html"
    export.write(data, "html", path, CREATED)
    page = path.read_text(encoding="utf-8")
    assert "@page { size: A4" in page
    assert "http" not in page.replace("http://www.w3.org/2000/svg", "")  # nothing fetched
    assert page.count("pz-period-chart") == 7
    assert "<title>1e helft 2026: 2</title>" in page  # trainings held, as in the workbook
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page  # a remark is shown as typed


def test_a_period_without_trainings_gives_a_valid_report_that_says_so(store, tmp_path):
    fill_organisation(store)
    empty = gather.borging(store, ORG, date(2024, 1, 1), date(2024, 12, 31), TODAY, AMSTERDAM, program_id="mysupport")
    export.write(empty, "xlsx", tmp_path / "leeg.xlsx", CREATED)
    summary = _sheet(openpyxl.load_workbook(tmp_path / "leeg.xlsx"), "Samenvatting")
    none_held = "In deze periode zijn geen trainingen gehouden; de indicatoren staan op nul."
    assert none_held in [r["Waarde"] for r in summary]


def test_the_borging_command_writes_the_report(store, tmp_path, capsys):
    fill_organisation(store)
    out = tmp_path / "rapport.html"
    assert (
        main(
            [
                "borging",
                "--db",
                store.url,
                "--org",
                ORG,
                "--from",
                "01-01-2026",
                "--to",
                "2026-12-31",
                "--format",
                "html",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert capsys.readouterr().out == f"Managementrapportage geschreven: {out}\n"
    assert "Managementrapportage borging – Zorggroep Noord" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--org", "Niemand", "--from", "2026-01-01", "--to", "2026-12-31"],
            "Fout: Onbekende organisatie 'Niemand'. Bekend: Ander huis, Zorggroep Noord.\n",
        ),
        (
            ["--org", ORG, "--from", "2026-01-01"],
            "Fout: Geef de periode met --from en --to (bijvoorbeeld --from 2026-01-01 --to 2026-12-31).\n",
        ),
        (
            ["--org", ORG, "--from", "2026-12-31", "--to", "2026-01-01"],
            "Fout: De periode klopt niet: 31-12-2026 ligt na 01-01-2026.\n",
        ),
        (["--org", ORG, "--from", "2026-01-01", "--to", "2026-12-31", "--program", "onbekend"], None),
    ],
)
def test_the_borging_command_answers_bad_input_in_one_dutch_line(store, tmp_path, capsys, args, message):
    fill_organisation(store)
    out = tmp_path / "r.xlsx"
    assert main(["borging", "--db", store.url, "--out", str(out), *args]) == 1
    error = capsys.readouterr().err
    assert error.startswith("Fout: ") and error.count("\n") == 1 and "Traceback" not in error
    if message:
        assert error == message
    assert not out.exists()
