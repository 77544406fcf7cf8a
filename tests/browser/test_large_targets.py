"""A visitor of the public meeting (vll-publiek) fills the anonymous evaluation on a phone:
every option is a big target (at least 48 px tall) and the page never scrolls sideways.

A screenshot of the form is left in the test's folder (and under $PZ_SCREENSHOTS when set).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.sync_api import Browser, expect

from pztraining.content import load_form
from pztraining.domain.forms import form_spec
from pztraining.services import forms
from pztraining.store import Store
from tests.browser.helpers import (
    MEETING,
    PHONE_VIEWPORT,
    choose,
    device,
    explained,
    now,
    open_participant,
    show_form,
    submit,
    wait_until,
)

FORM = "evaluatie-vll"
MIN_TARGET_PX = 48

MEASURE = """() => ({
  heights: [...document.querySelectorAll('.pz-form-root .pz-choice')].map(el => el.getBoundingClientRect().height),
  widths: [...document.querySelectorAll('.pz-form-root .pz-choice')].map(el => el.getBoundingClientRect().right),
  scrollWidth: document.documentElement.scrollWidth,
  clientWidth: document.documentElement.clientWidth,
  submit: document.querySelector('.pz-form-submit').getBoundingClientRect().height,
  brokenNumbers: [...document.querySelectorAll('.pz-form-root .pz-scale10 .pz-choice span')]
    .filter(el => el.getClientRects().length > 1).map(el => el.textContent),
})"""


def test_the_visitor_evaluation_has_large_targets_and_no_sideways_scroll(
    browser: Browser, served, store: Store, tmp_path: Path
):
    training = store.add_training("Publieksavond Assen", "vll-publiek", now())
    form = load_form(FORM)
    forms.open_form(store, training.id, MEETING, FORM, True, now(), spec=form_spec(form))
    with device(browser, PHONE_VIEWPORT) as page:
        # A visitor of a public meeting is not asked a name: the link leads straight to the form.
        open_participant(page, served, training)
        expect(page.locator(".pz-participant-name")).to_have_count(0)
        root = show_form(page, FORM)
        assert "pz-large-targets" in (root.get_attribute("class") or "")
        shot = tmp_path / "vll-evaluatie-telefoon.png"
        page.screenshot(path=str(shot), full_page=True)
        if os.environ.get("PZ_SCREENSHOTS"):
            shutil.copy(shot, Path(os.environ["PZ_SCREENSHOTS"]) / shot.name)
        with explained(page, served):
            found = page.evaluate(MEASURE)
            options = sum(len(item.options) for item in form.items if item.type in ("single", "multiple")) + 11
            assert len(found["heights"]) == options
            assert min(found["heights"]) >= MIN_TARGET_PX, (
                f"options too small for a thumb (see {shot}): {found['heights']}"
            )
            assert found["submit"] >= MIN_TARGET_PX
            assert found["scrollWidth"] <= found["clientWidth"], f"sideways scroll (see {shot}): {found}"
            assert max(found["widths"]) <= PHONE_VIEWPORT["width"]
            assert found["brokenNumbers"] == [], f"a number of the 0–10 scale breaks over two lines (see {shot})"

        for item_id, value in (
            ("iets-aan", "Ja, veel"),
            ("duidelijk", "Ja"),
            ("filmpjes", "Niet gezien"),
            ("gaan-praten", "Misschien"),
            ("cijfer", 8),
        ):
            choose(page, item_id, value)
        submit(page)
        with explained(page, served):  # anonymous: received, stored with others or at the close
            expect(page.locator(".pz-form-root")).to_have_attribute("data-status", "pending")
        assert not page.js_errors, page.js_errors
    store.close_form(training.id, MEETING, FORM, now())
    rows = wait_until(lambda: store.answer_rows([training.id]), what="the evaluation is stored at the close")
    assert len({r["submission"] for r in rows}) == 1
    assert all(r["participant_id"] is None for r in rows)  # anonymous: the answers carry no visitor
    assert [p.name for p in store.list_participants(training.id)] == ["bezoeker"]  # no name was asked or kept
