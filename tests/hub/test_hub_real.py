"""The real parts together: JupyterHub + configurable-http-proxy + PostgreSQL + Chromium.

Two trainers of two organisations log in through the hub (each gets a Voila-only server
opening the Draaiboek), each creates a training and sees only its own; a phone joins one
training through the hub's room service without any login and sends the evaluation the
trainer opened; the first organisation's kartrekker sees only that training and exports it.
A trainer opens the slide deck and the beamer page through its own server; a stranger cannot.
"""

from __future__ import annotations

import dbm
import re
import sqlite3
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text

from pztraining.content import load_program
from pztraining.core.texts import t
from pztraining.store import Store, Training
from tests.browser.helpers import (
    EVALUATION,
    OTHER_SIDE_MS,
    PHONE_PAGE_MS,
    PHONE_VIEWPORT,
    device,
    fill_evaluation,
    form_row,
    register,
    show_form,
    submit,
    wait_until,
)
from tests.browser.test_trainer_run import create_training
from tests.hub.conftest import ADMIN, USERS, Hub, pztraining

pytestmark = pytest.mark.browser

#: Logging in spawns the trainer's server, which then starts a kernel for the Draaiboek.
SPAWN_MS = 240_000


def log_in(page: Page, hub: Hub, name: str, app: str = "trainer") -> None:
    """Log in through the hub's form; the user's server starts and shows ``app`` (default the Draaiboek)."""
    target = "" if app == "trainer" else f"?next=/user/{name}/voila/render/{app}.ipynb"
    page.goto(f"{hub.url}/hub/login{target}", wait_until="domcontentloaded")
    page.locator("input[name=username]").fill(name)
    page.locator("input[name=password]").fill(USERS[name][2])
    page.locator("form [type=submit]").click()
    try:
        expect(page.locator(f".pz-{app}-app")).to_be_visible(timeout=SPAWN_MS)
        expect(page.locator(".pz-training-select select")).to_be_attached(timeout=SPAWN_MS)
    except AssertionError as exc:
        raise AssertionError(
            f"{exc}\n--- page {page.url} ---\n{page.content()[-2000:]}\n--- hub log ---\n{hub.log()[-4000:]}"
        ) from None
    assert page.url.startswith(f"{hub.url}/user/{name}/voila/render/{app}.ipynb"), page.url


def choices(page: Page) -> list[str]:
    """The trainings the page offers."""
    # ipywidgets 8 puts the option *label* in <option value> (its text has no-break spaces).
    return page.locator(".pz-training-select select").evaluate("s => [...s.options].map(o => o.value)")


def label(name: str) -> str:
    return f"{name} ({load_program('mysupport').title})"


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
            return conn.execute(
                text(
                    "select t.name, s.form_id from submissions s join trainings t "
                    "on t.id = s.training_id where s.form_id = :f"
                ),
                {"f": form_id},
            ).all()
    finally:
        store.close()


def test_through_the_hub_no_page_waits_for_the_internet_and_a_reload_stops_the_old_kernel(hub: Hub, browser: Browser):
    """The trainer's own server and the room service use the package's template too."""
    from tests.browser.helpers import FIRST_RENDER_MS, watch
    from tests.browser.test_offline_pages import is_outside

    # An organisation no hub user belongs to: the other tests see exactly their own trainings.
    training = add_training(hub.db_url, "Zonder internet", "Elders")
    store = Store(hub.db_url)
    try:
        code = store.facilitator_code(training.id, 1)
    finally:
        store.close()
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="nl-NL")
    outside: list[str] = []
    context.route(is_outside, lambda route: outside.append(route.request.url))  # hangs forever
    try:
        anna = watch(context.new_page())
        log_in(anna, hub, "anna")
        kernel_of = "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
        first = anna.evaluate(kernel_of)
        anna.reload(wait_until="commit")
        expect(anna.locator(".pz-trainer-app")).to_be_visible(timeout=FIRST_RENDER_MS)
        assert anna.evaluate(kernel_of) != first
        kernels = f"{hub.url}/user/anna/api/kernels"
        wait_until(
            lambda: first not in [k["id"] for k in anna.request.get(kernels).json()],
            timeout=15,
            what="the reloaded page's old kernel is shut down",
        )
        tablet = watch(context.new_page())
        tablet.goto(f"{hub.room_url}rollenspel?f={code}", wait_until="commit")
        expect(tablet.locator(".pz-facilitator-app")).to_be_visible(timeout=FIRST_RENDER_MS)
        expect(tablet.locator(".pz-new-group")).to_be_enabled()
    finally:
        context.close()
    assert outside == [], outside


def test_trainer_pages_need_a_login_and_the_room_does_not(hub: Hub, browser: Browser):
    with urllib.request.urlopen(f"{hub.url}/user/anna/voila/render/trainer.ipynb") as reply:
        assert "/hub/login" in reply.url, reply.url  # redirected to the hub's login form
    with device(browser) as stranger:  # a name nobody gave a role: refused, in Dutch
        stranger.goto(f"{hub.url}/hub/login", wait_until="domcontentloaded")
        stranger.locator("input[name=username]").fill("onbekend")
        stranger.locator("input[name=password]").fill("een-lang-wachtwoord")
        stranger.locator("form [type=submit]").click()
        expect(stranger.locator("body")).to_contain_text("Onbekende naam of verkeerd wachtwoord")
    with urllib.request.urlopen(hub.room_url) as reply:
        page = reply.read().decode()
        assert reply.url == hub.room_url and 'data-base="/services/room/"' in page
        assert "/services/room/pz/static/participant.js" in page
    # The facilitators' Rollenspel lives under the same prefix, and still wants its code.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{hub.room_url}rollenspel?f=ZZZZZZZZ")
    assert refused.value.code == 403 and t("room.facilitator.denied") in refused.value.read().decode()


def hub_login(hub: Hub, name: str, password: str) -> tuple[requests.Session, requests.Response]:
    """POST the hub's login form as a browser would (its _xsrf first); the session and the answer."""
    session = requests.Session()
    session.get(f"{hub.url}/hub/login", timeout=30).raise_for_status()
    answer = session.post(
        f"{hub.url}/hub/login",
        timeout=60,
        allow_redirects=False,
        data={"username": name, "password": password, "_xsrf": session.cookies.get("_xsrf", path="/hub/")},
    )
    return session, answer


def stored_passwords(hub: Hub) -> set[str]:
    """The names with a password in the hub's passwords.dbm."""
    try:
        with dbm.open(str(hub.folder / "passwords.dbm"), "r") as passwords:
            return {key.decode() for key in passwords.keys()}  # noqa: SIM118 - dbm objects do not iterate
    except dbm.error:  # not made yet: nobody has a password
        return set()


def test_a_password_tried_before_the_admin_was_added_never_logs_in(hub: Hub):
    # Mallory tries the administrator's name before `users add`: refused, and nothing is kept.
    _session, refused = hub_login(hub, ADMIN, "door-mallory-gekozen")
    assert refused.status_code == 403
    assert hub_login(hub, "zoe", "door-mallory-gekozen")[1].status_code == 403  # a name nobody added
    assert not {ADMIN, "zoe"} & stored_passwords(hub)  # no password kept ...
    with sqlite3.connect(hub.folder / "jupyterhub.sqlite") as hub_db:  # ... and no hub user made
        assert hub_db.execute("select count(*) from users where name = 'zoe'").fetchone() == (0,)
    pztraining(hub.folder, "users", "add", ADMIN, "--role", "coordinator", "--db", hub.db_url)
    # The administrator logs in within the claim window with a password of their own, and reaches the admin page.
    session, accepted = hub_login(hub, ADMIN, "door-beheer-zelf-gekozen")
    assert accepted.status_code == 302, accepted.text[-2000:]
    cookies = accepted.raw.headers.getlist("Set-Cookie")
    assert cookies and all("samesite=lax" in cookie.lower() for cookie in cookies), cookies  # the hub's login cookies
    admin_page = session.get(f"{hub.url}/hub/admin", timeout=60, allow_redirects=False)
    assert admin_page.status_code == 200 and "/hub/login" not in admin_page.url
    # Mallory's password, typed before the name existed, is just a wrong password.
    session, refused = hub_login(hub, ADMIN, "door-mallory-gekozen")
    assert refused.status_code == 403 and "Onbekende naam of verkeerd wachtwoord" in refused.text
    assert session.get(f"{hub.url}/hub/admin", timeout=60, allow_redirects=False).status_code == 302


def test_two_organisations_log_in_a_phone_sends_the_evaluation_and_the_kartrekker_exports_it(
    hub: Hub, browser: Browser, tmp_path: Path
):
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
        expect(bram.locator(".pz-message")).to_have_text("Nog geen training. Maak er hieronder een aan.")
        assert choices(bram) == [], choices(bram)  # Team Noord is another organisation's
        create_training(bram, "Team Zuid")
        assert choices(bram) == [label("Team Zuid")], choices(bram)

        with device(browser, PHONE_VIEWPORT) as phone:
            code = training_code(hub.db_url, "Team Noord")
            phone.goto(f"{hub.room_url}?code={code}", wait_until="domcontentloaded", timeout=PHONE_PAGE_MS)
            register(phone, "Noor")
            form = show_form(phone, EVALUATION)
            fill_evaluation(phone, "Via de hub ingevuld.")
            submit(phone)
            # Anonymous: received, and stored together with others or when the trainer closes it.
            expect(form).to_have_attribute("data-status", "pending", timeout=OTHER_SIDE_MS)
            assert phone.url.startswith(hub.room_url), phone.url  # never sent to a login
            assert not phone.js_errors, phone.js_errors

        toggle.click()  # the trainer closes the evaluation: the room service stores what waits
        expect(toggle).to_have_text("Openen")
        expect(row.locator(".pz-form-count")).to_have_text("1 van 1 ingevuld", timeout=OTHER_SIDE_MS)
        stored = wait_until(lambda: submissions(hub.db_url, EVALUATION), what="the evaluation is stored")
        assert stored == [("Team Noord", EVALUATION)]
        anna.reload(wait_until="domcontentloaded")
        expect(anna.locator(".pz-training-select select")).to_be_attached(timeout=SPAWN_MS)
        assert choices(anna) == [label("Team Noord")], choices(anna)  # not Team Zuid
        assert not anna.js_errors and not bram.js_errors, (anna.js_errors, bram.js_errors)

    with device(browser) as karin:  # the kartrekker of Zorggroep Noord
        log_in(karin, hub, "karin", app="results")
        assert choices(karin) == [label("Team Noord")], choices(karin)
        karin.locator(".pz-export-format select").select_option(value="xlsx")
        karin.locator("button.pz-export").click()
        link = karin.locator(".pz-download a.pz-download-link")
        expect(link).to_be_visible(timeout=OTHER_SIDE_MS * 2)
        with karin.expect_download(timeout=OTHER_SIDE_MS * 2) as info:
            link.click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
    cells = workbook_text(saved)
    assert "Via de hub ingevuld." in cells and "Team Zuid" not in cells


def workbook_text(path: Path) -> str:
    """Every cell of every sheet, as one text."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    return "\n".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


#: Sent through the trainer's own kernel websocket, as a trainer could from the browser console.
PROBE = """
async ([url, type, code]) => {
  const ws = new WebSocket(url);
  await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
  const id = crypto.randomUUID();
  const replies = [];
  ws.onmessage = (event) => {
    const m = JSON.parse(event.data); if (m.parent_header.msg_id === id) replies.push(m.msg_type); };
  ws.send(JSON.stringify({channel: "shell", header: {msg_id: id, msg_type: type, username: "", session: id,
    date: new Date().toISOString(), version: "5.3"}, parent_header: {}, metadata: {},
    content: type === "execute_request" ? {code, silent: false} : {}, buffers: []}));
  await new Promise((ok) => setTimeout(ok, 8000));
  ws.close();
  return replies;
}
"""


def test_a_trainer_cannot_run_code_or_write_files_in_their_own_server(hub: Hub, browser: Browser):
    with device(browser) as anna:
        log_in(anna, hub, "anna")
        base = f"{hub.url}/user/anna"
        kernels = anna.request.get(f"{base}/api/kernels").json()
        assert kernels, "the Draaiboek's kernel"
        socket = f"{base.replace('http', 'ws', 1)}/api/kernels/{kernels[0]['id']}/channels"
        # The channel works (the widgets use it) ...
        assert "kernel_info_reply" in anna.evaluate(PROBE, [socket, "kernel_info_request", ""])
        # ... but code sent through it is dropped: no reply, and the database address stays in the kernel.
        leak = "import os; print(os.environ['PZTRAINING_DB'])"
        assert anna.evaluate(PROBE, [socket, "execute_request", leak]) == []
        # No notebook of one's own next to the apps (Voila would run it).
        xsrf = next(
            c["value"] for c in anna.context.cookies() if c["name"] == "_xsrf" and c["path"].startswith("/user/anna")
        )
        written = anna.request.put(
            f"{base}/api/contents/eigen.ipynb",
            headers={"X-XSRFToken": xsrf},
            data={"type": "notebook", "content": {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}},
        )
        assert written.status == 403, written.text()
        assert written.json()["message"] == t("hub.contents.read_only")
        assert 'Received message of type "execute_request", which is not allowed' in hub.log()


def test_every_cookie_of_the_hub_and_of_the_trainers_server_is_same_site_lax(hub: Hub, browser: Browser):
    with device(browser) as anna:
        responses = []
        anna.on("response", lambda response: responses.append(response))  # noqa: PLW0108
        log_in(anna, hub, "anna")  # the hub's login, OAuth to her server, the Draaiboek
        set_cookies = {
            (response.url.split("?")[0], header["value"])
            for response in responses
            for header in response.headers_array()
            if header["name"].lower() == "set-cookie"
        }
    # A cookie being cleared (empty, expired) carries no value for another site to use.
    kept = {(url, value) for url, value in set_cookies if not re.match(r'[^=]+=(""|);', value)}
    names = {value.split("=", 1)[0] for _url, value in kept}
    assert {"_xsrf", "jupyterhub-session-id"} <= names, names
    assert any(n.startswith("jupyterhub-user-anna") for n in names), names
    assert any("/user/anna/" in url and value.startswith("_xsrf=") for url, value in kept), kept  # her server's own
    assert all("samesite=lax" in value.lower() for _url, value in kept), [
        (url, value[:60] + "…" + value[-80:]) for url, value in sorted(kept) if "samesite=lax" not in value.lower()
    ]


def add_training(db_url: str, name: str, organisation: str) -> Training:
    store = Store(db_url)
    try:
        return store.add_training(name, "mysupport", datetime.now(UTC), organisation)
    finally:
        store.close()


def test_a_trainer_opens_the_deck_and_the_beamer_page_through_the_hub_and_a_stranger_does_not(
    hub: Hub, browser: Browser
):
    noord = add_training(hub.db_url, "Zaal Noord", "Zorggroep Noord")
    zuid = add_training(hub.db_url, "Zaal Zuid", "Hospice Zuid")
    # Without a login: sent to the hub's login form, no deck, no join code.
    for path in ("pz/dia/mysupport-1.html", "pz/zaal/", f"pz/zaal/?training={noord.id}"):
        with urllib.request.urlopen(f"{hub.url}/user/anna/{path}") as reply:
            page = reply.read().decode()
            assert "/hub/login" in reply.url, (path, reply.url)
            assert noord.join_code not in page and "reveal" not in page, path
    with device(browser) as anna:
        log_in(anna, hub, "anna")
        anna.locator(".pz-training-select select").select_option(value=label("Zaal Noord"))
        slides_link = anna.locator("a.pz-slides-open")
        expect(slides_link).to_have_attribute("href", "/user/anna/pz/dia/mysupport-1.html", timeout=OTHER_SIDE_MS)
        deck = anna.request.get(hub.url + slides_link.get_attribute("href"))
        assert deck.status == 200 and "reveal.js" in deck.text(), deck.status
        assert anna.request.get(f"{hub.url}/user/anna/pz/dia/reveal.js/dist/reveal.js").status == 200
        beamer_link = anna.locator(".pz-forms-panel a.pz-beamer-open")
        expect(beamer_link).to_have_attribute("href", f"/user/anna/pz/zaal/?training={noord.id}")
        for href in (beamer_link.get_attribute("href"), "/user/anna/pz/zaal/"):
            beamer = anna.request.get(hub.url + href)
            assert beamer.status == 200, (href, beamer.status)
            text = beamer.text()
            assert noord.join_code in text and hub.room_url in text, href  # the code and where phones go
            assert zuid.join_code not in text, href  # another organisation's training
        # Another organisation's training by its number: refused, in Dutch.
        other = anna.request.get(f"{hub.url}/user/anna/pz/zaal/?training={zuid.id}")
        assert other.status == 403 and zuid.join_code not in other.text()
        assert not anna.js_errors, anna.js_errors


def test_unknown_paths_and_methods_on_the_hub_servers_are_dutch_never_a_traceback(hub: Hub, browser: Browser):
    # The trainer's single-user server (jupyter_server's own error pages, and our routes on it)
    # and the room service behind the hub's proxy.
    with device(browser) as anna:
        log_in(anna, hub, "anna")
        for method, path, status, key in (
            ("GET", "/user/anna/nergens", 404, "room.error.not_found"),
            ("GET", "/user/anna/pz/dia/ontbreekt.html", 404, "room.error.not_found"),
            ("PROPFIND", "/user/anna/pz/zaal/", 405, "room.error.method"),
            ("PATCH", "/user/anna/pz/zaal/", 403, "web.error.403"),
        ):  # a write without the XSRF token
            reply = anna.request.fetch(hub.url + path, method=method)
            body = reply.text()
            assert reply.status == status and t(key) in body, (method, path, reply.status, body[:300])
            assert "Traceback" not in body, (method, path)
    for method, path in (("TRACE", "rollenspel"), ("GET", "voila/templates/x"), ("GET", "nergens")):
        request = urllib.request.Request(hub.room_url.rstrip("/") + "/" + path, method=method)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request)
        body = refused.value.read().decode()
        assert 400 <= refused.value.code < 500 and "lang='nl'" in body and "Traceback" not in body, (path, body[:300])
