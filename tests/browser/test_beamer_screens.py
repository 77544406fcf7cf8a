"""The trainer's laptop on a beamer (1280 × 720): the live run on one screen, nothing private on it.

A trainer who runs a meeting from the Draaiboek must see the countdown, the current block,
"Volgende blok" and what the phones do without scrolling (scrolling to the button took the
countdown off the screen). A confirmation of an earlier action does not linger beside the run.
Many trainers mirror the laptop on the beamer: the facilitators' code (a way into the
Rollenspel page) stays hidden until the trainer opens it, and is never shown beside the
phones' QR code. The screenshot of the live run is left in the test's folder (and kept in
docs/screenshots/live-run.png for the README).
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from pztraining.content import load_form, load_program
from pztraining.domain.forms import form_spec
from pztraining.services import forms
from tests.browser.helpers import FIRST_RENDER_MS, OTHER_SIDE_MS, PREPARATION, device, explained, now
from tests.browser.test_trainer_run import create_training, open_trainer, start_meeting

BEAMER = {"width": 1280, "height": 720}
MEETING = load_program("mysupport").meetings[0]

#: What the trainer needs during the run, each as a whole box on the first screen.
LIVE = (".pz-block-position", ".pz-countdown", ".pz-current-block", ".pz-next", ".pz-phone-status")

OUTSIDE = """([selectors, width, height]) => selectors.flatMap(selector => {
  const element = document.querySelector(selector);
  if (!element) return [`${selector}: missing`];
  const r = element.getBoundingClientRect();
  const inside = r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= height && r.right <= width;
  const box = [r.left, r.top, r.right, r.bottom].map(Math.round);
  return inside ? [] : [`${selector}: ${box[0]},${box[1]} to ${box[2]},${box[3]}`];
})"""


def outside_the_screen(page: Page) -> list[str]:
    """The live run's parts not wholly on the first screen (the page not scrolled)."""
    return page.evaluate(OUTSIDE, [list(LIVE), BEAMER["width"], BEAMER["height"]])


def test_the_live_run_fits_a_beamer_laptop_and_old_confirmations_go(browser: Browser, served, store, tmp_path: Path):
    with device(browser, BEAMER) as page:
        open_trainer(page, served.trainer_url)
        create_training(page, "Op de beamer")
        confirmation = page.locator(".pz-message .pz-message-ok")
        expect(confirmation).to_have_text("Training 'Op de beamer' is aangemaakt.")
        expect(confirmation).to_be_visible()
        start_meeting(page)
        with explained(page, served):
            expect(page.locator(".pz-phone-status")).to_contain_text("0 aangemeld")
        assert outside_the_screen(page) == []
        with explained(page, served):
            expect(page.locator(".pz-phone-status")).to_contain_text("Geen formulier open")
            expect(confirmation).to_be_hidden()  # it belonged to the previous action

        # The phones' status follows what the room does (the panel re-reads every few seconds).
        training = next(tr for tr in store.list_trainings() if tr.name == "Op de beamer")
        forms.open_form(
            store, training.id, MEETING.number, PREPARATION, False, now(), spec=form_spec(load_form(PREPARATION))
        )
        with explained(page, served):
            expect(page.locator(".pz-phone-status")).to_contain_text(
                f"Open: {load_form(PREPARATION).title}", timeout=OTHER_SIDE_MS
            )
        page.screenshot(path=str(tmp_path / "live-run.png"))
        print(f"screenshot: {tmp_path / 'live-run.png'}")

        page.locator(".pz-next").click()  # from where it is: no scrolling needed
        with explained(page, served):
            expect(page.locator(".pz-current-block .pz-block-title")).to_have_text(MEETING.blocks[1].title)
        assert outside_the_screen(page) == []
        assert not page.js_errors, page.js_errors


def test_the_facilitators_code_is_hidden_until_the_trainer_opens_it(browser: Browser, served, store):
    training = store.add_training("Gespiegeld scherm", "mysupport", now())
    code = store.facilitator_code(training.id, MEETING.number)
    assert code
    with device(browser, BEAMER) as page:
        page.goto(
            f"{served.trainer_url}?training={training.id}", wait_until="domcontentloaded", timeout=FIRST_RENDER_MS
        )
        phones_qr = page.locator(".pz-join-info .pz-qr svg")
        facilitator_qr = page.locator(".pz-facilitator-qr svg")
        toggle = page.locator(".pz-facilitator-toggle")
        with explained(page, served):
            expect(phones_qr).to_be_visible(timeout=FIRST_RENDER_MS)
            expect(toggle).to_have_text("Code voor facilitatoren tonen")
        assert facilitator_qr.count() == 0 and code not in page.content()

        toggle.click()
        with explained(page, served):
            expect(facilitator_qr).to_be_visible()
            expect(page.locator(".pz-facilitator-url")).to_contain_text(f"rollenspel?f={code}")
            expect(phones_qr).to_have_count(0)  # never both on the screen
            expect(toggle).to_have_text("Code voor facilitatoren verbergen")

        toggle.click()  # and closed again
        with explained(page, served):
            expect(facilitator_qr).to_have_count(0)
            expect(phones_qr).to_be_visible()
        assert code not in page.content()
        assert not page.js_errors, page.js_errors
