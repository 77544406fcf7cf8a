"""The participant's phone in a real browser: join, fill and send forms; the trainer's forms panel.

All tests share one ``pztraining serve`` (module fixture ``served``): the participant server
(single-notebook mode, preheated kernels) and the trainer server on the same database. Every
test adds its own training straight into the database, so participants join by its code and
the trainer page (which selects the newest training) shows it. A Playwright browser context
is one device: its localStorage holds the device secret and the browser copy of drafts.
"""

from __future__ import annotations


import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text

from pztraining.store import Store, Training

from tests.browser.helpers import (
    EVALUATION,
    FIRST_RENDER_MS,
    MEETING,
    OTHER_SIDE_MS,
    PREPARATION,
    REFLECTION,
    choose,
    device,
    diagnose,
    form_row,
    item,
    now,
    participant_link,
    register,
    show_form,
    submit,
    text_field,
    wait_until,
    write,
)

#: The first render waits for a Voila kernel (the participant pool refills in the background).
#: Both pages re-read the store every 3 s; a change on the other side shows within this.



# ------------------------------------------------------------------------- helpers


def new_training(store: Store, name: str) -> Training:
    """A mySupport training, newest of all (so the trainer page shows it)."""
    training = store.add_training(name, "mysupport", now())
    assert training.join_code
    return training


def open_form(store: Store, training: Training, form_id: str, anonymous: bool = False) -> None:
    store.open_form(training.id, MEETING, form_id, anonymous, now())


# ---- participant side


def open_participant(page: Page, served, training: Training) -> None:
    page.goto(participant_link(served, training), wait_until="domcontentloaded", timeout=FIRST_RENDER_MS)
    try:
        expect(page.locator(".pz-participant-app")).to_be_visible(timeout=FIRST_RENDER_MS)
        # Either the name prompt (new device) or the overview (known device).
        expect(page.locator(".pz-participant-name input, .pz-no-forms, button.pz-form-link").first
               ).to_be_visible(timeout=FIRST_RENDER_MS)
    except AssertionError as exc:
        raise AssertionError(f"{exc}{diagnose(page, served)}") from None


def join(page: Page, served, training: Training, name: str) -> None:
    open_participant(page, served, training)
    register(page, name)


def participant_id(store: Store, training: Training, name: str) -> int:
    found = [p for p in store.list_participants(training.id) if p.name == name]
    assert len(found) == 1, store.list_participants(training.id)
    return found[0].id


def fill_preparation(page: Page, impression: str = "Duidelijk en prettig om te lezen.") -> None:
    choose(page, "gids-gelezen", "Helemaal")
    write(page, "indruk-gids", impression)
    write(page, "werken-met-gids", "Goed, vooral bij het eerste gesprek.")
    choose(page, "voorbereid", "Gedeeltelijk")
    choose(page, "vertrouwen-gesprek", 6)


# ---- trainer side


def open_trainer(page: Page, served, training: Training) -> None:
    """The trainer page with the forms panel of our (the newest) training, meeting 1."""
    page.goto(served.trainer_url, wait_until="domcontentloaded", timeout=FIRST_RENDER_MS)
    try:
        expect(page.locator(".pz-trainer-app")).to_be_visible(timeout=FIRST_RENDER_MS)
        expect(page.locator(".pz-forms-panel .pz-join-info .pz-join-code")).to_have_text(
            training.join_code, timeout=FIRST_RENDER_MS)
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
    page.reload(wait_until="domcontentloaded", timeout=FIRST_RENDER_MS)
    # Same device: straight to the overview, greeted by name, no name asked again.
    expect(page.locator(".pz-participant-header")).to_contain_text("Welkom, Anna de Vries",
                                                                    timeout=FIRST_RENDER_MS)
    expect(page.locator(f"button.pz-form-link-{REFLECTION}")).to_be_visible(timeout=FIRST_RENDER_MS)
    expect(page.locator(f"button.pz-form-link-{REFLECTION}")).to_contain_text("nog niet ingevuld")
    expect(page.locator(".pz-participant-name")).to_have_count(0)
    expect(page.locator("button.pz-register")).to_have_count(0)
    assert len(store.list_participants(training.id)) == 1, "a reload registered the device again"
    assert not page.js_errors, page.js_errors


def test_a_form_the_trainer_opens_appears_without_a_reload_and_is_counted(
        page: Page, browser: Browser, served, store: Store):
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


def test_a_draft_survives_closing_the_tab(page: Page, served, store: Store):
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
    # An edit the kernel never saw (the tab closes at once): only the browser has it.
    second = "Vaker doorvragen."
    write(page, "meenemen", second)
    page.close()

    again = context.new_page()
    again.set_default_timeout(30_000)
    again.js_errors = []
    again.on("pageerror", lambda exc: again.js_errors.append(str(exc)))
    open_participant(again, served, training)
    expect(again.locator(".pz-participant-header")).to_contain_text("Welkom, Carla")
    expect(again.locator(f"button.pz-form-link-{REFLECTION}")).to_contain_text("concept bewaard")
    show_form(again, REFLECTION)
    expect(text_field(again, "hoe-was-het")).to_have_value(first)
    expect(text_field(again, "meenemen")).to_have_value(second)
    # The browser's newer copy goes up to the store as soon as the form is shown again.
    wait_until(lambda: store.load_draft(training.id, MEETING, REFLECTION, key) == {
        "hoe-was-het": first, "meenemen": second}, what="the browser's copy reached the store")
    assert store.load_submission(training.id, MEETING, REFLECTION, key) is None
    assert not again.js_errors, again.js_errors


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
    wait_until(lambda: store.load_submission(training.id, MEETING, REFLECTION, key) == {
        "hoe-was-het": "Tweede versie, na nadenken."}, what="the correction replaced the answer")
    assert store.response_counts(training.id, MEETING)[REFLECTION] == 1
    assert store.load_draft(training.id, MEETING, REFLECTION, key) is None

    # Later (another visit), the same answers are sent once more: still one submission.
    # (Whether the page confirms a repeated send is test_sending_again_is_confirmed_on_the_page.)
    page.reload(wait_until="domcontentloaded", timeout=FIRST_RENDER_MS)
    expect(page.locator(f"button.pz-form-link-{REFLECTION}")).to_contain_text(
        "verstuurd", timeout=FIRST_RENDER_MS)
    form = show_form(page, REFLECTION)
    expect(form).to_have_attribute("data-status", "submitted")
    expect(text_field(page, "hoe-was-het")).to_have_value("Tweede versie, na nadenken.")
    page.locator(".pz-form-root button.pz-form-submit").click()
    page.wait_for_timeout(1_500)
    assert store.response_counts(training.id, MEETING)[REFLECTION] == 1
    assert store.load_submission(training.id, MEETING, REFLECTION, key) == {
        "hoe-was-het": "Tweede versie, na nadenken."}
    assert not page.js_errors, page.js_errors


def test_an_anonymous_evaluation_keeps_no_name_or_time(page: Page, browser: Browser, served, store: Store):
    training = new_training(store, "Anoniem evalueren")
    open_form(store, training, EVALUATION, anonymous=True)
    open_form(store, training, REFLECTION)  # not anonymous: for contrast on the trainer's panel
    join(page, served, training, "Femke")
    expect(page.locator(f"button.pz-form-link-{EVALUATION}")).to_contain_text("anoniem")
    form = show_form(page, EVALUATION)
    for number, item_id in enumerate(["relevantie", "duidelijkheid", "trainer", "materialen", "tijd", "oefenen"]):
        choose(page, item_id, 1 + number % 5)
    choose(page, "aanbevelen", 8)
    choose(page, "vertrouwen-gesprek", 7)
    write(page, "tips", "Meer tijd om te oefenen.")
    submit(page)
    expect(form).to_have_attribute("data-status", "submitted")

    with store.engine.connect() as conn:
        rows = wait_until(lambda: conn.execute(text(
            "select participant_id, submitted_at, respondent_key from submissions "
            "where training_id = :t and form_id = :f"), {"t": training.id, "f": EVALUATION}).all(),
            what="the evaluation is stored")
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
        expect(form_row(trainer, REFLECTION).locator(".pz-form-missing")).to_contain_text(
            "Nog niet ingevuld: Femke")
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


@pytest.mark.parametrize("path", [
    "voila/render/trainer.ipynb",
    "voila/files/trainer.ipynb",
    "api/contents",
    "voila/render/facilitator.ipynb",
    "voila/tree",
    "api/kernels",
])
def test_the_participant_address_cannot_reach_trainer_pages(page: Page, served, path: str):
    base = served.participant_url
    assert base.endswith("/"), base
    response = page.goto(base + path, wait_until="load", timeout=FIRST_RENDER_MS)
    assert response is not None
    assert response.status in (403, 404), (response.status, page.url)
    assert page.url.startswith(base), page.url  # never sent on to the trainer server
    page.wait_for_timeout(500)
    expect(page.locator(".pz-trainer-app")).to_have_count(0)
    expect(page.locator(".pz-facilitator-app")).to_have_count(0)
    assert "trainer_app" not in page.content() and "facilitator_app" not in page.content()


@pytest.mark.parametrize("before", ["submitted", "invalid"])
def test_sending_again_is_confirmed_on_the_page(page: Page, served, store: Store, before: str):
    """Tapping send again without changing anything ends in the confirmation (or the errors)
    again, never stuck on "Bezig met versturen…" with a disabled button.

    The page shows "sending" as soon as the button is tapped and waits for the kernel's status.
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
