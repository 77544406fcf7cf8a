"""The real parts together: JupyterHub + configurable-http-proxy + PostgreSQL + Chromium.

Two trainers log in through the hub (each gets a Voila-only server opening the Draaiboek),
each creates a training; a phone joins one training through the hub's room service without
any login and sends the evaluation the trainer opened.
"""

from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text

from pztraining.store import Store

from tests.browser.helpers import (
    EVALUATION, OTHER_SIDE_MS, PHONE_PAGE_MS, PHONE_VIEWPORT, device, fill_evaluation, form_row, register,
    show_form, submit, wait_until,
)
from tests.browser.test_trainer_run import create_training
from tests.hub.conftest import TRAINERS, Hub

pytestmark = pytest.mark.browser

#: Logging in spawns the trainer's server, which then starts a kernel for the Draaiboek.
SPAWN_MS = 240_000


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def log_in(page: Page, hub: Hub, name: str) -> None:
    """Log in through the hub's form; the trainer's server starts and shows the Draaiboek."""
    page.goto(f"{hub.url}/hub/login", wait_until="domcontentloaded")
    page.locator("input[name=username]").fill(name)
    page.locator("input[name=password]").fill(TRAINERS[name])
    page.locator("form [type=submit]").click()
    try:
        expect(page.locator(".pz-trainer-app")).to_be_visible(timeout=SPAWN_MS)
        expect(page.locator(".pz-training-select select")).to_be_attached(timeout=SPAWN_MS)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- page {page.url} ---\n{page.content()[-2000:]}"
                             f"\n--- hub log ---\n{hub.log()[-4000:]}") from None
    assert page.url.startswith(f"{hub.url}/user/{name}/voila/render/trainer.ipynb"), page.url


def training_code(db_url: str, name: str) -> str:
    store = Store(db_url)
    try:
        return next(t.join_code for t in store.list_trainings() if t.name == name)
    finally:
        store.close()


def submissions(db_url: str, form_id: str) -> list[tuple]:
    store = Store(db_url)
    try:
        with store.engine.connect() as conn:
            return conn.execute(text("select t.name, s.form_id from submissions s join trainings t "
                                     "on t.id = s.training_id where s.form_id = :f"), {"f": form_id}).all()
    finally:
        store.close()


def test_trainer_pages_need_a_login_and_the_room_does_not(hub: Hub):
    with urllib.request.urlopen(f"{hub.url}/user/anna/voila/render/trainer.ipynb") as reply:
        assert "/hub/login" in reply.url, reply.url  # redirected to the hub's login form
    with urllib.request.urlopen(hub.room_url) as reply:
        page = reply.read().decode()
        assert reply.url == hub.room_url and 'data-base="/services/room/"' in page
        assert "/services/room/pz/static/participant.js" in page


def test_two_trainers_log_in_and_a_phone_sends_the_evaluation_through_the_hub(hub: Hub, browser: Browser):
    with device(browser) as anna, device(browser) as bram:
        log_in(anna, hub, "anna")
        create_training(anna, "Team Noord")
        # The link and QR code trainers show: the hub's public address and the room service.
        join_info = anna.locator(".pz-forms-panel .pz-join-info")
        expect(join_info).to_contain_text(hub.room_url)
        row = form_row(anna, EVALUATION)
        toggle = row.locator("button.pz-form-toggle")
        toggle.click()
        expect(toggle).to_have_text("Sluiten")

        log_in(bram, hub, "bram")
        create_training(bram, "Team Zuid")

        with device(browser, PHONE_VIEWPORT) as phone:
            code = training_code(hub.db_url, "Team Noord")
            phone.goto(f"{hub.room_url}?code={code}", wait_until="domcontentloaded", timeout=PHONE_PAGE_MS)
            register(phone, "Noor")
            form = show_form(phone, EVALUATION)
            fill_evaluation(phone, "Via de hub ingevuld.")
            submit(phone)
            expect(form).to_have_attribute("data-status", "submitted")
            assert phone.url.startswith(hub.room_url), phone.url  # never sent to a login
            assert not phone.js_errors, phone.js_errors

        expect(row.locator(".pz-form-count")).to_have_text("1 van 1 ingevuld", timeout=OTHER_SIDE_MS)
        stored = wait_until(lambda: submissions(hub.db_url, EVALUATION), what="the evaluation is stored")
        assert stored == [("Team Noord", EVALUATION)]
        assert not anna.js_errors and not bram.js_errors, (anna.js_errors, bram.js_errors)
