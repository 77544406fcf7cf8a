"""The zorgkaart meeting in real browsers: ten phones answer a quiz item while the trainer's
screen counts them without the answer, then reveals it; a decision tree walked on a phone.

One ``pztraining serve`` for the module (room server and trainer server on one database).
"""

from __future__ import annotations

from contextlib import ExitStack

from playwright.sync_api import Browser, Page, expect

from pztraining.content import load_form
from pztraining.services import forms
from pztraining.store import Store
from tests.browser.helpers import (
    FIRST_RENDER_MS,
    MEETING,
    OTHER_SIDE_MS,
    PHONE_VIEWPORT,
    choose,
    device,
    diagnose,
    explained,
    form_row,
    item,
    join,
    now,
    show_form,
    submit,
    wait_until,
)

QUIZ = "zorgkaart-quiz"
TREE_FORM = "zorgkaart-beslisboom"
PHONES = 10


def _trainer(page: Page, served, join_code: str) -> None:
    page.goto(served.trainer_url, wait_until="domcontentloaded", timeout=FIRST_RENDER_MS)
    try:
        expect(page.locator(".pz-forms-panel .pz-join-info .pz-join-code")).to_have_text(
            join_code, timeout=FIRST_RENDER_MS
        )
    except AssertionError as exc:
        raise AssertionError(f"{exc}{diagnose(page, served)}") from None


def test_ten_phones_answer_a_quiz_item_and_the_answer_shows_only_after_the_reveal(
    browser: Browser, served, store: Store
):
    training = store.add_training("Regio-avond zorgkaart", "zorgkaart", now())
    form = load_form(QUIZ)
    first = form.items[0]
    wrong = [o for o in first.options if o != first.correct]
    with ExitStack() as stack:
        trainer = stack.enter_context(device(browser))
        _trainer(trainer, served, training.join_code)
        row = form_row(trainer, QUIZ)
        row.locator("button.pz-form-toggle").click()
        wait_until(lambda: store.form_session(training.id, MEETING, QUIZ), what="quiz opened")
        bars = row.locator(f".pz-quiz-chart-{first.id} .pz-quiz-bars")
        expect(bars).to_have_attribute("data-total", "0", timeout=OTHER_SIDE_MS)
        phones = []
        for number in range(PHONES):
            phone = stack.enter_context(device(browser, PHONE_VIEWPORT))
            join(phone, served, training, f"Deelnemer {number + 1}")
            show_form(phone, QUIZ)
            choose(phone, first.id, first.correct if number % 3 else wrong[number % len(wrong)])
            submit(phone)
            with explained(phone, served):
                expect(phone.locator(".pz-form-root")).to_have_attribute("data-status", "submitted")
            with explained(trainer, served):  # the screen's count grows with every phone
                expect(bars).to_have_attribute("data-total", str(number + 1), timeout=OTHER_SIDE_MS)
            phones.append(phone)
        screen = trainer.locator(".pz-forms-panel").inner_html()
        assert first.explanation not in screen and "pz-quiz-bar-right" not in screen
        assert first.explanation not in trainer.content()
        for phone in phones:
            expect(phone.locator(".pz-quiz-reveal")).to_have_count(0)
            assert first.explanation not in phone.content()

        trainer.locator(f"button.pz-quiz-reveal-{first.id}").click()
        with explained(trainer, served):
            expect(bars.locator(".pz-quiz-bar-right")).to_contain_text(first.correct, timeout=OTHER_SIDE_MS)
            expect(bars.locator(".pz-quiz-explanation")).to_have_text(first.explanation)
        for phone in phones:
            with explained(phone, served):
                reveal = item(phone, first.id).locator(".pz-quiz-reveal")
                expect(reveal.locator(".pz-quiz-correct")).to_have_text(first.correct, timeout=OTHER_SIDE_MS)
                expect(reveal.locator(".pz-quiz-explanation")).to_have_text(first.explanation)
            # Only this item: the next one's answer is still on no phone.
            expect(item(phone, form.items[1].id).locator(".pz-quiz-reveal")).to_have_count(0)
            assert form.items[1].explanation not in phone.content()
            assert not phone.js_errors, phone.js_errors
        assert not trainer.js_errors, trainer.js_errors


def test_a_decision_tree_walked_on_a_phone_records_its_path(browser: Browser, served, store: Store):
    training = store.add_training("Regio-avond beslisboom", "zorgkaart", now())
    forms.open_form(store, training.id, MEETING, TREE_FORM, False, now())
    with device(browser, PHONE_VIEWPORT) as phone:
        join(phone, served, training, "Huisarts De Wit")
        show_form(phone, TREE_FORM)
        tree = item(phone, "route-pijn")
        for label in ["Nee", "Een medisch-inhoudelijke vraag"]:
            tree.locator(".pz-tree-current button.pz-tree-choice", has_text=label).click()
        # A step back and another way: the path follows the last choices.
        tree.locator(".pz-tree-current button.pz-tree-choice", has_text="Ja").click()
        expect(tree.locator(".pz-tree-advice")).to_contain_text("TOPZ")
        tree.locator("button.pz-tree-answered", has_text="Ja").click()
        tree.locator(".pz-tree-current button.pz-tree-choice", has_text="Nee").click()
        with explained(phone, served):
            expect(tree.locator(".pz-tree-advice")).to_contain_text("Fibula-consulent")
        submit(phone)
        expect(phone.locator(".pz-form-root")).to_have_attribute("data-status", "submitted")
        expected = ["centrale-zorgverlener", "soort-vraag", "bekend-in-ziekenhuis", "consulent"]
        assert wait_until(
            lambda: store.list_item_answers(training.id, MEETING, TREE_FORM, "route-pijn"), what="tree answer stored"
        ) == [expected]
        assert not phone.js_errors, phone.js_errors
