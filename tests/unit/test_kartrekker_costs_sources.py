"""Costs that explain themselves: every line says where its numbers come from, the totals per year
and over the run add up, the guide amount's relation is said, on the page, in the Excel and in
the printed (HTML) report."""

import openpyxl
import pytest

from pztraining.content import library
from pztraining.reports import borging as export
from pztraining.services.kartrekker import costs, gather
from tests.unit.test_kartrekker_costs import MYSUPPORT

MARK = "(voorstel van pztraining)"


def _mysupport(typed=None):
    return costs.estimate(library().costs["kosten-mysupport"], MYSUPPORT if typed is None else typed)


def test_every_default_says_whether_it_is_from_the_source_a_proposal_or_the_organisations():
    fmt = library().costs["kosten-mysupport"]
    origins = {spec.id: spec.origin for spec in fmt.inputs}
    # The seed's own figures (mySupport Implementatiehandreiking, "Tijd- & Financiële investering").
    assert {k for k, v in origins.items() if v == "bron"} == {
        "uren-training",
        "uren-gesprek",
        "kartrekker-per-week",
        "voorbereiding-training",
        "coachmomenten",
        "uren-coaching",
    }
    assert {spec.id: spec.default for spec in fmt.inputs if spec.origin == "bron"} == {
        "uren-training": 5,
        "uren-gesprek": 2,
        "kartrekker-per-week": 30,
        "voorbereiding-training": 4,
        "coachmomenten": 3,
        "uren-coaching": 1.5,
    }
    # The training fee is the project's: only the organisation knows it, so it starts empty (0).
    assert origins["trainingsprijs"] == "organisatie" and fmt.input("trainingsprijs").default == 0
    assert origins["looptijd-weken"] == "voorstel"


def test_each_line_names_the_origin_of_each_of_its_numbers():
    defaults = {line.id: line for line in _mysupport({}).lines}
    assert defaults["training"].origin == (f"2 trainingen {MARK}; 12 verzorgenden {MARK}; 5 uur (bron); €38 {MARK}")
    assert defaults["trainingskosten"].origin.endswith("€0 (nog in te vullen door de organisatie)")
    # The kartrekker's cost × duration: the half hour is the source's, running it over the whole run is ours.
    assert defaults["kartrekker-voortgang"].origin == (
        f"30 min (bron); 56 weken {MARK}; €50 {MARK}. 30 minuten per week komt uit de bron; "
        f"dat het de hele looptijd doorloopt {MARK}"
    )
    typed = {line.id: line for line in _mysupport().lines}
    assert (
        typed["training"].origin == "3 trainingen (eigen cijfer); 12 verzorgenden (voorstel van pztraining); "
        "5 uur (bron); €38 (voorstel van pztraining)"
    )
    assert typed["trainingskosten"].origin.endswith("€250 (eigen cijfer)")


def test_the_lines_a_kartrekker_budgets_are_there():
    lines = {line.id: line for line in _mysupport().lines}
    assert lines["trainingskosten"].formula == "3 trainingen × 12 verzorgenden × €250"
    assert lines["voorbereiding-deelnemers"].formula == "3 trainingen × 12 verzorgenden × 1,5 uur × €38"
    assert lines["leidinggevende"].formula == "60 min × 56 weken × €64"
    assert lines["leidinggevende"].amount == pytest.approx(56 * 64)


def test_the_totals_per_year_and_over_the_run_add_up():
    estimate = _mysupport()
    assert estimate.run_weeks == 56
    # 56 weeks: 52 in the first year, 4 in the second, spread evenly per week.
    assert estimate.per_year == pytest.approx((31224.5 * 52 / 56, 31224.5 * 4 / 56), abs=0.01)
    assert sum(estimate.per_year) == pytest.approx(estimate.total)
    rows = costs.total_rows(estimate)
    assert [label for label, _ in rows] == [
        f"Jaar 1 van de looptijd {MARK}",
        f"Jaar 2 van de looptijd {MARK}",
        "Totaal over de looptijd (56 weken)",
    ]
    vll = costs.estimate(library().costs["kosten-vll"], {})
    assert vll.run_weeks == 104 and len(vll.per_year) == 2 and vll.per_year[0] == pytest.approx(vll.total / 2)
    assert costs.spread_over_years(1000, 30) == (1000,)


def test_the_relation_to_the_guide_amount_is_said():
    assert costs.relation(_mysupport()) == (
        "Deze raming komt op €31.224,50: 89% van het richtbedrag van €35.000 (€3.775,50 minder)."
    )
    more = _mysupport({**MYSUPPORT, "trainingen": "5"})
    assert "meer)." in costs.relation(more)
    assert "richtbedrag" in library().costs["kosten-mysupport"].example_note
    assert costs.relation(costs.estimate(library().costs["kosten-vll"], {})) == ""  # no guide amount in seed 003


def test_the_excel_and_the_printed_report_carry_sources_totals_and_the_relation(store, tmp_path):
    from datetime import UTC, date, datetime

    from tests.unit.test_kartrekker_indicators import ORG, fill_organisation

    fill_organisation(store)
    now = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    store.save_cost_inputs(ORG, "kosten-mysupport", MYSUPPORT, now)
    data = gather.borging(
        store, ORG, date(2026, 1, 1), date(2026, 12, 31), date(2026, 11, 2), UTC, program_id="mysupport"
    )
    path = export.write(data, "xlsx", tmp_path / "borging.xlsx", now)
    rows = list(openpyxl.load_workbook(path)["Kosten"].iter_rows(values_only=True))
    table = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    by_line = {r["Post"]: r for r in table}
    assert by_line["Training zorgverleners"]["Herkomst"].startswith("3 trainingen (eigen cijfer)")
    assert by_line["Training door het project (kosten per deelnemer)"]["Bedrag (€)"] == pytest.approx(9000)
    assert by_line["Totaal over de looptijd (56 weken)"]["Bedrag (€)"] == pytest.approx(31224.5)
    assert by_line[f"Jaar 1 van de looptijd {MARK}"]["Bedrag (€)"] == pytest.approx(31224.5 * 52 / 56, abs=0.01)
    guide = by_line["Richtbedrag uit de bron"]
    assert guide["Bedrag (€)"] == 35000 and guide["Herkomst"].startswith("Deze raming komt op €31.224,50: 89%")
    page = export.write(data, "html", tmp_path / "borging.html", now).read_text(encoding="utf-8")
    assert "Totaal over de looptijd (56 weken)" in page and "Deze raming komt op €31.224,50" in page
    assert "5 uur (bron)" in page and MARK in page
