"""A room of phones in real browsers: three phones and the trainer's laptop; then twenty phones.

Three participants (each a Playwright browser context, so each its own device and
localStorage) join a mySupport training by its code, send the pre-assignment, and then send
the evaluation the trainer opens live from the draaiboek. The trainer's forms panel counts
them; the database holds three submissions of each form, the evaluation without names.

Twenty phones then open the link in the same moment, as a full room does when the code
goes up on the screen: every phone must be usable within seconds and every answer stored.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import ExitStack

import pytest
from playwright.async_api import async_playwright
from playwright.async_api import expect as expect_async
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text

from pztraining.content import load_form
from pztraining.domain.forms import form_spec
from pztraining.services import forms
from pztraining.store import Store, Training
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.browser.helpers import (
    EVALUATION,
    FIRST_RENDER_MS,
    ITEM,
    MEETING,
    OTHER_SIDE_MS,
    PHONE_PAGE_MS,
    PHONE_VIEWPORT,
    PREPARATION,
    TEXT_FIELD,
    choose,
    device,
    explained,
    fill_preparation,
    form_link,
    form_row,
    now,
    participant_link,
    preparation_answers,
    program_label,
    register,
    show_form,
    submit,
    wait_until,
    write,
)
from tests.loops import run_async

NAMES = ["Anouk", "Bilal", "Cor"]


# ------------------------------------------------------------------------- helpers


# ---- participant side


def wait_for_name_prompt(page: Page, served) -> None:
    with explained(page, served):
        expect(page.locator(".pz-participant-name input")).to_be_visible(timeout=PHONE_PAGE_MS)


def fill_evaluation(page: Page, number: int) -> None:
    """The required items of evaluatie-mysupport.yaml (and one open answer)."""
    for offset, item_id in enumerate(["relevantie", "duidelijkheid", "trainer", "materialen", "tijd", "oefenen"]):
        choose(page, item_id, 1 + (number + offset) % 5)
    choose(page, "aanbevelen", 6 + number)
    choose(page, "vertrouwen-gesprek", 6 + number)
    write(page, "geleerd", f"Deelnemer {number + 1} leerde doorvragen.")


def back_to_overview(page: Page) -> None:
    page.locator("button.pz-back").click()
    expect(page.locator(".pz-form-root")).to_have_count(0)


# ---- trainer side


def open_trainer(page: Page, served, training: Training) -> None:
    page.goto(served.trainer_url, wait_until="domcontentloaded", timeout=FIRST_RENDER_MS)
    with explained(page, served):
        expect(page.locator(".pz-trainer-app")).to_be_visible(timeout=FIRST_RENDER_MS)
        select = page.locator(".pz-training-select select")
        expect(select).to_be_attached(timeout=FIRST_RENDER_MS)
        label = f"{training.name} ({program_label()})"
        if select.input_value() != label:  # the newest is the default; choose it if not
            select.select_option(value=label)
        expect(select).to_have_value(label)
        expect(page.locator(".pz-forms-panel .pz-join-info .pz-join-code")).to_have_text(
            training.join_code, timeout=FIRST_RENDER_MS
        )


def stored(store: Store, training: Training, form_id: str) -> list[tuple]:
    with store.engine.connect() as conn:
        return conn.execute(
            text(
                "select participant_id, respondent_key from submissions "
                "where training_id = :t and meeting = :m and form_id = :f"
            ),
            {"t": training.id, "m": MEETING, "f": form_id},
        ).all()


# ------------------------------------------------------------------------- the test


def test_three_participants_send_the_preparation_and_the_evaluation_the_trainer_opens_live(
    browser: Browser, served, store: Store
):
    training = store.add_training("Drie deelnemers", "mysupport", now())
    assert training.join_code
    forms.open_form(store, training.id, MEETING, PREPARATION, False, now(), spec=form_spec(load_form(PREPARATION)))

    with ExitStack() as stack:
        phones = [stack.enter_context(device(browser, PHONE_VIEWPORT)) for _ in NAMES]
        # All three phones ask for the page at once (as in a room).
        for phone in phones:
            phone.goto(participant_link(served, training), wait_until="domcontentloaded", timeout=PHONE_PAGE_MS)
        for phone, name in zip(phones, NAMES):
            wait_for_name_prompt(phone, served)
            with explained(phone, served):
                register(phone, name)
                expect(form_link(phone, PREPARATION)).to_contain_text("nog niet ingevuld")
        assert sorted(p.name for p in store.list_participants(training.id)) == NAMES

        # Each sends the pre-assignment.
        for number, phone in enumerate(phones):
            with explained(phone, served):
                form = show_form(phone, PREPARATION)
                fill_preparation(phone, number)
                submit(phone)
                expect(form).to_have_attribute("data-status", "submitted", timeout=OTHER_SIDE_MS)
                back_to_overview(phone)
                expect(form_link(phone, PREPARATION)).to_contain_text("verstuurd")
                expect(form_link(phone, EVALUATION)).to_have_count(0)
        wait_until(lambda: len(stored(store, training, PREPARATION)) == 3, what="three preparations stored")

        navigations: list[str] = []
        for phone in phones:
            phone.on(
                "framenavigated",
                lambda frame, phone=phone: navigations.append(frame.url) if frame == phone.main_frame else None,
            )

        # The trainer opens the evaluation from the draaiboek.
        trainer = stack.enter_context(device(browser))
        open_trainer(trainer, served, training)
        with explained(trainer, served):
            expect(form_row(trainer, PREPARATION).locator(".pz-form-count")).to_have_text("3 van 3 ingevuld")
            row = form_row(trainer, EVALUATION)
            expect(row.locator(".pz-form-count")).to_have_text("0 van 3 ingevuld")
            # Anonymous by default (anonymous_by_default in the form's YAML).
            expect(row.locator(".pz-form-anonymous input[type=checkbox]")).to_be_checked()
            toggle = row.locator("button.pz-form-toggle")
            expect(toggle).to_have_text("Openen")
            toggle.click()
            expect(toggle).to_have_text("Sluiten")
        session = store.form_session(training.id, MEETING, EVALUATION)
        assert session is not None and session.is_open and session.anonymous, session

        # The link appears on every phone without a reload (pushed by the room server's
        # event stream); each sends the evaluation.
        for phone in phones:
            with explained(phone, served):
                expect(form_link(phone, EVALUATION)).to_be_visible(timeout=OTHER_SIDE_MS)
                expect(form_link(phone, EVALUATION)).to_contain_text("anoniem")
        assert navigations == [], f"a participant page reloaded: {navigations}"
        for number, phone in enumerate(phones):
            with explained(phone, served):
                form = show_form(phone, EVALUATION)
                fill_evaluation(phone, number)
                submit(phone)
                # Anonymous: received, and stored together with others (five) or at the close.
                expect(form).to_have_attribute("data-status", "pending", timeout=OTHER_SIDE_MS)

        # The trainer closes the evaluation: what waits is stored; the panel re-reads every 3 s
        # and counts all three.
        with explained(trainer, served):
            toggle.click()
            expect(toggle).to_have_text("Openen")
            expect(row.locator(".pz-form-count")).to_have_text("3 van 3 ingevuld", timeout=OTHER_SIDE_MS)
            expect(row.locator(".pz-form-missing")).to_have_text("")
            for name in NAMES:
                expect(row).not_to_contain_text(name)

        for page in [*phones, trainer]:
            assert not page.js_errors, (page.url, page.js_errors)
            assert not page.dialogs, (page.url, page.dialogs)

    # The database: three of each; the evaluation rows keep no participant.
    people = {p.id for p in store.list_participants(training.id)}
    preparations = wait_until(lambda: stored(store, training, PREPARATION), what="preparations stored")
    evaluations = wait_until(
        lambda: len(stored(store, training, EVALUATION)) == 3 and stored(store, training, EVALUATION),
        what="three evaluations stored",
    )
    assert len(preparations) == 3, preparations
    assert {participant for participant, _ in preparations} == people
    assert {key for _, key in preparations} == {f"p:{pid}" for pid in people}
    assert len(evaluations) == 3, evaluations
    assert all(participant is None for participant, _ in evaluations), evaluations
    assert len({key for _, key in evaluations}) == 3, evaluations  # one per device
    assert all(key.startswith("a:") for _, key in evaluations), evaluations
    assert store.response_counts(training.id, MEETING) == {PREPARATION: 3, EVALUATION: 3}


# ------------------------------------------------------------------------- a full room

#: Phones that open the page in the same moment (a room's worth).
ROOM = 20
#: The most a phone may wait for the server, in seconds, from tapping the link to a name field
#: that takes input: the sum of its waits for the first byte of each answer (page, styles,
#: scripts, join), as the phone's own Resource Timing reports them. The old page (a kernel per
#: phone) made the twentieth phone wait 13 s; on a quiet machine the room server's phones wait
#: 2–3 s here, but the twenty renderers share the server's two cores, so a busy test machine
#: adds seconds that are not the server's. 6 s still tells a return to per-phone work from that.
#: The figures to compare are the benchmark's (benchmarks/room.py), not this bound.
SERVER_WAIT_SECONDS = 6.0
#: The goal for the whole wait on a real phone, in seconds. Not asserted here: the test
#: machine plays all twenty phones (twenty Chromium renderers on two shared cores), so its
#: wall-clock time is mostly the renderers waiting for a CPU (one phone alone: under 1 s;
#: twenty: 10–16 s with a load average of 10–30, while no answer took the server 1 s).
USABLE_SECONDS = 5.0

#: What a phone waited for the server: the time to first byte of every request so far.
_SERVER_WAIT_JS = """() => [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
    .reduce((sum, e) => sum + Math.max(0, e.responseStart - e.requestStart), 0) / 1000"""


async def _one_phone(browser, served, training: Training, number: int, go) -> dict:
    """One phone: wait for ``go``, open the link, register, send the pre-assignment; its timings."""
    context = await browser.new_context(viewport=PHONE_VIEWPORT, locale="nl-NL", timezone_id="Europe/Amsterdam")
    try:
        page = await context.new_page()
        page.set_default_timeout(60_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        name = f"Deelnemer {number + 1:02d}"
        await go.wait()
        started = time.monotonic()
        await page.goto(participant_link(served, training), wait_until="commit")
        field = page.locator(".pz-participant-name input")
        await field.fill(name)  # waits until the field is there and editable
        await expect_async(field).to_have_value(name)
        usable = time.monotonic() - started
        server = await page.evaluate(_SERVER_WAIT_JS)
        await page.locator("button.pz-register").click()
        await page.locator(f"button.pz-form-link-{PREPARATION}").click()
        for item_id, value, typed in preparation_answers(number):
            box = page.locator(ITEM.format(item_id))
            if typed:
                await box.locator(TEXT_FIELD).fill(value)
            else:
                await box.locator(f"input[value='{value}']").check()
        await page.locator(".pz-form-root button.pz-form-submit").click()
        await expect_async(page.locator(".pz-form-root")).to_have_attribute("data-status", "submitted", timeout=60_000)
        return {"usable": usable, "server": server, "sent": time.monotonic() - started, "errors": errors}
    finally:
        await context.close()


def _full_room(served, training: Training) -> list[dict]:
    """ROOM phones (contexts of one Chromium) at once, with Playwright's async API."""

    async def room() -> list:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            try:
                go = asyncio.Event()
                phones = [asyncio.create_task(_one_phone(browser, served, training, n, go)) for n in range(ROOM)]
                await asyncio.sleep(1.0)  # every phone has its context: now all tap the link at once
                go.set()
                return await asyncio.gather(*phones, return_exceptions=True)
            finally:
                await browser.close()

    # The sync API of the other tests owns this thread's event loop: the room runs in its own.
    return run_async(room(), timeout=300)


@pytest.mark.alone  # each phone's wait for the server is measured
def test_twenty_phones_join_at_once_and_all_send_the_preparation(served, store: Store):
    training = store.add_training("Volle zaal", "mysupport", now())
    forms.open_form(store, training.id, MEETING, PREPARATION, False, now(), spec=form_spec(load_form(PREPARATION)))

    results = _full_room(served, training)
    failed = [f"phone {n + 1}: {r!r}"[:600] for n, r in enumerate(results) if isinstance(r, BaseException)]
    timings = "; ".join(
        f"{n + 1}: {r['server']:.2f}/{r['usable']:.1f}/{r['sent']:.1f}"
        for n, r in enumerate(results)
        if not isinstance(r, BaseException)
    )
    report = (
        f"phone: seconds waiting for the server / until the name field took input / until the "
        f"form was sent (goal on real phones: usable within {USABLE_SECONDS:.0f} s)\n{timings}"
        f"\n--- server output (tail) ---\n{served.log()[-2000:]}"
    )
    assert failed == [], "\n".join(failed) + "\n" + report
    assert len(stored(store, training, PREPARATION)) == ROOM, report
    assert len(store.list_participants(training.id)) == ROOM, report
    assert [
        store.load_draft(training.id, MEETING, PREPARATION, key) for _, key in stored(store, training, PREPARATION)
    ] == [None] * ROOM, "a sent form became a draft again\n" + report
    slow = [n + 1 for n, r in enumerate(results) if r["server"] > SERVER_WAIT_SECONDS]
    assert slow == [], f"phones {slow} waited over {SERVER_WAIT_SECONDS} s for the server\n{report}"
    assert [r["errors"] for r in results] == [[]] * ROOM, report
    print(f"\n{ROOM} phones at once, {report.split(chr(10) + '---')[0]}")
