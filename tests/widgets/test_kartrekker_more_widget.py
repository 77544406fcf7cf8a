"""The kartrekker page: the chosen start month comes back, entered indicators are checked, kept and shown."""

import base64
import io
from datetime import date

import openpyxl

from pztraining.ui.kartrekker import KartrekkerApp
from tests.conftest import FakeClock
from tests.unit.test_kartrekker_indicators import ORG
from tests.widgets.test_kartrekker_widget import NOW, app  # noqa: F401 - the page fixture


def _reload(store, tab):
    again = KartrekkerApp(store, clock=FakeClock(NOW))
    again.org_select.value = ORG
    again.tabs.selected_index = tab
    return again


def test_a_chosen_start_month_is_saved_and_shown_again_after_a_reload(app, store):  # noqa: F811
    app.tabs.selected_index = 2
    assert "Nog geen startmaand gekozen" in app.planning.saved_note.value
    assert store.plan_start(ORG, "mysupport") is None  # showing the tab saves nothing
    app.planning.start_select.value = date(2025, 1, 1)
    assert "Startmaand jan 2025 opgeslagen." in app.planning.saved_note.value
    again = _reload(store, 2)
    assert again.planning.start_select.value == date(2025, 1, 1)
    assert "De gekozen startmaand is opgeslagen" in again.planning.saved_note.value
    assert "pz-overdue" in again.planning.timeline.value  # no training in April–June 2025: behind


def _borging(page):
    # The entered indicators are the hospice blueprint's: that programme's borging asks for them.
    page.program_select.value = "hospice-ggz"
    page.tabs.selected_index = 3
    view = page.borging
    view.date_from.value, view.date_to.value = date(2026, 1, 1), date(2026, 12, 31)
    view.render()
    return view


def test_a_wrong_number_is_said_beside_the_field_and_nothing_is_stored(app, store):  # noqa: F811
    form = _borging(app).entered
    form.value.value = "-3"
    form.save()
    assert "Een negatief getal kan hier niet" in form.error.value
    form.indicator.value = "lead_time"
    form.value.value = "5000"
    form.save()
    assert "Meer dan 730 dagen kan niet kloppen" in form.error.value
    assert store.entered_indicators(ORG) == []
    assert form.value.value == "5000"  # what was typed stays to correct


def test_an_entered_figure_is_kept_and_shown_beside_the_measured_ones_after_a_reload(app, store):  # noqa: F811
    view = _borging(app)
    form = view.entered
    assert [label for label, _ in form.period.options] == ["1e helft 2026", "2e helft 2026"]
    form.indicator.value = "client_satisfaction"
    form.period.value = "1e helft 2026"
    form.value.value = "7,8"
    form.unit.value = "cijfer (0–10)"
    form.remark.value = "<b>enquête</b> onder 40 naasten"
    form.save()
    assert form.error.value == ""
    assert "opgeslagen: 7,8 cijfer (0–10)" in form.message.value
    again = _borging(_reload(store, 3))
    page = again.output.value
    assert "Tevredenheid cliënten en naasten (ingevoerd)" in page  # a column of the indicator table
    assert "Tevredenheid cliënten en naasten (cijfer (0–10), ingevoerd)" in page  # and its chart
    assert "<title>1e helft 2026: 7,8</title>" in page
    assert "&lt;b&gt;enquête&lt;/b&gt; onder 40 naasten" in page and "<b>enquête</b>" not in page
    assert page.count("pz-period-chart") == 7 + 1
    again.export_format.value = "xlsx"
    again.download()
    payload = again.download_link.value.split("base64,", 1)[1].split("'", 1)[0]
    rows = list(openpyxl.load_workbook(io.BytesIO(base64.b64decode(payload)))["Ingevoerd"].iter_rows(values_only=True))
    assert rows[1][:4] == ("1e helft 2026", "Tevredenheid cliënten en naasten", 7.8, "cijfer (0–10)")
    assert rows[1][4] == "<b>enquête</b> onder 40 naasten"
