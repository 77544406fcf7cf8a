"""The participant's phone in a real browser: join, fill and send forms, read a shared case,
on a phone-sized screen; the trainer's forms panel.

All tests share one ``pztraining serve`` (module fixture ``served``): the room server (the
participants' page, its JSON endpoints and event stream) and the trainer server on the same
database. Every test adds its own training straight into the database, so participants join
by its code and the trainer page (which selects the newest training) shows it. A Playwright
browser context is one device: its localStorage holds the device secret and the browser copy
of drafts.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text

from pztraining.content import load_case
from pztraining.services import forms
from pztraining.store import Store, Training
from tests.browser.helpers import (
    EVALUATION,
    FIRST_RENDER_MS,
    MEETING,
    OTHER_SIDE_MS,
    PHONE_PAGE_MS,
    PHONE_VIEWPORT,
    PREPARATION,
    REFLECTION,
    device,
    diagnose,
    explained,
    fill_evaluation,
    fill_preparation,
    form_row,
    item,
    join,
    now,
    open_participant,
    register,
    show_form,
    submit,
    text_field,
    wait_until,
    watch,
    write,
)

# ------------------------------------------------------------------------- helpers


def new_training(store: Store, name: str) -> Training:
    """A mySupport training, newest of all (so the trainer page shows it)."""
    training = store.add_training(name, "mysupport", now())
    assert training.join_code
    return training


def open_form(store: Store, training: Training, form_id: str, anonymous: bool = False) -> None:
    forms.open_form(store, training.id, MEETING, form_id, anonymous, now())


def participant_id(store: Store, training: Training, name: str) -> int:
    found = [p for p in store.list_participants(training.id) if p.name == name]
    assert len(found) == 1, store.list_participants(training.id)
    return found[0].id


# ---- trainer side


def open_trainer(page: Page, served, training: Training) -> None:
    """The trainer page with the forms panel of our (the newest) training, meeting 1."""
    page.goto(served.trainer_url, wait_until="domcontentloaded", timeout=FIRST_RENDER_MS)
    try:
        expect(page.locator(".pz-trainer-app")).to_be_visible(timeout=FIRST_RENDER_MS)
        expect(page.locator(".pz-forms-panel .pz-join-info .pz-join-code")).to_have_text(
            training.join_code, timeout=FIRST_RENDER_MS
        )
    except AssertionError as exc:
        raise AssertionError(f"{exc}{diagnose(page, served)}") from None


# ------------------------------------------------------------------------- tests


def test_joining_once_is_remembered_on_the_device(page: Page, served, store: Store):
    training = new_training(store, "Deelnemers onthouden")
    open_participant(page, served, training)
    expect(page.locator(".pz-participant-header h1")).to_have_text("Deelnemers onthouden")
    expect(page.locator("button.pz-register")).to_be_visible()
    register(page, "Anna de Vries")
    expect(page.locator(".pz-no-forms")).to_contain_text("Er staat nu niets voor je open")
    assert [p.name for p in store.list_participants(training.id)] == ["Anna de Vries"]

    open_form(store, training, REFLECTION)
    page.reload(wait_until="domcontentloaded", timeout=PHONE_PAGE_MS)
    # Same device: straight to the overview, greeted by name, no name asked again.
    expect(page.locator(".pz-participant-header")).to_contain_text("Welkom, Anna de Vries")
    expect(page.locator(f"button.pz-form-link-{REFLECTION}")).to_be_visible()
    expect(page.locator(f"button.pz-form-link-{REFLECTION}")).to_contain_text("nog niet ingevuld")
    expect(page.locator(".pz-participant-name")).to_have_count(0)
    expect(page.locator("button.pz-register")).to_have_count(0)

    # The bare address (no code in it, as typed from the screen a day later): the phone
    # remembers the training's code and the participant, and asks for neither.
    page.goto(served.participant_url, wait_until="domcontentloaded", timeout=PHONE_PAGE_MS)
    expect(page.locator(".pz-participant-header")).to_contain_text("Welkom, Anna de Vries")
    expect(page.locator(f"button.pz-form-link-{REFLECTION}")).to_be_visible()
    expect(page.locator(".pz-join-code")).to_have_count(0)
    expect(page.locator(".pz-participant-name")).to_have_count(0)
    assert len(store.list_participants(training.id)) == 1, "a reload registered the device again"
    assert not page.js_errors, page.js_errors


def test_a_form_the_trainer_opens_appears_without_a_reload_and_is_counted(
    page: Page, browser: Browser, served, store: Store
):
    training = new_training(store, "Live openen")
    join(page, served, training, "Bram")
    expect(page.locator(".pz-no-forms")).to_be_visible()
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)

    with device(browser) as trainer:
        open_trainer(trainer, served, training)
        join_info = trainer.locator(".pz-forms-panel .pz-join-info")
        expect(join_info).to_contain_text(served.participant_url)
        expect(join_info.locator("svg")).to_have_count(1)  # the QR code, inline
        row = form_row(trainer, PREPARATION)
        expect(row.locator(".pz-form-count")).to_have_text("0 van 1 ingevuld")
        expect(row.locator(".pz-form-missing")).to_have_text("")  # not open yet
        toggle = row.locator("button.pz-form-toggle")
        expect(toggle).to_have_text("Openen")
        toggle.click()
        expect(toggle).to_have_text("Sluiten")
        expect(row.locator(".pz-form-missing")).to_contain_text("Nog niet ingevuld: Bram")
        session = store.form_session(training.id, MEETING, PREPARATION)
        assert session is not None and session.is_open and not session.anonymous

        link = page.locator(f"button.pz-form-link-{PREPARATION}")
        expect(link).to_be_visible(timeout=OTHER_SIDE_MS)
        assert navigations == [], f"the participant page reloaded: {navigations}"
        expect(page.locator(".pz-no-forms")).to_have_count(0)

        show_form(page, PREPARATION)
        fill_preparation(page)
        submit(page)
        expect(page.locator(".pz-form-root")).to_have_attribute("data-status", "submitted")
        expect(row.locator(".pz-form-count")).to_have_text("1 van 1 ingevuld", timeout=OTHER_SIDE_MS)
        expect(row.locator(".pz-form-missing")).to_have_text("")
        assert not trainer.js_errors, trainer.js_errors
    assert not page.js_errors, page.js_errors


def test_a_draft_survives_closing_the_tab_and_clearing_the_browser(page: Page, browser: Browser, served, store: Store):
    """The draft is in the browser (for edits the server has not seen yet) and on the server:
    a phone whose browser lost its copies (cleared site data) still finds it, as long as it is
    the same device (its secret). Another device never sees it."""
    training = new_training(store, "Concept bewaren")
    open_form(store, training, REFLECTION)
    join(page, served, training, "Carla")
    key = f"p:{participant_id(store, training, 'Carla')}"
    context = page.context

    show_form(page, REFLECTION)
    first = "Spannend, maar het ging beter dan ik dacht.\nDe stiltes waren lastig."
    write(page, "hoe-was-het", first)
    expect(page.locator(".pz-form-status")).to_contain_text("Concept bewaard", timeout=OTHER_SIDE_MS)
    page.wait_for_timeout(2_000)
    assert store.load_draft(training.id, MEETING, REFLECTION, key) == {"hoe-was-het": first}
    # An edit the server never saw (the tab closes at once): only the browser has it.
    second = "Vaker doorvragen."
    write(page, "meenemen", second)
    page.close()

    again = watch(context.new_page())
    open_participant(again, served, training)
    expect(again.locator(".pz-participant-header")).to_contain_text("Welkom, Carla")
    expect(again.locator(f"button.pz-form-link-{REFLECTION}")).to_contain_text("concept bewaard")
    show_form(again, REFLECTION)
    expect(text_field(again, "hoe-was-het")).to_have_value(first)
    expect(text_field(again, "meenemen")).to_have_value(second)
    # The browser's newer copy goes up to the store as soon as the form is shown again.
    wait_until(
        lambda: store.load_draft(training.id, MEETING, REFLECTION, key) == {"hoe-was-het": first, "meenemen": second},
        what="the browser's copy reached the store",
    )
    assert store.load_submission(training.id, MEETING, REFLECTION, key) is None

    # Everything the browser keeps goes, except the device secret (which *is* the device):
    # what the form shows now can only come from the server.
    left = again.evaluate("""() => {
        const device = localStorage.getItem("pz-device");
        localStorage.clear();
        localStorage.setItem("pz-device", device);
        return Object.keys(localStorage);
    }""")
    assert left == ["pz-device"], left
    open_participant(again, served, training)
    show_form(again, REFLECTION)
    with explained(again, served):
        expect(text_field(again, "hoe-was-het")).to_have_value(first)
        expect(text_field(again, "meenemen")).to_have_value(second)
    assert not again.js_errors, again.js_errors

    # Without the secret it is another phone: it is asked for a name and sees an empty form.
    with device(browser) as other:
        open_participant(other, served, training)
        register(other, "Iris")
        show_form(other, REFLECTION)
        expect(text_field(other, "hoe-was-het")).to_have_value("")


def test_required_items_and_too_long_text_are_refused_without_losing_text(page: Page, served, store: Store):
    training = new_training(store, "Verplicht en te lang")
    open_form(store, training, PREPARATION)
    join(page, served, training, "Dirk")
    key = f"p:{participant_id(store, training, 'Dirk')}"
    form = show_form(page, PREPARATION)

    submit(page)
    expect(form).to_have_attribute("data-status", "invalid")
    required = ["gids-gelezen", "indruk-gids", "werken-met-gids", "voorbereid", "vertrouwen-gesprek"]
    for item_id in required:
        expect(item(page, item_id).locator(".pz-item-error")).to_contain_text("verplicht")
    for item_id in ("vragen-gids", "nodig"):  # optional
        expect(item(page, item_id).locator(".pz-item-error")).to_have_text("")
    expect(page.locator(".pz-form-status")).to_contain_text("Nog niet verstuurd")
    assert store.load_submission(training.id, MEETING, PREPARATION, key) is None

    too_long = ("Heel veel te zeggen over de gids. " * 70)[:2001]
    fill_preparation(page, impression=too_long)
    expect(item(page, "indruk-gids").locator(".pz-item-counter")).to_have_text("2001 / 2000")
    expect(page.locator(".pz-form-status")).to_contain_text("Concept bewaard", timeout=OTHER_SIDE_MS)
    submit(page)
    expect(form).to_have_attribute("data-status", "invalid")
    error = item(page, "indruk-gids").locator(".pz-item-error")
    expect(error).to_contain_text("Maximaal 2000 tekens")
    for item_id in required:
        if item_id != "indruk-gids":
            expect(item(page, item_id).locator(".pz-item-error")).to_have_text("")
    expect(text_field(page, "indruk-gids")).to_have_value(too_long)  # nothing lost
    assert store.load_submission(training.id, MEETING, PREPARATION, key) is None
    assert store.load_draft(training.id, MEETING, PREPARATION, key)["indruk-gids"] == too_long

    shorter = too_long[:1990]
    write(page, "indruk-gids", shorter)
    expect(page.locator(".pz-form-status")).to_contain_text("Concept bewaard", timeout=OTHER_SIDE_MS)
    submit(page)
    expect(form).to_have_attribute("data-status", "submitted")
    expect(error).to_have_text("")
    assert store.load_submission(training.id, MEETING, PREPARATION, key)["indruk-gids"] == shorter
    assert not page.js_errors, page.js_errors


def test_a_text_the_server_cannot_store_is_refused_with_the_reason_on_the_phone(page: Page, served, store: Store):
    # A pasted terminal colour code (ESC) cannot be stored: the phone must say why, not "we retry".
    from pztraining.core.texts import t

    training = new_training(store, "Onzichtbaar teken")
    open_form(store, training, REFLECTION)
    join(page, served, training, "Mila")
    key = f"p:{participant_id(store, training, 'Mila')}"
    show_form(page, REFLECTION)
    write(page, "hoe-was-het", "Goed gegaan \x1b[31m")
    status = page.locator(".pz-form-status")
    expect(status).to_have_text(t("room.error.bad_text"), timeout=OTHER_SIDE_MS)
    submit(page)
    expect(status).to_have_text(t("room.error.bad_text"), timeout=OTHER_SIDE_MS)
    assert store.load_draft(training.id, MEETING, REFLECTION, key) is None
    assert store.load_submission(training.id, MEETING, REFLECTION, key) is None
    write(page, "hoe-was-het", "Goed gegaan")
    submit(page)
    expect(page.locator(".pz-form-root")).to_have_attribute("data-status", "submitted", timeout=OTHER_SIDE_MS)
    assert store.load_submission(training.id, MEETING, REFLECTION, key) == {"hoe-was-het": "Goed gegaan"}


def test_submitting_twice_stores_one_answer_and_a_correction_replaces_it(page: Page, served, store: Store):
    training = new_training(store, "Dubbel versturen")
    open_form(store, training, REFLECTION)
    join(page, served, training, "Eva")
    key = f"p:{participant_id(store, training, 'Eva')}"
    form = show_form(page, REFLECTION)
    button = page.locator(".pz-form-root button.pz-form-submit")

    write(page, "hoe-was-het", "Eerste versie.")
    button.dblclick()
    expect(form).to_have_attribute("data-status", "submitted")
    expect(button).to_have_text("Opnieuw versturen")
    wait_until(lambda: store.load_submission(training.id, MEETING, REFLECTION, key), what="submission stored")
    page.wait_for_timeout(1_000)  # a second message from the double click would be stored by now
    assert store.response_counts(training.id, MEETING)[REFLECTION] == 1

    # A correction replaces the earlier answer.
    write(page, "hoe-was-het", "Tweede versie, na nadenken.")
    expect(page.locator(".pz-form-status")).to_contain_text("Concept bewaard", timeout=OTHER_SIDE_MS)
    button.click()
    wait_until(
        lambda: (
            store.load_submission(training.id, MEETING, REFLECTION, key)
            == {"hoe-was-het": "Tweede versie, na nadenken."}
        ),
        what="the correction replaced the answer",
    )
    assert store.response_counts(training.id, MEETING)[REFLECTION] == 1
    assert store.load_draft(training.id, MEETING, REFLECTION, key) is None

    # Later (another visit), the same answers are sent once more: still one submission.
    # (Whether the page confirms a repeated send is test_sending_again_is_confirmed_on_the_page.)
    page.reload(wait_until="domcontentloaded", timeout=PHONE_PAGE_MS)
    expect(page.locator(f"button.pz-form-link-{REFLECTION}")).to_contain_text("verstuurd")
    form = show_form(page, REFLECTION)
    expect(form).to_have_attribute("data-status", "submitted")
    expect(text_field(page, "hoe-was-het")).to_have_value("Tweede versie, na nadenken.")
    page.locator(".pz-form-root button.pz-form-submit").click()
    page.wait_for_timeout(1_500)
    assert store.response_counts(training.id, MEETING)[REFLECTION] == 1
    assert store.load_submission(training.id, MEETING, REFLECTION, key) == {
        "hoe-was-het": "Tweede versie, na nadenken."
    }
    assert not page.js_errors, page.js_errors


def test_an_anonymous_evaluation_keeps_no_name_or_time(page: Page, browser: Browser, served, store: Store):
    training = new_training(store, "Anoniem evalueren")
    open_form(store, training, EVALUATION, anonymous=True)
    open_form(store, training, REFLECTION)  # not anonymous: for contrast on the trainer's panel
    join(page, served, training, "Femke")
    expect(page.locator(f"button.pz-form-link-{EVALUATION}")).to_contain_text("anoniem")
    form = show_form(page, EVALUATION)
    fill_evaluation(page)
    submit(page)
    # Received, and waiting to be stored together with others (or when the form closes).
    expect(form).to_have_attribute("data-status", "pending")
    store.close_form(training.id, MEETING, EVALUATION, now())
    wait_until(lambda: store.response_counts(training.id, MEETING).get(EVALUATION), what="stored at the close")

    with store.engine.connect() as conn:
        rows = wait_until(
            lambda: conn.execute(
                text(
                    "select participant_id, submitted_at, respondent_key from submissions "
                    "where training_id = :t and form_id = :f"
                ),
                {"t": training.id, "f": EVALUATION},
            ).all(),
            what="the evaluation is stored",
        )
    assert len(rows) == 1
    participant, submitted_at, key = rows[0]
    assert participant is None and submitted_at is None, rows
    assert key.startswith("a:") and key != f"p:{participant_id(store, training, 'Femke')}", key

    with device(browser) as trainer:
        open_trainer(trainer, served, training)
        evaluation = form_row(trainer, EVALUATION)
        expect(evaluation.locator(".pz-form-count")).to_have_text("1 van 1 ingevuld")
        expect(evaluation.locator(".pz-form-anonymous input[type=checkbox]")).to_be_checked()
        expect(evaluation.locator(".pz-form-anonymous input[type=checkbox]")).to_be_disabled()
        expect(form_row(trainer, REFLECTION).locator(".pz-form-missing")).to_contain_text("Nog niet ingevuld: Femke")
        trainer.wait_for_timeout(3_500)  # one refresh of the panel
        expect(evaluation.locator(".pz-form-missing")).to_have_text("")
        expect(evaluation).not_to_contain_text("Nog niet ingevuld")
        expect(evaluation).not_to_contain_text("Femke")


def test_a_participant_name_is_shown_as_text_not_html(page: Page, browser: Browser, served, store: Store):
    name = "<img src=x onerror=alert(1)>"
    training = new_training(store, "Vreemde namen")
    open_form(store, training, REFLECTION)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    join(page, served, training, name)
    expect(page.locator(".pz-participant-header")).to_contain_text(f"Welkom, {name}")
    expect(page.locator(".pz-participant-header img")).to_have_count(0)

    with device(browser) as trainer:
        trainer.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        open_trainer(trainer, served, training)
        missing = form_row(trainer, REFLECTION).locator(".pz-form-missing")
        expect(missing).to_have_text(f"Nog niet ingevuld: {name}")
        expect(missing.locator("img")).to_have_count(0)
        expect(trainer.locator(".pz-forms-panel img")).to_have_count(0)
        expect(trainer.locator(".pz-forms-panel .pz-participant-count")).to_contain_text("1 deelnemer")
    assert dialogs == [], dialogs


#: Pages and APIs of the trainer's side (and Jupyter's own) that the room network must not reach.
TRAINER_PATHS = [
    "voila/render/trainer.ipynb",
    "voila/render/results.ipynb",
    "voila/render/case.ipynb",
    "voila/render/facilitator.ipynb",
    "voila/files/trainer.ipynb",
    "voila/tree",
    "trainer.ipynb",
    "api/contents",
    "api/kernels",
    "api/sessions",
]


def test_the_participant_address_reaches_no_trainer_page(page: Page, served):
    """The room server serves the phones' page and nothing of the trainer: a Dutch 404."""
    base = served.participant_url
    assert base.endswith("/"), base
    seen = {}
    for path in TRAINER_PATHS:
        response = page.goto(base + path, wait_until="load", timeout=PHONE_PAGE_MS)
        assert response is not None, path
        assert page.url.startswith(base), page.url  # never sent on to the trainer server
        seen[path] = (response.status, page.locator("body").inner_text().strip())
        assert "trainer_app" not in page.content() and "facilitator_app" not in page.content(), path
    assert seen == dict.fromkeys(TRAINER_PATHS, (404, "Deze pagina bestaat niet."))
    expect(page.locator(".pz-trainer-app, .pz-facilitator-app, .pz-results-app")).to_have_count(0)


@pytest.mark.parametrize("before", ["submitted", "invalid"])
def test_sending_again_is_confirmed_on_the_page(page: Page, served, store: Store, before: str):
    """Tapping send again without changing anything ends in the confirmation (or the errors)
    again, never stuck on "Bezig met versturen…" with a disabled button.

    The page shows "sending" as soon as the button is tapped and waits for the server's status.
    """
    training = new_training(store, f"Nogmaals versturen ({before})")
    open_form(store, training, REFLECTION)
    join(page, served, training, "Gijs")
    key = f"p:{participant_id(store, training, 'Gijs')}"
    form = show_form(page, REFLECTION)
    button = page.locator(".pz-form-root button.pz-form-submit")
    if before == "submitted":
        write(page, "hoe-was-het", "Mijn antwoord.")
        expect(page.locator(".pz-form-status")).to_contain_text("Concept bewaard", timeout=OTHER_SIDE_MS)
    button.click()
    expect(form).to_have_attribute("data-status", before)
    expect(button).to_be_enabled()

    button.click()  # again, nothing changed (a participant unsure whether it went through)
    expect(form).to_have_attribute("data-status", before, timeout=OTHER_SIDE_MS)
    expect(button).to_be_enabled()
    expect(page.locator(".pz-form-status")).not_to_contain_text("Bezig met versturen")
    if before == "submitted":
        assert store.response_counts(training.id, MEETING)[REFLECTION] == 1
        assert store.load_submission(training.id, MEETING, REFLECTION, key) == {"hoe-was-het": "Mijn antwoord."}
    else:
        expect(item(page, "hoe-was-het").locator(".pz-item-error")).to_contain_text("verplicht")
        assert store.load_submission(training.id, MEETING, REFLECTION, key) is None


# ------------------------------------------------------------------------- shared cases


def simulant_lines(case) -> list[str]:
    """Every text of the simulant's briefing (what a participant must never be shown)."""
    briefing = case.simulant_briefing
    return [briefing.role, *briefing.knows, *briefing.feels, *briefing.asks, briefing.start_mild, *briefing.harder]


def test_a_shared_case_appears_without_a_reload_with_the_participant_briefing_only(page: Page, served, store: Store):
    case = load_case("de-vries")
    training = new_training(store, "Casus delen")
    open_form(store, training, REFLECTION)
    join(page, served, training, "Jet")
    case_replies: list[str] = []
    page.on(
        "response", lambda response: case_replies.append(response.text()) if "/pz/api/case?" in response.url else None
    )
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)

    # Shared while the participant is busy with a form: a notice, the form stays.
    show_form(page, REFLECTION)
    write(page, "hoe-was-het", "Half af.")
    store.share_case(training.id, MEETING, case.id, True, now())
    with explained(page, served):
        expect(page.locator(".pz-new-item")).to_contain_text(
            f"Nieuwe casus om te lezen: {case.title}", timeout=OTHER_SIDE_MS
        )
    expect(text_field(page, "hoe-was-het")).to_have_value("Half af.")
    page.locator("button.pz-back").click()

    link = page.locator(f"button.pz-case-link-{case.id}")
    expect(link).to_contain_text(case.title)
    expect(link).to_contain_text("casus om te lezen")
    link.click()
    article = page.locator("article.pz-case-participant")
    expect(article.locator(".pz-case-title")).to_have_text(case.title)
    for line in case.participant_briefing:
        expect(article).to_contain_text(line)
    for step in case.steps:
        expect(article).to_contain_text(step.title)
    shown = page.locator("body").inner_text()
    assert "Voor de simulant" not in shown
    leaked = [line for line in simulant_lines(case) if line in shown or any(line in r for r in case_replies)]
    assert leaked == [], f"the simulant's briefing reached the phone: {leaked}"
    assert len(case_replies) == 1, case_replies
    assert navigations == [], f"the participant page reloaded: {navigations}"

    # No longer shared: gone from the overview, also without a reload.
    page.locator("button.pz-back").click()
    store.share_case(training.id, MEETING, case.id, False, now())
    expect(link).to_have_count(0, timeout=OTHER_SIDE_MS)
    expect(page.locator(f"button.pz-form-link-{REFLECTION}")).to_be_visible()
    assert navigations == [], f"the participant page reloaded: {navigations}"
    assert not page.js_errors, page.js_errors


# ------------------------------------------------------------------------- a phone's screen

#: Elements whose text a participant has to read or tap whole.
_CUT_OFF_JS = """() => {
    const found = [];
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width + 1) {
        found.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    }
    for (const el of document.querySelectorAll(
            "label, button, legend, h1, h2, h3, input, textarea, .pz-item-title, .pz-item-state, .pz-note")) {
        const rect = el.getBoundingClientRect();
        if (!rect.width || getComputedStyle(el).visibility === "hidden") continue;
        const name = `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || el.value || "").slice(0, 40)}"`;
        if (el.clientWidth && el.scrollWidth > el.clientWidth + 1) {
            found.push(`${name}: text ${el.scrollWidth} px in ${el.clientWidth} px`);
        }
        if (rect.left < -1 || rect.right > width + 1) {
            found.push(`${name}: ${Math.round(rect.left)}–${Math.round(rect.right)} px, screen ${width} px`);
        }
    }
    return found;
}"""


def screenshot_dir(tmp_path: Path) -> Path:
    """Where the phone screenshots go: $PZ_SCREENSHOTS to keep them (and look at them), else tmp."""
    folder = Path(os.environ.get("PZ_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def nothing_cut_off(page: Page, shots: Path, name: str) -> None:
    """Screenshot the whole page, then check that no text sticks out of its box or the screen."""
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert page.evaluate(_CUT_OFF_JS) == [], f"{name} on a 390 px phone (see {shots / name}.png)"


def test_the_code_field_and_every_participant_screen_fit_a_phone(
    browser: Browser, served, store: Store, tmp_path: Path
):
    shots = screenshot_dir(tmp_path)
    training = new_training(store, "Telefoonscherm met een wat langere naam van de training")
    open_form(store, training, PREPARATION)
    store.share_case(training.id, MEETING, "de-vries", True, now())
    with device(browser, PHONE_VIEWPORT) as phone:
        phone.goto(served.participant_url, wait_until="domcontentloaded", timeout=PHONE_PAGE_MS)
        code = phone.locator(".pz-join-code input")
        expect(code).to_be_visible()
        width = code.bounding_box()["width"]
        assert width >= 0.85 * PHONE_VIEWPORT["width"], f"the code field is {width} px wide on a 390 px phone"
        label = phone.locator(".pz-join-code label")
        expect(label).to_have_text("Code van de training")
        assert label.evaluate("el => getComputedStyle(el).letterSpacing") == "normal"
        expect(code).to_have_attribute("autocapitalize", "characters")
        nothing_cut_off(phone, shots, "1-code")

        # As a participant types it from the screen: lower case, with a space in the middle.
        typed = f"{training.join_code[:3].lower()} {training.join_code[3:].lower()}"
        code.press_sequentially(typed)
        phone.locator("button.pz-join").click()
        with explained(phone, served):
            expect(phone.locator(".pz-participant-name input")).to_be_visible()
        expect(phone.locator(".pz-participant-header h1")).to_have_text(training.name)
        assert phone.evaluate("localStorage.getItem('pz-code')") == training.join_code
        nothing_cut_off(phone, shots, "2-name")

        register(phone, "Karin van den Berg-Oosterhuis")
        expect(phone.locator("button.pz-case-link-de-vries")).to_be_visible()
        nothing_cut_off(phone, shots, "3-overview")

        show_form(phone, PREPARATION)
        submit(phone)  # with the errors shown: the longest the form gets
        expect(phone.locator(".pz-form-root")).to_have_attribute("data-status", "invalid")
        nothing_cut_off(phone, shots, "4-form")

        phone.locator("button.pz-back").click()
        phone.locator("button.pz-case-link-de-vries").click()
        expect(phone.locator("article.pz-case-participant")).to_be_visible()
        nothing_cut_off(phone, shots, "5-case")
        assert not phone.js_errors, phone.js_errors


def test_a_draft_that_fails_while_the_form_is_sent_does_not_turn_it_back_into_a_draft(page: Page, served, store: Store):
    """A busy room: the draft of the last edit is still on its way (and then refused) when the
    participant taps send. The submit carries every value, so that draft is not sent again
    after it; before, it was, and the sent form came back as "concept bewaard" on the phone
    and as a draft in the database (seen with 20 phones at once)."""
    training = new_training(store, "Concept na versturen")
    open_form(store, training, REFLECTION)
    join(page, served, training, "Lotte")
    key = f"p:{participant_id(store, training, 'Lotte')}"
    form = show_form(page, REFLECTION)
    held = []
    page.route("**/pz/api/draft", lambda route: held.append(route))  # noqa: PLW0108 - no answer yet
    write(page, "hoe-was-het", "Mijn antwoord.")
    for _ in range(50):  # Playwright hands over the route while the test waits in the page
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1, "the draft was not sent"
    submit(page)
    held[0].fulfill(status=503, content_type="application/json", body='{"error": "bezig"}')
    page.unroute("**/pz/api/draft")

    expect(form).to_have_attribute("data-status", "submitted", timeout=OTHER_SIDE_MS)
    page.wait_for_timeout(2_500)  # a retried draft would have gone up and come back by now
    expect(form).to_have_attribute("data-status", "submitted")
    assert store.load_submission(training.id, MEETING, REFLECTION, key) == {"hoe-was-het": "Mijn antwoord."}
    assert store.load_draft(training.id, MEETING, REFLECTION, key) is None
    assert not page.js_errors, page.js_errors
