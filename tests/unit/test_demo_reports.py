"""The demo shows everything: the kartrekker's conditions (two rounds), costs, planning and entered
figures are filled, and every sheet of the demo organisation's borging report has rows."""

from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest

from pztraining.cli import demo
from pztraining.reports import borging as report
from pztraining.services.kartrekker import conditions, gather

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LINDE, VLINDER = "Demo-verpleeghuis De Linde", "Demo-hospice De Vlinder"


@pytest.fixture
def filled(store):
    demo.ensure_demo_trainings(store, NOW)
    return store


def _report(store, organisation, program_id, tmp_path):
    today = NOW.date()
    data = gather.borging(store, organisation, date(today.year - 1, 1, 1), today, today, UTC, program_id=program_id)
    path = report.write(data, "xlsx", tmp_path / f"{program_id}.xlsx", NOW)
    return data, openpyxl.load_workbook(path)


@pytest.mark.parametrize("organisation, program_id", [(LINDE, "mysupport"), (VLINDER, "hospice-ggz")])
def test_the_demo_borging_export_has_rows_in_every_sheet(filled, tmp_path, organisation, program_id):
    _data, workbook = _report(filled, organisation, program_id, tmp_path)
    assert workbook.sheetnames == [
        "Samenvatting",
        "Indicatoren",
        "Voor en na",
        "Randvoorwaarden",
        "Kosten",
        "Planning",
        "Ingevoerd",
    ]
    if program_id == "hospice-ggz":  # the blueprint gives no cost format: the hospice fills none in
        workbook.remove(workbook["Kosten"])
    empty = [ws.title for ws in workbook if ws.max_row < 2]
    assert empty == []


def test_the_demo_conditions_show_what_changed_since_the_previous_round(filled):
    progress = conditions.progress(gather.conditions_for("mysupport"), filled.condition_scores(LINDE, "mysupport"))
    assert len(progress.rounds) == 2
    by_id = {status.id: status for status in progress.statuses}
    assert (by_id["looptijd"].previous, by_id["looptijd"].score) == ("niet", "wel")  # better
    assert (by_id["kennis"].previous, by_id["kennis"].score) == ("gedeeltelijk", "niet")  # worse


def test_the_demo_costs_plan_and_figures_are_filled_once(filled):
    assert filled.cost_inputs(LINDE, "kosten-mysupport")["trainingsprijs"] == "175"
    assert filled.plan_start(LINDE, "mysupport")[0] == "planning-mysupport"
    figures = filled.entered_indicators(VLINDER, "hospice-ggz")
    assert {f.indicator_id for f in figures} == {"timely_admission", "client_satisfaction", "lead_time"}
    demo.ensure_demo_trainings(filled, NOW + timedelta(days=1))  # make demo again: nothing doubles
    assert len(filled.entered_indicators(VLINDER, "hospice-ggz")) == len(figures)
    assert len(filled.condition_scores(LINDE, "mysupport")) == 13
