"""No control label is cut off at a laptop's 1366 × 768: trainer, facilitator and results pages.

ipywidgets cut labels that do not fit with an ellipsis ("Papieren formuli…"); a trainer
then has to guess what a button does. Every visible label, button and checkbox text must
fit its box (scrollWidth ≤ clientWidth). Screenshots are left in the test's folder.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from pztraining.content import load_form, load_program
from pztraining.domain.forms import form_spec
from pztraining.services import forms
from tests.browser.helpers import EVALUATION, FIRST_RENDER_MS, MEETING, explained, now

LAPTOP = {"width": 1366, "height": 768}

#: Every element that carries a control's label text.
LABELS = (
    ".widget-label, .widget-label-basic span, .widget-button, .widget-toggle-button, "
    ".widget-toggle-buttons button, .widget-inline-hbox label"
)

CUT_OFF = """selector => [...document.querySelectorAll(selector)]
  .filter(el => el.offsetParent !== null && el.textContent.trim() !== ""
                && el.scrollWidth > el.clientWidth + 1)
  .map(el => `${el.className}: "${el.textContent.trim()}" (${el.scrollWidth} > ${el.clientWidth})`)"""


def cut_off(page: Page) -> list[str]:
    return page.evaluate(CUT_OFF, LABELS)


def page_url(served, notebook: str) -> str:
    return served.trainer_url.replace("trainer.ipynb", notebook)


def check(page: Page, served, shot: Path) -> None:
    page.screenshot(path=str(shot), full_page=True)
    with explained(page, served):
        found = cut_off(page)
        assert found == [], f"labels cut off at 1366 px (see {shot}):\n" + "\n".join(found)


def test_no_control_label_is_cut_off_at_1366_pixels(browser, served, store, tmp_path):
    training = store.add_training("Team Laptopbreedte, najaar 2026", "mysupport", now())
    forms.open_form(store, training.id, MEETING, EVALUATION, False, now(), spec=form_spec(load_form(EVALUATION)))
    store.close_form(training.id, MEETING, EVALUATION, now())
    label = f"{training.name} ({load_program('mysupport').title})"
    context = browser.new_context(viewport=LAPTOP, locale="nl-NL", timezone_id="Europe/Amsterdam")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(page_url(served, "trainer.ipynb"), wait_until="domcontentloaded", timeout=FIRST_RENDER_MS)
        with explained(page, served):
            expect(page.locator(".pz-form-anonymous").first).to_be_visible(timeout=FIRST_RENDER_MS)
            expect(page.locator(".pz-checklist-item").first).to_be_visible()
        check(page, served, tmp_path / "trainer-plan.png")
        page.locator(".pz-new-training").click()
        expect(page.locator(".pz-new-training-form")).to_be_visible()
        check(page, served, tmp_path / "trainer-new.png")
        page.locator(".pz-start").click()
        with explained(page, served):
            expect(page.locator(".pz-next")).to_be_visible()
        check(page, served, tmp_path / "trainer-run.png")

        page.goto(page_url(served, "results.ipynb"), wait_until="domcontentloaded", timeout=FIRST_RENDER_MS)
        with explained(page, served):
            expect(page.locator(".pz-training-select select")).to_have_value(label, timeout=FIRST_RENDER_MS)
            expect(page.locator(".pz-paper")).to_be_visible()
        check(page, served, tmp_path / "results.png")
        page.locator(".pz-scope-mode button").nth(1).click()
        expect(page.locator(".pz-from")).to_be_visible()
        check(page, served, tmp_path / "results-period.png")

        page.goto(page_url(served, "facilitator.ipynb"), wait_until="domcontentloaded", timeout=FIRST_RENDER_MS)
        with explained(page, served):
            expect(page.locator(".pz-training-select select")).to_be_attached(timeout=FIRST_RENDER_MS)
            expect(page.locator(".pz-training-select select")).to_have_value(label)
        page.locator(".pz-new-group").click()
        expect(page.locator(".pz-group-name")).to_be_visible()
        check(page, served, tmp_path / "facilitator.png")
    finally:
        context.close()
