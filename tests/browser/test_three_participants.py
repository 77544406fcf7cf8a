"""The issue's scenario in real browsers: three phones and the trainer's laptop, one training.

Three participants (each a Playwright browser context, so each its own device and
localStorage) join a mySupport training by its code, send the pre-assignment, and then send
the evaluation the trainer opens live from the draaiboek. The trainer's forms panel counts
them; the database holds three submissions of each form, the evaluation without names.
"""

from __future__ import annotations

from contextlib import ExitStack

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text

from pztraining.content import load_form
from pztraining.forms import form_spec
from pztraining.store import Store, Training

from tests.browser.helpers import (
    EVALUATION,
    FIRST_RENDER_MS,
    MEETING,
    OTHER_SIDE_MS,
    PREPARATION,
    choose,
    device,
    explained,
    form_link,
    form_row,
    now,
    participant_link,
    program_label,
    register,
    show_form,
    submit,
    wait_until,
    write,
)

#: The first render waits for a Voila kernel (the participant pool refills in the background).
#: Both pages re-read the store every 3 s; a change on the other side shows within this.

NAMES = ["Anouk", "Bilal", "Cor"]


# ------------------------------------------------------------------------- helpers


# ---- participant side


def wait_for_name_prompt(page: Page, served) -> None:
    with explained(page, served):
        expect(page.locator(".pz-participant-app")).to_be_visible(timeout=FIRST_RENDER_MS)
        expect(page.locator(".pz-participant-name input")).to_be_visible(timeout=FIRST_RENDER_MS)


def fill_preparation(page: Page, number: int) -> None:
    """The required items of voorbereiding-mysupport.yaml."""
    choose(page, "gids-gelezen", ["Helemaal", "Gedeeltelijk", "Nog niet"][number % 3])
    write(page, "indruk-gids", f"Indruk van deelnemer {number + 1}: duidelijk.")
    write(page, "werken-met-gids", "Goed te gebruiken bij het eerste gesprek.")
    choose(page, "voorbereid", ["Ja", "Gedeeltelijk", "Nee"][number % 3])
    choose(page, "vertrouwen-gesprek", 4 + number)


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
            training.join_code, timeout=FIRST_RENDER_MS)


def stored(store: Store, training: Training, form_id: str) -> list[tuple]:
    with store.engine.connect() as conn:
        return conn.execute(text(
            "select participant_id, respondent_key from submissions "
            "where training_id = :t and meeting = :m and form_id = :f"),
            {"t": training.id, "m": MEETING, "f": form_id}).all()


# ------------------------------------------------------------------------- the test


def test_three_participants_send_the_preparation_and_the_evaluation_the_trainer_opens_live(
        browser: Browser, served, store: Store):
    training = store.add_training("Drie deelnemers", "mysupport", now())
    assert training.join_code
    store.open_form(training.id, MEETING, PREPARATION, False, now(),
                    spec=form_spec(load_form(PREPARATION)))

    with ExitStack() as stack:
        phones = [stack.enter_context(device(browser)) for _ in NAMES]
        # All three phones ask for the page at once (as in a room); the kernels start in parallel.
        for phone in phones:
            phone.goto(participant_link(served, training), wait_until="domcontentloaded",
                       timeout=FIRST_RENDER_MS)
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
            phone.on("framenavigated",
                     lambda frame, phone=phone: navigations.append(frame.url)
                     if frame == phone.main_frame else None)

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

        # The link appears on every phone without a reload; each sends the evaluation.
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
                expect(form).to_have_attribute("data-status", "submitted", timeout=OTHER_SIDE_MS)

        # The trainer's panel re-reads every 3 s and counts all three.
        with explained(trainer, served):
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
    evaluations = wait_until(lambda: len(stored(store, training, EVALUATION)) == 3 and stored(
        store, training, EVALUATION), what="three evaluations stored")
    assert len(preparations) == 3, preparations
    assert {participant for participant, _ in preparations} == people
    assert {key for _, key in preparations} == {f"p:{pid}" for pid in people}
    assert len(evaluations) == 3, evaluations
    assert all(participant is None for participant, _ in evaluations), evaluations
    assert len({key for _, key in evaluations}) == 3, evaluations  # one per device
    assert all(key.startswith("a:") for _, key in evaluations), evaluations
    assert store.response_counts(training.id, MEETING) == {PREPARATION: 3, EVALUATION: 3}
