"""Hosted: the trainer server of a logged-in trainer shows only its organisation's trainings.

JupyterHub gives a single-user server ``JUPYTERHUB_USER``; here ``pztraining serve`` gets it
the same way, so the Voila kernels and the beamer page must both learn the user from it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from pztraining.store import Store
from tests.browser.conftest import _start_server, _stop_server
from tests.browser.helpers import FIRST_RENDER_MS, program_label, wait_until


@pytest.fixture(scope="module")
def hosted(tmp_path_factory):
    """``pztraining serve`` as trainer 'anna' of Zorggroep Noord, with one training per organisation."""
    tmp = tmp_path_factory.mktemp("hosted")
    store = Store(f"sqlite:///{tmp / 'pz.db'}")
    store.add_user("anna", "trainer", "Zorggroep Noord")
    now = datetime.now(UTC)
    noord = store.add_training("Team Noord", "mysupport", now, "Zorggroep Noord")
    zuid = store.add_training("Team Zuid", "mysupport", now, "Zorggroep Zuid")
    apps = _start_server(tmp, {"JUPYTERHUB_USER": "anna"})
    apps.tmp = tmp
    try:
        yield apps, store, noord, zuid
    finally:
        store.close()
        _stop_server(apps)


def _options(page: Page) -> list[str]:
    # ipywidgets 8 puts the option's label in its value (its text has non-breaking spaces)
    return page.locator(".pz-training-select select option").evaluate_all("options => options.map(o => o.value)")


def test_the_trainer_sees_creates_and_opens_only_its_organisations_trainings(hosted, page: Page):
    apps, store, _noord, zuid = hosted
    page.goto(apps.trainer_url, wait_until="domcontentloaded", timeout=FIRST_RENDER_MS)
    expect(page.locator(".pz-training-select select")).to_be_attached(timeout=FIRST_RENDER_MS)
    assert _options(page) == [f"Team Noord ({program_label()})"]
    page.locator(".pz-new-training").click()
    expect(page.locator(".pz-organisation input")).to_have_value("Zorggroep Noord")
    expect(page.locator(".pz-organisation input")).to_be_disabled()
    page.locator(".pz-group-name input").fill("Team Noord 2")
    page.locator(".pz-create-training").click()
    expect(page.locator(".pz-message")).to_have_text("Training 'Team Noord 2' is aangemaakt.")
    created = next(tr for tr in store.list_trainings() if tr.name == "Team Noord 2")
    assert created.organisation == "Zorggroep Noord"

    page.goto(f"{apps.trainer_url}?training={zuid.id}", wait_until="domcontentloaded", timeout=FIRST_RENDER_MS)
    expect(page.locator(".pz-message")).to_have_text(
        "Deze training hoort niet bij jouw organisatie; je kunt hem niet openen.", timeout=FIRST_RENDER_MS
    )
    assert "Team Zuid" not in page.content() and "access refused" not in page.content()
    refusal = f"access refused: user='anna' role=trainer training={zuid.id} action=draaiboek"
    wait_until(lambda: refusal in _server_log(apps), what="the refusal in the trainer server's log")


def _server_log(apps) -> str:
    return "".join(path.read_text(errors="replace") for path in (apps.tmp / "logs").glob("*.log"))


def test_the_beamer_page_shows_only_its_organisations_codes(hosted, page: Page):
    apps, _store, noord, zuid = hosted
    room = apps.trainer_url.split("/voila/")[0] + "/pz/zaal/"
    page.goto(room)
    expect(page.locator(".pz-room-code").first).to_be_visible()
    codes = page.locator(".pz-room-code").all_inner_texts()
    assert noord.join_code in codes and zuid.join_code not in page.content()
    response = page.goto(f"{room}?training={zuid.id}")
    assert response.status == 403 and zuid.join_code not in page.content()
    assert "hoort niet bij jouw organisatie" in page.content()
    refusal = f"access refused: user='anna' role=trainer training={zuid.id} action=beamer"
    wait_until(lambda: refusal in _server_log(apps), what="the beamer's refusal in the server's log")
