"""The saved planning start, the planning in the report and the indicators the kartrekker enters."""

import sqlite3
from datetime import UTC, date, datetime

import openpyxl
import pytest

from pztraining.cli.main import main
from pztraining.reports import borging as export
from pztraining.services.kartrekker import entered, gather, indicators
from pztraining.store import SCHEMA_VERSION, Store
from tests.unit.test_kartrekker_indicators import AMSTERDAM, ORG, TODAY, fill_organisation

MOMENT = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
REMARK = '=HYPERLINK("http://x") <i>enquête</i> 40 van 60'
H1, H2 = indicators.buckets(date(2026, 1, 1), date(2026, 12, 31), "halfjaar")


# ---------------------------------------------------------------- store verbs


def test_the_start_month_is_kept_per_organisation_and_programme_and_replaced(any_store):
    store = any_store
    assert store.plan_start(ORG, "mysupport") is None
    store.set_plan_start(ORG, "mysupport", "planning-mysupport", date(2025, 9, 17), MOMENT)
    store.set_plan_start("Ander huis", "mysupport", "planning-mysupport", date(2026, 2, 1), MOMENT)
    assert store.plan_start(ORG, "mysupport") == ("planning-mysupport", date(2025, 9, 1))  # the month, not the day
    store.set_plan_start(ORG, "mysupport", "planning-mysupport", date(2026, 1, 1), LATER)
    assert store.plan_start(ORG, "mysupport") == ("planning-mysupport", date(2026, 1, 1))
    assert store.plan_start("Ander huis", "mysupport") == ("planning-mysupport", date(2026, 2, 1))
    assert store.plan_start(ORG, "ggz") is None


def test_entered_figures_keep_their_moment_and_remark_as_typed(any_store):
    store = any_store
    store.add_entered_indicator(ORG, "lead_time", H1.start, H1.end, 12.5, "dagen", REMARK, MOMENT)
    store.add_entered_indicator(ORG, "lead_time", H1.start, H1.end, 11.0, "dagen", "", LATER)
    kept = store.entered_indicators(ORG)
    assert [(e.value, e.unit, e.remark, e.entered_at) for e in kept] == [
        (12.5, "dagen", REMARK, MOMENT),
        (11.0, "dagen", "", LATER),
    ]  # history stays, oldest first
    assert (kept[0].period_start, kept[0].period_end) == (date(2026, 1, 1), date(2026, 6, 30))
    assert store.entered_indicators("Ander huis") == []


def test_a_schema_11_database_gets_the_new_tables_on_open(tmp_path):
    path = tmp_path / "pz.db"
    Store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as db:  # as a pztraining of schema 11 left it
        db.executescript("DROP TABLE plan_starts; DROP TABLE entered_indicators; UPDATE pz_schema SET version = 11;")
    reopened = Store(f"sqlite:///{path}")
    assert reopened.schema_version() == SCHEMA_VERSION >= 12
    reopened.set_plan_start(ORG, "mysupport", "planning-mysupport", date(2026, 1, 1), MOMENT)
    reopened.add_entered_indicator(ORG, "lead_time", H1.start, H1.end, 3, "weken", "", MOMENT)
    assert reopened.plan_start(ORG, "mysupport")[1] == date(2026, 1, 1)
    assert [e.value for e in reopened.entered_indicators(ORG)] == [3.0]


# ---------------------------------------------------------------- the pure logic


@pytest.mark.parametrize(
    "indicator, unit, typed, value",
    [
        ("client_satisfaction", "cijfer (0–10)", " 7,8 ", 7.8),
        ("client_satisfaction", "%", "100", 100.0),
        ("lead_time", "dagen", "0", 0.0),
        ("lead_time", "weken", "3.5", 3.5),
    ],
)
def test_a_typed_number_is_read_with_a_decimal_comma_or_point(indicator, unit, typed, value):
    assert entered.parse_value(indicator, unit, typed) == value


@pytest.mark.parametrize(
    "indicator, unit, typed, message",
    [
        ("client_satisfaction", "cijfer (0–10)", "", "Vul een getal in."),
        ("client_satisfaction", "cijfer (0–10)", "acht", "'acht' is geen getal; typ bijvoorbeeld 7,5."),
        ("client_satisfaction", "cijfer (0–10)", "nan", "'nan' is geen getal; typ bijvoorbeeld 7,5."),
        ("client_satisfaction", "cijfer (0–10)", "-1", "Een negatief getal kan hier niet; vul 0 of meer in."),
        (
            "client_satisfaction",
            "cijfer (0–10)",
            "11",
            "Meer dan 10 cijfer (0–10) kan niet kloppen; controleer het getal.",
        ),
        ("client_satisfaction", "%", "250", "Meer dan 100 % kan niet kloppen; controleer het getal."),
        ("lead_time", "dagen", "1e9", "Meer dan 730 dagen kan niet kloppen; controleer het getal."),
        ("lead_time", "%", "5", "Onbekende eenheid '%'; kies dagen, weken."),
    ],
)
def test_a_wrong_or_absurd_number_gets_a_dutch_message(indicator, unit, typed, message):
    with pytest.raises(ValueError) as caught:
        entered.parse_value(indicator, unit, typed)
    assert str(caught.value) == message


def test_the_latest_entry_of_a_period_counts_and_only_in_its_own_division(store):
    store.add_entered_indicator(ORG, "client_satisfaction", H1.start, H1.end, 7.0, "cijfer (0–10)", "eerste", MOMENT)
    store.add_entered_indicator(ORG, "client_satisfaction", H1.start, H1.end, 7.6, "cijfer (0–10)", "herzien", LATER)
    store.add_entered_indicator(ORG, "lead_time", H2.start, H2.end, 9.0, "dagen", "", MOMENT)
    rows = entered.latest(store.entered_indicators(ORG), [H1, H2])
    assert list(zip(rows["period"], rows["indicator"], rows["value"], rows["remark"])) == [
        ("1e helft 2026", "client_satisfaction", 7.6, "herzien"),
        ("2e helft 2026", "lead_time", 9.0, ""),
    ]
    year = indicators.buckets(date(2026, 1, 1), date(2026, 12, 31), "jaar")
    assert entered.latest(store.entered_indicators(ORG), year).empty  # a half-year figure is not a year's


# ---------------------------------------------------------------- gathered and exported


def _report(store, tmp_path, fmt):
    data = gather.borging(store, ORG, date(2026, 1, 1), date(2026, 12, 31), TODAY, AMSTERDAM, program_id="mysupport")
    path = tmp_path / f"borging.{fmt}"
    export.write(data, fmt, path, datetime(2026, 11, 30, 10, 15))
    return data, path


def _sheet(workbook, name):
    rows = list(workbook[name].iter_rows(values_only=True))
    return rows[0], [dict(zip(rows[0], row)) for row in rows[1:]]


def test_the_saved_start_month_decides_the_planning_and_its_overdue_marks(store):
    fill_organisation(store)
    # Not chosen: the first training (A, March 2026) falls in the training months 4–6.
    data = gather.borging(store, ORG, date(2026, 1, 1), date(2026, 12, 31), TODAY, AMSTERDAM, program_id="mysupport")
    assert (data.plan_choice.start, data.plan_choice.saved) == (date(2025, 12, 1), False)
    assert {r.id: r for r in data.planning.rows}["training-plannen"].done
    # Chosen September 2025: the training months are December–February, none held then.
    store.set_plan_start(ORG, "mysupport", "planning-mysupport", date(2025, 9, 1), MOMENT)
    data = gather.borging(store, ORG, date(2026, 1, 1), date(2026, 12, 31), TODAY, AMSTERDAM, program_id="mysupport")
    assert (data.plan_choice.start, data.plan_choice.saved) == (date(2025, 9, 1), True)
    assert {r.id: r for r in data.planning.rows}["training-plannen"].overdue


def test_the_workbook_holds_the_planning_month_by_month_from_the_saved_start(store, tmp_path):
    fill_organisation(store)
    store.set_plan_start(ORG, "mysupport", "planning-mysupport", date(2025, 9, 1), MOMENT)
    data, path = _report(store, tmp_path, "xlsx")
    workbook = openpyxl.load_workbook(path)
    header, rows = _sheet(workbook, "Planning")
    assert header[:4] == ("Fase", "Activiteit", "Stand", "sep 2025") and header[-1] == "sep 2026"
    assert len(header) == 3 + 13
    by_text = {r["Activiteit"]: r for r in rows}
    training = by_text["De training inroosteren en geven"]
    assert [m for m in header[3:] if training[m] == "■"] == ["dec 2025", "jan 2026", "feb 2026"]
    assert training["Stand"] == "⚠ achter: geen training gehouden in deze maanden"
    placed = by_text["Trainingen"]
    assert (placed["mrt 2026"], placed["jun 2026"], placed["jul 2026"]) == ("A", "B", "C")
    assert [m for m in header[3:] if placed[m]] == ["mrt 2026", "jun 2026", "jul 2026"]  # D (Dec 2026) is outside
    assert len(rows) == len(data.planning.rows) + 1
    summary = {r["Onderdeel"]: r["Waarde"] for r in _sheet(workbook, "Samenvatting")[1]}
    assert summary["Startmaand planning"] == "sep 2025 (gekozen door de kartrekker)"


def test_entered_figures_are_in_the_workbook_beside_the_measured_ones_and_remarks_stay_text(store, tmp_path):
    fill_organisation(store)
    store.add_entered_indicator(ORG, "client_satisfaction", H1.start, H1.end, 7.0, "cijfer (0–10)", "oud", MOMENT)
    store.add_entered_indicator(ORG, "client_satisfaction", H1.start, H1.end, 7.6, "cijfer (0–10)", REMARK, LATER)
    store.add_entered_indicator(ORG, "lead_time", H2.start, H2.end, 18.0, "dagen", "", MOMENT)
    _data, path = _report(store, tmp_path, "xlsx")
    workbook = openpyxl.load_workbook(path)
    _, table = _sheet(workbook, "Indicatoren")
    assert [r["Tevredenheid cliënten en naasten (ingevoerd)"] for r in table] == [pytest.approx(7.6), None]
    assert [r["Tevredenheid cliënten en naasten: eenheid"] for r in table] == ["cijfer (0–10)", None]
    assert [r["Casusdoorlooptijd (ingevoerd)"] for r in table] == [None, pytest.approx(18.0)]
    assert table[0]["Trainingen gehouden"] == 2  # the measured figures stay beside them
    _, typed = _sheet(workbook, "Ingevoerd")
    assert [(r["Periode"], r["Indicator"], r["Waarde"], r["Eenheid"], r["Ingevoerd op"], r["Bron"]) for r in typed] == [
        (
            "1e helft 2026",
            "Tevredenheid cliënten en naasten",
            pytest.approx(7.6),
            "cijfer (0–10)",
            "02-11-2026 09:30",
            "ingevoerd",
        ),
        ("2e helft 2026", "Casusdoorlooptijd", pytest.approx(18.0), "dagen", "01-10-2026 08:00", "ingevoerd"),
    ]
    cells = [c for row in workbook["Ingevoerd"].iter_rows() for c in row if c.value == REMARK]
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_the_html_report_shows_the_planning_and_the_entered_figures_escaped(store, tmp_path):
    fill_organisation(store)
    store.set_plan_start(ORG, "mysupport", "planning-mysupport", date(2025, 9, 1), MOMENT)
    store.add_entered_indicator(ORG, "lead_time", H2.start, H2.end, 18.0, "dagen", REMARK, MOMENT)
    _data, path = _report(store, tmp_path, "html")
    page = path.read_text(encoding="utf-8")
    assert "<h2>Planning</h2>" in page and "sep 2025" in page and "⚠ achter" in page
    assert page.count("pz-period-chart") == 7 + 1  # the entered indicator gets its own chart
    assert "Casusdoorlooptijd (dagen, ingevoerd)" in page
    assert "<title>2e helft 2026: 18</title>" in page
    assert "&lt;NA&gt;" not in page and "nan<" not in page  # the first half-year without a figure: an empty cell
    assert "&lt;i&gt;enquête&lt;/i&gt;" in page and "<i>enquête</i>" not in page


def test_the_borging_command_reports_the_saved_planning(store, tmp_path):
    fill_organisation(store)
    store.set_plan_start(ORG, "mysupport", "planning-mysupport", date(2026, 1, 1), MOMENT)
    out = tmp_path / "rapport.xlsx"
    assert (
        main(
            [
                "borging",
                "--db",
                store.url,
                "--org",
                ORG,
                "--program",
                "mysupport",
                "--from",
                "2026-01-01",
                "--to",
                "2026-12-31",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    header, _ = _sheet(openpyxl.load_workbook(out), "Planning")
    assert header[3] == "jan 2026"
