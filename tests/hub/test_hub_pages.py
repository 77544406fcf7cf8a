"""JupyterHub's own pages (login, home, start, stopped, errors) in Dutch, with the product's look.

A trainer meets the hub before any app: its login, its home page, the page that waits while the
apps start, the page of a stopped server and its error pages. JupyterHub writes them in English;
pztraining's templates (pztraining/jupyter/hub/templates, extending JupyterHub's own) say them in
Dutch. Each page is checked in a real hub with the printed config: Dutch words, lang="nl",
none of JupyterHub's English left on the screen, and no serious or critical axe-core finding
(WCAG 2.1 AA).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from pztraining.core.texts import t
from tests.browser.a11y import axe_violations, describe
from tests.browser.helpers import device
from tests.hub.conftest import Hub
from tests.hub.test_hub_real import log_in

pytestmark = pytest.mark.browser

#: JupyterHub's English on its pages, which must not reach the screen.
ENGLISH = (
    "Sign in",
    "Username",
    "Password",
    "Logout",
    "Home",
    "Token",
    "Services",
    "Your server",
    "My Server",
    "Server not running",
    "Launch",
    "Event log",
    "Jupyter has lots of moons",
    "is starting up",
    "Warning",
    "Complete",
)


SSE = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}

#: The messages of the hub's progress stream at ``path`` (under the hub's API), until ready or failed.
PROGRESS_LINES = """path => new Promise((resolve) => {
    const lines = [];
    // as the page's own script: a GET of the hub's API with its cookie carries the _xsrf token
    const stream = new EventSource(jhdata.base_url + path + "?_xsrf=" + encodeURIComponent(jhdata.xsrf_token));
    stream.onerror = () => { stream.close(); resolve(lines.concat(["(the stream failed)"])); };
    stream.onmessage = (e) => {
        const event = JSON.parse(e.data);
        lines.push(event.message);
        if (event.ready || event.failed) { stream.close(); resolve(lines); }
    };
    setTimeout(() => { stream.close(); resolve(lines.concat(["(no end within 60 s)"])); }, 60000);
})"""


def check_page(page: Page, hub: Hub, heading: str, title: str | None = None, shot: Path | None = None) -> None:
    """The page is Dutch (lang, title, heading, no English left), looks like pztraining and passes axe.

    ``shot``: where to leave a screenshot (the test's folder), to look at.
    """
    if shot is not None:
        page.screenshot(path=str(shot), full_page=True)
    try:
        expect(page.locator("h1")).to_have_text(heading)
        expect(page.locator("html")).to_have_attribute("lang", "nl")
        expect(page).to_have_title(f"{title or heading} · pztraining")
    except AssertionError as exc:
        raise AssertionError(
            f"{exc}\n--- page {page.url} ---\n{page.content()[-3000:]}\n--- hub log ---\n{hub.log()[-3000:]}"
        ) from None
    shown = page.locator("body").inner_text()
    assert [word for word in ENGLISH if word in shown] == [], (page.url, shown)
    expect(page.locator(".pz-hub-brand")).to_contain_text("pztraining")
    assert "system-ui" in page.evaluate("getComputedStyle(document.body).fontFamily")
    violations = axe_violations(page)
    assert violations == [], f"{page.url}\n{describe(violations)}"


def test_login_and_a_refused_login_are_dutch(hub: Hub, browser: Browser, tmp_path: Path):
    with device(browser) as page:
        page.goto(f"{hub.url}/hub/login", wait_until="load")
        check_page(page, hub, t("hub.page.login.title"), shot=tmp_path / "login.png")
        expect(page.locator("label[for=username_input]")).to_have_text(t("hub.page.login.username"))
        expect(page.locator("label[for=password_input]")).to_have_text(t("hub.page.login.password"))
        expect(page.locator("#login_submit")).to_have_value(t("hub.page.login.submit"))

        # A name nobody added is refused with the authenticator's Dutch sentence, on the same page.
        page.locator("input[name=username]").fill("onbekend")
        page.locator("input[name=password]").fill("een-lang-wachtwoord")
        page.locator("#login_submit").click()
        expect(page.locator(".login_error")).to_be_visible()
        check_page(page, hub, t("hub.page.login.title"), shot=tmp_path / "login-refused.png")


def test_home_stopped_starting_and_error_pages_are_dutch(hub: Hub, browser: Browser, tmp_path: Path):
    with device(browser) as page:
        log_in(page, hub, "anna")
        page.goto(f"{hub.url}/hub/home", wait_until="load")
        check_page(page, hub, t("hub.page.home.title"), t("hub.page.home"), shot=tmp_path / "home.png")
        expect(page.locator("#start")).to_have_text(t("hub.page.home.open"))
        expect(page.locator("#logout")).to_have_text(t("hub.page.logout"))

        page.goto(f"{hub.url}/hub/nergens", wait_until="load")
        check_page(
            page, hub, f"{t('hub.page.error.title')} (404)", t("hub.page.error.title"), shot=tmp_path / "404.png"
        )
        expect(page.locator(".pz-hub-error-page")).to_contain_text(t("hub.page.error.404"))

        # Stop the apps from the home page; the stopping page, then the stopped page.
        page.goto(f"{hub.url}/hub/home", wait_until="load")
        page.locator("#stop").click()
        deadline = time.monotonic() + 60
        while True:
            page.goto(f"{hub.url}/hub/spawn-pending/anna", wait_until="load")
            if page.locator("h1").inner_text().strip() == t("hub.page.not_running.title"):
                break
            assert time.monotonic() < deadline, page.content()[-2000:]
            time.sleep(0.5)
        check_page(page, hub, t("hub.page.not_running.title"), shot=tmp_path / "not-running.png")
        expect(page.locator("#start")).to_have_text(t("hub.page.not_running.start"))

        # Starting: the waiting page, its progress stream replaced by a start that failed (so it does
        # not move on): the hub's own English line for that is said in Dutch, its log keeps it as English.
        failed = {"progress": 100, "failed": True, "message": "Spawn failed: Timeout"}
        page.route("**/progress**", lambda route: route.fulfill(body=f"data: {json.dumps(failed)}\n\n", headers=SSE))
        page.evaluate("""() => { fetch(jhdata.base_url + "api/users/anna/server", {method: "POST",
            keepalive: true, headers: {"X-XSRFToken": jhdata.xsrf_token}}); }""")
        time.sleep(0.3)
        page.goto(f"{hub.url}/hub/spawn-pending/anna", wait_until="load")
        expect(page.locator("#progress-message")).to_have_text(t("hub.page.spawn.failed"))
        check_page(page, hub, t("hub.page.spawn.title"), shot=tmp_path / "spawn-pending.png")
        expect(page.locator("#progress-details summary")).to_have_text(t("hub.page.spawn.log"))
        expect(page.locator("#progress-log > div")).to_have_attribute("lang", "en")

        # The real progress stream of the start: every line Dutch (the hub's, the spawner's, the last).
        page.unroute("**/progress**")
        lines = page.evaluate(PROGRESS_LINES, "api/users/anna/server/progress")
        dutch = {t("hub.spawn.requested"), t("hub.spawn.starting"), t("hub.spawn.ready", url="/user/anna/")}
        assert lines and set(lines) <= dutch, lines
        assert lines[-1] == t("hub.spawn.ready", url="/user/anna/"), lines
