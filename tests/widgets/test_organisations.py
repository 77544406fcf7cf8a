"""Hosted for several organisations: each page shows a logged-in user only what is theirs.

The hub's login name reaches the kernels as ``JUPYTERHUB_USER``; the tests set it the same way.
"""

import logging

import pytest

from pztraining.services import forms
from pztraining.ui.common import open_page
from pztraining.ui.trainer import TrainerApp


@pytest.fixture
def two_organisations(store, clock):
    """Two trainers of two organisations, a kartrekker of the first, a coordinator; one training each."""
    store.add_user("anna", "trainer", "Zorggroep Noord")
    store.add_user("bert", "trainer", "Zorggroep Zuid")
    store.add_user("kees", "kartrekker", "Zorggroep Noord")
    store.add_user("piet", "coordinator")
    noord = store.add_training("Team Noord", "mysupport", clock(), "Zorggroep Noord")
    zuid = store.add_training("Team Zuid", "ggz", clock(), "Zorggroep Zuid")
    return noord, zuid


def _login(monkeypatch, name):
    monkeypatch.setenv("JUPYTERHUB_USER", name)


def _option_ids(dropdown):
    return [value for _, value in dropdown.options]


def test_a_trainer_sees_only_its_organisations_trainings(store, clock, monkeypatch, two_organisations):
    noord, zuid = two_organisations
    _login(monkeypatch, "anna")
    app = TrainerApp(store, clock=clock)
    assert _option_ids(app.training_select) == [noord.id]
    assert app.training is not None and app.training.id == noord.id
    _login(monkeypatch, "bert")
    assert _option_ids(TrainerApp(store, clock=clock).training_select) == [zuid.id]


def test_a_new_training_gets_the_trainers_organisation(store, clock, monkeypatch, two_organisations):
    _login(monkeypatch, "anna")
    app = TrainerApp(store, clock=clock)
    form = app.new_training
    assert form.organisation.disabled and form.organisation.value == "Zorggroep Noord"
    form.organisation.value = "Zorggroep Zuid"  # a tampered field changes nothing
    form.group_name.value = "Team Noord 2"
    form.create_button.click()
    created = next(tr for tr in store.list_trainings() if tr.name == "Team Noord 2")
    assert created.organisation == "Zorggroep Noord"
    assert app.training_select.value == created.id
    assert len(app.training_select.options) == 2


def test_another_organisations_training_by_url_is_refused_and_logged(
    store, clock, monkeypatch, caplog, two_organisations
):
    noord, zuid = two_organisations
    _login(monkeypatch, "anna")
    caplog.set_level(logging.WARNING, "pztraining.services.access")
    app = TrainerApp(store, clock=clock, query=f"training={zuid.id}")
    assert "hoort niet bij jouw organisatie" in app.message.value
    assert app.training.id == noord.id and zuid.id not in _option_ids(app.training_select)
    assert "Team Zuid" not in app.message.value
    assert f"user='anna' role=trainer training={zuid.id} action=draaiboek" in caplog.text
    # and by id, past the dropdown
    app._show_training(zuid.id)
    assert app.training.id == noord.id and "hoort niet bij jouw organisatie" in app.message.value


def test_its_own_training_by_url_is_opened(store, clock, monkeypatch, two_organisations):
    noord, _ = two_organisations
    store.add_training("Team Noord later", "ggz", clock(), "Zorggroep Noord")
    _login(monkeypatch, "anna")
    app = TrainerApp(store, clock=clock, query=f"training={noord.id}")
    assert app.training.id == noord.id and "hoort niet" not in app.message.value


@pytest.mark.parametrize("page_class", ["TrainerApp", "ResultsApp", "FacilitatorApp"])
def test_a_login_name_without_a_role_gets_one_dutch_sentence_and_nothing_else(
    store, monkeypatch, two_organisations, page_class
):
    from pztraining.ui.facilitator import FacilitatorApp
    from pztraining.ui.results_app import ResultsApp

    pages = {"TrainerApp": TrainerApp, "ResultsApp": ResultsApp, "FacilitatorApp": FacilitatorApp}
    _login(monkeypatch, "onbekend")
    page = open_page(pages[page_class], store.url)
    texts = [child.value for child in page.children if hasattr(child, "value") and "<style>" not in child.value]
    assert len(texts) == 1 and "ingelogd als &#x27;onbekend&#x27;" in texts[0] and "nog geen rol" in texts[0]
    assert "Team" not in texts[0]


def test_a_kartrekker_is_sent_to_the_results_page(store, monkeypatch, two_organisations):
    _login(monkeypatch, "kees")
    page = open_page(TrainerApp, store.url)
    assert "is voor trainers. Als " in page.children[1].value
    assert "Team Noord" not in page.children[1].value


# ---------------------------------------------------------------- the results page


def _results_with_two_organisations(store):
    """Team Zon (Zorggroep, seven named participants) and Team Maan (Andere Zorg, one)."""
    from tests.unit.test_report import NOW, fill

    fill(store, name="Team Zon")
    maan = store.add_training("Team Maan", "mysupport", NOW, "Andere Zorg")
    person = store.add_participant(maan.id, "Persoon Maan", "maan-1", NOW)
    forms.open_form(store, maan.id, 1, "evaluatie-mysupport", False, NOW)
    forms.submit(
        store,
        maan.id,
        1,
        "evaluatie-mysupport",
        f"p:{person.id}",
        {"relevantie": 2, "aanbevelen": 3},
        NOW,
        participant_id=person.id,
    )
    store.add_user("kees", "kartrekker", "Zorggroep")
    store.add_user("piet", "coordinator")


def _exported_sheet(app, sheet="Antwoorden"):
    import base64
    import io

    import openpyxl

    app.export_format.value = "xlsx"
    app.export()
    payload = app.download.value.split("base64,", 1)[1].split("'", 1)[0]
    rows = openpyxl.load_workbook(io.BytesIO(base64.b64decode(payload)))[sheet].iter_rows(values_only=True)
    return [" ".join(str(cell) for cell in row if cell is not None) for row in rows]


def test_a_kartrekker_sees_and_exports_only_its_organisations_results(store, clock, monkeypatch):
    from pztraining.ui.results_app import ResultsApp

    _results_with_two_organisations(store)
    _login(monkeypatch, "kees")
    app = ResultsApp(store, clock=clock)
    assert [label for label, _ in app.training_select.options] == [
        "Team Zon (mySupport – proactieve zorgplanning bij dementie)"
    ]
    app.mode.value = "period"
    app.program_select.value = "mysupport"
    assert [tr.name for tr in app.scope().trainings] == ["Team Zon"]
    app.with_names.value = True  # a kartrekker may export its own organisation's names
    rows = _exported_sheet(app)
    assert any("Persoon 1" in row for row in rows)
    assert not any("Maan" in row for row in rows)


def test_a_coordinator_sees_every_organisation_but_never_a_name(store, clock, monkeypatch):
    from pztraining.ui.results_app import ResultsApp

    _results_with_two_organisations(store)
    _login(monkeypatch, "piet")
    app = ResultsApp(store, clock=clock)
    assert len(app.training_select.options) == 2
    assert app.with_names.layout.display == "none" and "zonder namen" in app.root.children[1].value
    app.mode.value = "period"
    app.program_select.value = "mysupport"
    assert sorted(tr.name for tr in app.scope().trainings) == ["Team Maan", "Team Zon"]
    app.show()
    assert "Persoon" not in app.output.value
    app.with_names.value = True  # asked for anyway (a tampered page): still no names
    rows = _exported_sheet(app)
    assert any("Maan" in row for row in rows) and any("Team Zon" in row for row in rows)
    assert not any("Persoon" in row for row in rows)
    assert any("D01" in row for row in rows)
    app.start_paper()
    assert app.paper_box.children == ()  # enters no forms either


# ---------------------------------------------------------------- the beamer page (/pz/zaal/)


def test_the_beamer_page_shows_a_trainer_only_its_organisations_codes(store, monkeypatch, caplog, two_organisations):
    from pztraining.serving.room.beamer import room_page

    noord, zuid = two_organisations
    monkeypatch.setenv("PZTRAINING_DB", store.url)  # the trainer server's database
    status, page = room_page("", {"JUPYTERHUB_USER": "anna"})
    assert status == 200 and noord.join_code in page and zuid.join_code not in page
    caplog.set_level(logging.WARNING, "pztraining.services.access")
    status, page = room_page(str(zuid.id), {"JUPYTERHUB_USER": "anna"})
    assert status == 403 and "hoort niet bij jouw organisatie" in page
    assert zuid.join_code not in page and "Team Zuid" not in page
    assert f"user='anna' role=trainer training={zuid.id} action=beamer" in caplog.text
    status, page = room_page("", {"JUPYTERHUB_USER": "onbekend"})
    assert status == 403 and "nog geen rol" in page and noord.join_code not in page
    status, page = room_page("", {})  # localhost: every training, as before
    assert status == 200 and noord.join_code in page and zuid.join_code in page


def test_the_case_page_refuses_a_login_name_without_a_role_and_opens_for_a_trainer(
    store, monkeypatch, two_organisations
):
    from pztraining.ui.case_page import case_app

    monkeypatch.setenv("PZTRAINING_DB", store.url)
    _login(monkeypatch, "onbekend")
    page = case_app("case=de-vries&view=simulant")
    assert "nog geen rol" in page.children[1].value and len(page.children) == 2
    _login(monkeypatch, "anna")
    assert "pz-case-app" in case_app("case=de-vries&view=simulant")._dom_classes


def test_rollenspel_offers_a_trainer_only_its_organisations_trainings(store, clock, monkeypatch, two_organisations):
    from pztraining.ui.facilitator import FacilitatorApp

    noord, _ = two_organisations
    _login(monkeypatch, "anna")
    assert _option_ids(FacilitatorApp(store, clock=clock).training_select) == [noord.id]
    _login(monkeypatch, "piet")
    assert "is voor trainers. Als " in open_page(FacilitatorApp, store.url).children[1].value


def test_the_kartrekker_page_offers_a_kartrekker_its_own_organisation_and_a_coordinator_every_one(
    store, clock, monkeypatch, two_organisations
):
    from pztraining.ui.kartrekker.app import KartrekkerApp

    _login(monkeypatch, "kees")
    assert _option_ids(KartrekkerApp(store, clock=clock).org_select) == ["Zorggroep Noord"]
    _login(monkeypatch, "bert")  # a trainer: its own organisation's figures too
    assert _option_ids(KartrekkerApp(store, clock=clock).org_select) == ["Zorggroep Zuid"]
    _login(monkeypatch, "piet")
    assert _option_ids(KartrekkerApp(store, clock=clock).org_select) == ["Zorggroep Noord", "Zorggroep Zuid"]
