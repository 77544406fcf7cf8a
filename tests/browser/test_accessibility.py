"""WCAG 2.1 AA, measured (issue 22 item 4) on the pages the room server and the trainer server's
zaal page serve: axe-core finds no serious or critical violation on the phone page (every screen,
light and dark), the zaal (beamer) page, the facilitators' Rollenspel page and the room server's
Dutch refusals; the phone flow is done with the keyboard alone, and every control has a name a
screen reader can say (Chromium's accessibility tree).

The JupyterHub pages and the trainer's Voila pages are checked elsewhere (tests/hub, docs).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from pztraining.content import load_form
from pztraining.domain.roleplay import Group, RolePlay
from pztraining.services import forms
from pztraining.store import Store, Training
from tests.browser.a11y import axe_violations, controls, describe, unnamed_controls
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
    explained,
    now,
    show_form,
)

QUIZ = "zorgkaart-quiz"
TREE_FORM = "zorgkaart-beslisboom"


def check(page: Page, served, where: str) -> None:
    """No serious or critical axe violation and no control without a name, on the page as it is."""
    with explained(page, served):
        found = axe_violations(page)
        assert not found, f"{where}:\n{describe(found)}"
        assert unnamed_controls(page) == [], f"{where}: controls without a name"


# ---------------------------------------------------------------- axe, page by page


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_screen_of_the_phone_page_passes_axe(browser: Browser, served, store: Store, scheme: str):
    training = store.add_training(f"Toegankelijk {scheme}", "mysupport", now())
    forms.open_form(store, training.id, MEETING, PREPARATION, False, now())
    forms.open_form(store, training.id, MEETING, EVALUATION, True, now())
    zorgkaart = store.add_training(f"Zorgkaart {scheme}", "zorgkaart", now())
    for form_id in (QUIZ, TREE_FORM):
        forms.open_form(store, zorgkaart.id, MEETING, form_id, False, now())
    store.reveal_answer(zorgkaart.id, MEETING, QUIZ, load_form(QUIZ).items[0].id, now())
    with device(browser, PHONE_VIEWPORT) as page:
        page.emulate_media(color_scheme=scheme)
        page.goto(served.participant_url, wait_until="domcontentloaded", timeout=PHONE_PAGE_MS)
        expect(page.locator(".pz-join-code input")).to_be_visible()
        check(page, served, "code")
        page.locator(".pz-join-code input").fill("XXXXXX")
        page.locator("button.pz-join").click()
        expect(page.locator(".pz-message-error")).to_be_visible()
        check(page, served, "wrong code")
        page.locator(".pz-join-code input").fill(training.join_code)
        page.locator("button.pz-join").click()
        expect(page.locator(".pz-participant-name input")).to_be_visible()
        check(page, served, "name")
        page.locator(".pz-participant-name input").fill("Anouk")
        page.locator("button.pz-register").click()
        expect(page.locator(".pz-item-link")).to_have_count(2)
        check(page, served, "overview")
        show_form(page, PREPARATION)
        page.locator(".pz-form-submit").click()  # nothing filled in: every question says why
        expect(page.locator(".pz-form-root")).to_have_attribute("data-status", "invalid")
        check(page, served, "refused form")
        forms.open_form(store, training.id, MEETING, REFLECTION, False, now())
        expect(page.locator(".pz-new-item")).to_contain_text(load_form(REFLECTION).title, timeout=OTHER_SIDE_MS)
        check(page, served, "new item")
        page.get_by_role("button", name="Terug naar het overzicht").click()
        show_form(page, EVALUATION)
        check(page, served, "anonymous form")
        store.share_case(training.id, MEETING, "de-vries", True, now())
        page.get_by_role("button", name="Nu openen").click(timeout=OTHER_SIDE_MS)
        expect(page.locator("article.pz-case-participant")).to_be_visible()
        check(page, served, "case")

        page.goto(f"{served.participant_url}?code={zorgkaart.join_code}", wait_until="domcontentloaded")
        page.locator(".pz-participant-name input").fill("Anouk")
        page.locator("button.pz-register").click()
        show_form(page, QUIZ)
        expect(page.locator(".pz-quiz-reveal")).to_have_count(1)
        check(page, served, "quiz with a revealed answer")
        page.get_by_role("button", name="Terug naar het overzicht").click()
        show_form(page, TREE_FORM)
        page.locator(".pz-tree-current button.pz-tree-choice").first.click()
        check(page, served, "decision tree")
        assert not page.js_errors, page.js_errors


def trainer_path(served, path: str) -> str:
    return served.trainer_url.split("/voila/")[0] + "/" + path


def test_the_zaal_page_for_the_beamer_passes_axe(browser: Browser, served, store: Store):
    training = store.add_training("Zaal toegankelijk", "mysupport", now())
    with device(browser, {"width": 1280, "height": 720}) as page:
        page.goto(trainer_path(served, f"pz/zaal/?training={training.id}"), wait_until="load", timeout=PHONE_PAGE_MS)
        expect(page.locator(".pz-room-code", has_text=training.join_code)).to_be_visible()
        check(page, served, "zaal")


def test_the_room_servers_refusals_pass_axe(browser: Browser, served):
    with device(browser, PHONE_VIEWPORT) as page:
        for path in ("rollenspel?f=NIETGOED", "bestaat-niet"):
            page.goto(served.participant_url + path, wait_until="load", timeout=PHONE_PAGE_MS)
            check(page, served, path)


def test_the_facilitators_rollenspel_page_passes_axe(browser: Browser, served, store: Store):
    training = store.add_training("Rollenspel toegankelijk", "mysupport", now())
    group = Group("Groep Zon", ("Aïsha", "Bram", "Carla"), "Fenna", "de-vries", 120)
    store.add_roleplay_group(training.id, MEETING, "Groep Zon", RolePlay(group).to_dict(), now())
    code = store.facilitator_code(training.id, MEETING)
    with device(browser, {"width": 1024, "height": 768}) as tablet:
        tablet.goto(
            f"{served.participant_url}rollenspel?f={code}", wait_until="domcontentloaded", timeout=FIRST_RENDER_MS
        )
        with explained(tablet, served):
            expect(tablet.locator(".pz-facilitator-app")).to_be_visible(timeout=FIRST_RENDER_MS)
            expect(tablet.locator(".pz-group-select select")).to_have_value("Groep Zon", timeout=FIRST_RENDER_MS)
        check(tablet, served, "rollenspel")


# ---------------------------------------------------------------- the keyboard alone

MAX_TABS = 120


def tab_to(page: Page, selector: str, backwards: bool = False) -> None:
    """Press Tab until the focused element matches ``selector`` (fails after MAX_TABS)."""
    for _ in range(MAX_TABS):
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    focused = page.evaluate("document.activeElement && document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"Tab never reached {selector!r} (focus on {focused})")


def answer_with_keys(page: Page, form_id: str) -> None:
    """Answer every question of the shown form with the keyboard only, top to bottom."""
    for item in load_form(form_id).items:
        box = f".pz-form-root fieldset.pz-item[data-item='{item.id}']"
        if item.type in ("short_text", "long_text"):
            tab_to(page, f"{box} input, {box} textarea")
            page.keyboard.type("2" if item.type == "short_text" else "Met het toetsenbord.")
        elif item.type == "multiple":
            tab_to(page, f"{box} input[type=checkbox]")
            page.keyboard.press("Space")
        elif item.type == "tree":
            for _ in range(12):  # walk it to an advice: the focus follows each new step
                tab_to(page, f"{box} .pz-tree-current .pz-tree-choice, {box} .pz-tree-advice")
                if page.evaluate("document.activeElement.matches('.pz-tree-advice')"):
                    break
                page.keyboard.press("Enter")
            expect(page.locator(f"{box} .pz-tree-advice")).to_be_visible()
        else:  # single, agreement, scale10, quiz: a radio group, one Tab stop
            tab_to(page, f"{box} input[type=radio]")
            page.keyboard.press("Space")
            if item.type == "quiz":
                page.keyboard.press("ArrowDown")  # arrows move the choice within the group
            expect(page.locator(f"{box} input[type=radio]:checked")).to_have_count(1)


def submit_with_keys(page: Page, served) -> None:
    tab_to(page, ".pz-form-root button.pz-form-submit")
    page.keyboard.press("Enter")
    with explained(page, served):
        expect(page.locator(".pz-form-root")).to_have_attribute("data-status", "submitted")


def join_with_keys(page: Page, served, training: Training, name: str) -> None:
    page.goto(served.participant_url, wait_until="domcontentloaded", timeout=PHONE_PAGE_MS)
    expect(page.locator(".pz-join-code input")).to_be_focused()  # typing can start at once
    page.keyboard.type(training.join_code)
    page.keyboard.press("Enter")
    expect(page.locator(".pz-participant-name input")).to_be_focused()
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    expect(page.locator(".pz-participant-header")).to_contain_text(f"Welkom, {name}")


def open_with_keys(page: Page, form_id: str) -> None:
    tab_to(page, f"button.pz-form-link-{form_id}")
    page.keyboard.press("Enter")
    expect(page.locator(".pz-form-root .pz-form-title")).to_be_focused()  # read from the top
    expect(page.locator(".pz-form-root .pz-form-title")).to_have_text(load_form(form_id).title)


def test_the_phone_flow_with_the_keyboard_alone_and_every_control_named(browser: Browser, served, store: Store):
    """Join, a name, every item type, submit, a quiz answer: keys only, names checked on every screen."""
    ggz = store.add_training("Toetsenbord ggz", "ggz", now())
    form_ids = ("voorbereiding-ggz", "werkplekopdracht-2", "evaluatie-ggz")
    for form_id in form_ids:
        forms.open_form(store, ggz.id, MEETING, form_id, False, now())
    zorgkaart = store.add_training("Toetsenbord zorgkaart", "zorgkaart", now())
    for form_id in (QUIZ, TREE_FORM):
        forms.open_form(store, zorgkaart.id, MEETING, form_id, False, now())
    seen: set[str] = set()
    with device(browser, PHONE_VIEWPORT) as page:
        join_with_keys(page, served, ggz, "Toos")
        assert unnamed_controls(page) == []
        open_with_keys(page, form_ids[0])
        for number, form_id in enumerate(form_ids):
            answer_with_keys(page, form_id)
            seen.update(item.type for item in load_form(form_id).items)
            assert unnamed_controls(page) == [], form_id
            submit_with_keys(page, served)
            if number + 1 < len(form_ids):  # on to the next from the list of what is still open
                tab_to(page, f".pz-still-open button.pz-form-link-{form_ids[number + 1]}")
                page.keyboard.press("Enter")
                expect(page.locator(".pz-form-root .pz-form-title")).to_be_focused()
        expect(page.locator(".pz-still-open")).to_contain_text("Je hebt alles ingevuld")

    with device(browser, PHONE_VIEWPORT) as page:
        join_with_keys(page, served, zorgkaart, "Toos")
        open_with_keys(page, QUIZ)
        answer_with_keys(page, QUIZ)
        submit_with_keys(page, served)
        quiz_answers = page.locator(".pz-form-root input[type=radio]:checked")
        expect(quiz_answers).to_have_count(len(load_form(QUIZ).items))
        tab_to(page, f".pz-still-open button.pz-form-link-{TREE_FORM}")
        page.keyboard.press("Enter")
        answer_with_keys(page, TREE_FORM)
        assert unnamed_controls(page) == []
        names = controls(page)
        assert ("button", "Versturen") in names, names
        submit_with_keys(page, served)
        seen.update(item.type for item in load_form(QUIZ).items + load_form(TREE_FORM).items)
        assert not page.js_errors, page.js_errors
    assert seen >= {"single", "multiple", "agreement", "scale10", "short_text", "long_text", "quiz", "tree"}, seen
