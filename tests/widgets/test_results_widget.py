"""The results page as widgets: counts, charts, escaped open answers, downloads, paper forms."""

import base64
import io

import openpyxl
import pytest

from pztraining.ui.results_app import ResultsApp
from tests.unit.test_report import fill


@pytest.fixture
def app(store, clock):
    fill(store)
    return ResultsApp(store, clock=clock)


def test_live_counts_per_form(app):
    assert "Evaluatie van de training mySupport: 7" in app.live_counts.value


def test_showing_draws_charts_and_lists_open_answers_escaped(app):
    app.show()
    assert app.output.value.count("<svg") >= 3
    assert "&lt;b&gt;Rustig&lt;/b&gt; beginnen" in app.output.value
    assert "<b>Rustig</b>" not in app.output.value


def test_an_export_is_offered_as_a_download_that_opens(app):
    app.export_format.value = "xlsx"
    app.export()
    payload = app.download.value.split("base64,", 1)[1].split("'", 1)[0]
    workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(payload)))
    assert workbook.sheetnames[0] == "Samenvatting"


def test_a_paper_form_is_entered_through_the_form_screen_and_marked(app, store):
    app.form_select.value = "evaluatie-mysupport"
    app.start_paper()
    app.paper_form.submit({})
    assert app.paper_form.status == "invalid"
    app.paper_form.submit(
        {
            "relevantie": 5,
            "duidelijkheid": 4,
            "trainer": 4,
            "materialen": 4,
            "tijd": 3,
            "oefenen": 5,
            "aanbevelen": 9,
            "vertrouwen-gesprek": 7,
        }
    )
    assert app.paper_form.status == "submitted"
    rows = [r for r in store.answer_rows([app.training_select.value]) if r["paper"]]
    assert rows and all(r["participant_id"] is None for r in rows)
    assert "Evaluatie van de training mySupport: 8" in app.live_counts.value


def test_a_paper_form_with_a_skipped_required_question_is_accepted_and_shown_as_paper(app, store):
    app.form_select.value = "evaluatie-mysupport"
    app.start_paper()
    app.paper_form.submit({"relevantie": 5, "duidelijkheid": 4, "aanbevelen": 9})  # the rest left open on paper
    assert app.paper_form.status == "submitted", app.paper_form.errors
    assert "Op papier niet ingevuld" in app.paper_message.value
    rows = [r for r in store.answer_rows([app.training_select.value]) if r["paper"]]
    assert {r["item_id"] for r in rows} == {"relevantie", "duidelijkheid", "aanbevelen"}
    app.show()
    assert "Hiervan komen 1 formulier(en) van papier" in app.output.value


def test_a_blank_paper_form_is_not_stored(app, store):
    app.form_select.value = "evaluatie-mysupport"
    app.start_paper()
    app.paper_form.submit({})
    assert app.paper_form.status == "invalid"
    assert not [r for r in store.answer_rows([app.training_select.value]) if r["paper"]]


def test_a_store_error_on_a_paper_form_is_said_and_what_was_typed_is_kept(app, store, monkeypatch):
    from pztraining.store import StoreError

    app.form_select.value = "evaluatie-mysupport"
    app.start_paper()
    typed = {"relevantie": 5, "tijd": 3}

    def locked(*args, **kwargs):
        raise StoreError("De database weigert de wijziging: database is locked.")

    monkeypatch.setattr(store, "submit", locked)
    app.paper_form.submit(typed)
    assert app.paper_form.status == "error"
    assert "niet opgeslagen: De database weigert de wijziging" in app.paper_message.value
    assert "pz-message-error" in app.paper_message.value
    assert app.paper_form.values == typed
    monkeypatch.undo()
    app.paper_form.submit(typed)  # the browser sends it again
    assert app.paper_form.status == "submitted"
    assert len({r["submission"] for r in store.answer_rows([app.training_select.value]) if r["paper"]}) == 1


def test_a_period_with_from_after_to_is_explained(app):
    from datetime import date

    app.mode.value = "period"
    app.date_from.value, app.date_to.value = date(2026, 12, 1), date(2026, 1, 1)
    app.show()
    assert "De periode klopt niet" in app.message.value


def test_the_page_opens_on_the_training_where_something_happened_last(store, clock):
    filled, _ = fill(store, name="Team Zon")  # answers, before the next training was made
    store.add_training("Team Maan", "mysupport", clock())  # newest, nothing happened yet
    app = ResultsApp(store, clock=clock)
    assert app.training_select.value == filled.id
    assert "Evaluatie van de training mySupport: 7" in app.live_counts.value
