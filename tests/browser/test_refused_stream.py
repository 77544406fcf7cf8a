"""A phone whose push stream is refused (429/503: the room server is at its caps) still sees forms,
and asks again later with growing pauses instead of hammering the server.

Only the room server runs here (no trainer server): the refusals are made by Playwright in
front of the page's EventSource, the rest is the real server.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from itertools import pairwise

import pytest
from playwright.sync_api import expect

from pztraining.core.texts import t
from pztraining.services import forms
from tests.browser.helpers import PHONE_PAGE_MS, PHONE_VIEWPORT, register
from tests.room.conftest import running_room_server

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
REFUSED = 3


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("refused")
    with running_room_server(tmp, f"sqlite:///{tmp / 'pz.db'}") as server:
        yield server


def test_a_phone_whose_stream_is_refused_retries_with_growing_pauses_and_still_sees_a_new_form(browser, room):
    from pztraining.store import Store

    store = Store(room.db_url)
    training = store.add_training("Team De Linde", "mysupport", NOW)
    context = browser.new_context(viewport=PHONE_VIEWPORT, locale="nl-NL", timezone_id="Europe/Amsterdam")
    attempts: list[float] = []

    def refuse_some(route) -> None:
        attempts.append(time.monotonic())
        if len(attempts) > REFUSED:
            route.continue_()
            return
        status = 429 if len(attempts) % 2 else 503
        route.fulfill(
            status=status,
            headers={"Retry-After": "30", "Cache-Control": "no-store"},
            content_type="application/json; charset=utf-8",
            body=json.dumps({"error": t("room.error.streams_full")}),
        )

    try:
        page = context.new_page()
        page.route("**/pz/api/events*", refuse_some)
        page.goto(f"http://{room.host}:{room.port}/?code={training.join_code}", timeout=PHONE_PAGE_MS)
        register(page, "Sanne")
        forms.open_form(store, training.id, 1, "reflectie", False, NOW)  # the trainer opens a form
        expect(page.locator("button.pz-form-link-reflectie")).to_be_visible(timeout=30_000)
        # Refused three times, then the stream is open: no more attempts after that.
        deadline = time.monotonic() + 30
        while len(attempts) <= REFUSED and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        page.wait_for_timeout(3_000)
    finally:
        context.close()
        store.close()
    assert len(attempts) == REFUSED + 1, f"{len(attempts)} attempts"
    pauses = [later - earlier for earlier, later in pairwise(attempts)]
    assert all(pause >= 0.9 for pause in pauses), pauses  # never straight back
    assert pauses[-1] > pauses[0], pauses  # the pause grows
