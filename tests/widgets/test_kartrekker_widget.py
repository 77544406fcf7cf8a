"""The kartrekker page as widgets: scores kept and shown again, live costs, planning, borging, report."""

import base64
import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from pztraining.ui.kartrekker import KartrekkerApp
from tests.conftest import FakeClock
from tests.unit.test_kartrekker_indicators import ORG, fill_organisation

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def app(store):
    fill_organisation(store)
    page = KartrekkerApp(store, clock=FakeClock(NOW))
    page.org_select.value = ORG
    return page


def test_the_picker_offers_the_organisations_and_their_own_programme_first(app):
    assert [value for _, value in app.org_select.options] == ["Ander huis", ORG]
    assert app.program_select.value == "mysupport"


def test_scores_are_kept_and_shown_again_on_a_new_page(app, store):
    view = app.conditions
    view._scores["looptijd"].value = "wel"
    view._scores["kennis"].value = "niet"
    view._remarks["kennis"].value = "<b>scholing</b> nodig"
    view.save()
    assert "2 scores opgeslagen" in view.message.value
    again = KartrekkerApp(store, clock=FakeClock(NOW))
    again.org_select.value = ORG
    assert again.conditions._scores["looptijd"].value == "wel"
    assert again.conditions._scores["kennis"].value == "niet"
    assert again.conditions._remarks["kennis"].value == "<b>scholing</b> nodig"
    assert again.conditions._scores["visie"].value is None
    summary = again.conditions.summary.value
    assert "Nu: 1 wel, 0 gedeeltelijk, 1 (nog) niet, 15 nog niet gescoord." in summary
    assert summary.index("Er is in de organisatie genoeg kennis") < summary.index("De taken en verantwoordelijkheden")


def test_saving_without_any_score_says_what_to_do(app, store):
    app.conditions.save()
    assert "Geef eerst minstens één voorwaarde een score." in app.conditions.message.value
    assert store.condition_scores(ORG) == []


def test_a_second_round_shows_the_change_since_last_time(app, store):
    view = app.conditions
    view._scores["kennis"].value = "gedeeltelijk"
    view.save()
    view.clock.advance(days=90)
    view._scores["kennis"].value = "wel"
    view.save()
    assert "vorige keer: gedeeltelijk – beter dan vorige keer" in view._notes["kennis"].value
    assert view.history.value.count("<li>") == 2


def test_the_cost_total_follows_every_keystroke_and_a_wrong_number_stops_it(app):
    app.tabs.selected_index = 1
    costs = app.costs
    first = costs.estimate.total
    costs._inputs["deelnemers"].value = "13"
    # 2 trainings × 1 more × (5 h training + 1 h preparation) × €38; the project's fee is still 0
    assert costs.estimate.total == pytest.approx(first + 2 * 1 * (5 + 1) * 38)
    assert "2 trainingen × 13 verzorgenden × 5 uur × €38" in costs.lines.value
    costs._inputs["deelnemers"].value = "-1"
    assert "niet negatief" in costs._errors["deelnemers"].value
    assert "Geen totaal" in costs.total.value and "Totaal:" not in costs.total.value
    costs._inputs["deelnemers"].value = "12"
    assert costs._errors["deelnemers"].value == "" and costs.estimate.total == first


def test_saved_cost_numbers_come_back_as_typed(app, store):
    app.tabs.selected_index = 1
    app.costs._inputs["tarief-verzorgende"].value = "41,50"
    app.costs.save()
    again = KartrekkerApp(store, clock=FakeClock(NOW))
    again.org_select.value = ORG
    again.tabs.selected_index = 1
    assert again.costs._inputs["tarief-verzorgende"].value == "41,50"


def test_the_planning_places_the_trainings_and_marks_a_missed_training_window(app):
    app.tabs.selected_index = 2
    view = app.planning
    assert view.start_select.value == date(2025, 12, 1)  # A (March) falls in "inroosteren en geven" (months 4–6)
    assert "Demo" not in view.timeline.value and ">A<" in view.timeline.value
    view.start_select.value = date(2025, 1, 1)  # no training in April–June 2025: behind
    assert "pz-overdue" in view.timeline.value and "achter" in view.timeline.value


def test_the_borging_tab_draws_a_chart_per_indicator_and_offers_the_report(app):
    app.tabs.selected_index = 3
    view = app.borging
    view.date_from.value, view.date_to.value = date(2026, 1, 1), date(2026, 12, 31)
    view.render()
    assert view.output.value.count("pz-period-chart") == 7
    assert "<title>1e helft 2026: 2</title>" in view.output.value
    view.export_format.value = "xlsx"
    view.download()
    payload = view.download_link.value.split("base64,", 1)[1].split("'", 1)[0]
    workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(payload)))
    assert workbook.sheetnames[:2] == ["Samenvatting", "Indicatoren"]


def test_without_trainings_the_page_says_where_to_start(tmp_path):
    from pztraining.store import Store

    empty = KartrekkerApp(Store(f"sqlite:///{tmp_path / 'leeg.db'}"))
    assert "Maak eerst een training aan" in empty.message.value


def test_a_reversed_period_is_said_in_dutch_and_nothing_is_drawn(app):
    app.tabs.selected_index = 3
    view = app.borging
    view.date_from.value, view.date_to.value = date(2026, 12, 31), date(2026, 1, 1)
    view.render()
    assert "De periode klopt niet: 31-12-2026 ligt na 01-01-2026." in view.message.value
    assert view.output.value == ""
