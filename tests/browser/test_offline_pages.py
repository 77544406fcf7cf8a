"""Every page on a Wi-Fi that swallows outside traffic: nothing waits for the internet.

A care home's Wi-Fi with a captive portal or a firewall that drops packets does not refuse a
request to a CDN, it lets it hang. Here every request to a host other than this machine (both
servers listen on 127.0.0.1) hangs forever, as there, and is recorded: each page must be
usable within its normal time (its app drawn, a ``pz-`` control visible and answering a
click) and must not have tried to reach outside at all. Voila's own template linked Font
Awesome from cdn.jsdelivr.net in the page's head, which kept the Draaiboek on "Running…".
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from pztraining.cli import demo
from pztraining.cli.main import main
from tests.browser.helpers import FIRST_RENDER_MS, PHONE_PAGE_MS, PHONE_VIEWPORT, explained, join, now, watch

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
#: What a Voila page's kernel takes to answer a click.
KERNEL_MS = 30_000


def is_outside(url: str) -> bool:
    """True for a request that would leave this machine (pages may use data:, blob: and file:)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "file", "about"):
        return False
    return parts.hostname not in LOCAL_HOSTS


@pytest.fixture
def hanging_internet(browser: Browser):
    """A page whose every request outside this machine hangs forever; each is recorded."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 1000}, locale="nl-NL", timezone_id="Europe/Amsterdam"
    )
    outside: list[str] = []
    # Never continued, fulfilled or aborted: the request stays pending, as behind that firewall.
    context.route(is_outside, lambda route: outside.append(route.request.url))
    context.route_web_socket(is_outside, lambda socket: outside.append(socket.url))
    page = watch(context.new_page())
    page.outside = outside
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="module")
def room(store):
    """The demo trainings (the kartrekker's organisation has some) and one facilitator code."""
    trainings = [training for training, _ in demo.ensure_demo_trainings(store, now())]
    training = trainings[-1]
    return training, store.facilitator_code(training.id, 1)


def app_url(served, notebook: str) -> str:
    assert served.trainer_url.endswith("/voila/render/trainer.ipynb"), served.trainer_url
    return served.trainer_url[: -len("trainer.ipynb")] + notebook


def trainer_path(served, path: str) -> str:
    return served.trainer_url.split("/voila/")[0] + "/" + path


def open_voila(page: Page, url: str, app: str) -> None:
    page.goto(url, wait_until="commit", timeout=FIRST_RENDER_MS)
    expect(page.locator(f".pz-{app}")).to_be_visible(timeout=FIRST_RENDER_MS)


# ------------------------------------------------------------------------- the pages


def draaiboek(page: Page, served, room, tmp_path: Path) -> None:
    open_voila(page, app_url(served, "trainer.ipynb"), "trainer-app")
    page.locator(".pz-new-training").click()
    expect(page.locator(".pz-new-training-form")).to_be_visible(timeout=KERNEL_MS)
    # The buttons' icons come with Voila's own styles now, not from the CDN: still drawn.
    page.wait_for_function(
        "[...document.fonts].some(font => font.family.includes('Font Awesome 5 Free') && font.status === 'loaded')",
        timeout=PHONE_PAGE_MS,
    )


def rollenspel_on_the_trainer_server(page: Page, served, room, tmp_path: Path) -> None:
    open_voila(page, app_url(served, "facilitator.ipynb"), "facilitator-app")
    page.locator(".pz-new-group").click()
    expect(page.locator(".pz-group-name")).to_be_visible(timeout=KERNEL_MS)


def rollenspel_on_a_tablet(page: Page, served, room, tmp_path: Path) -> None:
    _, code = room
    open_voila(page, f"{served.participant_url}rollenspel?f={code}", "facilitator-app")
    page.locator(".pz-new-group").click()
    expect(page.locator(".pz-group-name")).to_be_visible(timeout=KERNEL_MS)


def resultaten(page: Page, served, room, tmp_path: Path) -> None:
    open_voila(page, app_url(served, "results.ipynb"), "training-select select")
    page.locator(".pz-scope-mode button").nth(1).click()
    expect(page.locator(".pz-from")).to_be_visible(timeout=KERNEL_MS)


def kartrekker(page: Page, served, room, tmp_path: Path) -> None:
    open_voila(page, app_url(served, "kartrekker.ipynb"), "kartrekker-app")
    tab = page.locator(".pz-kartrekker-tabs [role=tab]").nth(1)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true", timeout=KERNEL_MS)


def casus(page: Page, served, room, tmp_path: Path) -> None:
    open_voila(page, app_url(served, "case.ipynb") + "?case=de-vries&view=simulant", "case-view")
    expect(page.locator(".pz-case-view")).to_contain_text("Vries")


def beamer(page: Page, served, room, tmp_path: Path) -> None:
    training, _ = room
    page.goto(trainer_path(served, "pz/zaal/"), wait_until="load", timeout=PHONE_PAGE_MS)
    expect(page.locator(".pz-room-code", has_text=training.join_code)).to_be_visible()


def telefoon(page: Page, served, room, tmp_path: Path) -> None:
    training, _ = room
    page.set_viewport_size(PHONE_VIEWPORT)
    join(page, served, training, "Fenna")  # the page, a name typed, the register button


def dia(page: Page, served, room, tmp_path: Path) -> None:
    page.goto(trainer_path(served, "pz/dia/mysupport-1.html"), wait_until="load", timeout=PHONE_PAGE_MS)
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=PHONE_PAGE_MS)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("Reveal.getIndices().h === 1", timeout=PHONE_PAGE_MS)


def handouts(page: Page, served, room, tmp_path: Path) -> None:
    out = tmp_path / "hand-outs"
    assert main(["handouts", "--program", "mysupport", "--no-pdf", "--out", str(out)]) == 0
    sheets = sorted(out.glob("*.html"))
    assert len(sheets) > 5, sheets
    for sheet in sheets:
        page.goto(sheet.as_uri(), wait_until="load", timeout=PHONE_PAGE_MS)
        expect(page.locator("body")).not_to_be_empty()


PAGES = {
    fn.__name__: fn
    for fn in (
        draaiboek,
        rollenspel_on_the_trainer_server,
        rollenspel_on_a_tablet,
        resultaten,
        kartrekker,
        casus,
        beamer,
        telefoon,
        dia,
        handouts,
    )
}


@pytest.mark.parametrize("name", list(PAGES))
def test_the_page_is_usable_while_every_request_outside_the_server_hangs(
    name, hanging_internet: Page, served, room, tmp_path, capsys
):
    page = hanging_internet
    with explained(page, served):
        PAGES[name](page, served, room, tmp_path)
    capsys.readouterr()  # the handouts command's own report
    assert page.outside == [], f"{name} tried to reach outside the server: {page.outside}"
