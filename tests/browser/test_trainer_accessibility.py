"""axe-core on the trainer's Voila pages: nothing serious or critical, and the rest documented.

The Draaiboek (plan and live run), Resultaten, Kartrekker, Rollenspel (trainer's server) and a
case page are checked with the WCAG 2.0/2.1 A and AA rules and axe's best practices. A serious or
critical finding fails; any other finding must be a row of docs/accessibility.md ("What
remains": page and rule), so the table stays what the pages really have.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from pztraining.store import Store
from tests.browser.a11y import FAILING_IMPACTS, WCAG_AA, describe
from tests.browser.helpers import FIRST_RENDER_MS, device, explained, now

DOC = Path(__file__).resolve().parents[2] / "docs" / "accessibility.md"
#: A row of the "What remains" table: | page | rule | impact | where | why |
ROW = re.compile(r"^\| *([^|]+?) *\| *([a-z-]+) *\| *(minor|moderate) *\|", re.MULTILINE)


def documented() -> set[tuple[str, str]]:
    """(page, rule) of every row in the doc's table of what remains."""
    return {(page, rule) for page, rule, _impact in ROW.findall(DOC.read_text(encoding="utf-8"))}


def findings(page: Page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": [*WCAG_AA, "best-practice"]}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


def check(page: Page, served, name: str, allowed: set[tuple[str, str]]) -> None:
    found = findings(page)
    serious = [v for v in found if v.get("impact") in FAILING_IMPACTS]
    assert serious == [], f"{name}:\n{describe(serious)}"
    undocumented = [v for v in found if (name, v["id"]) not in allowed]
    assert undocumented == [], f"{name}: not in {DOC.name}:\n{describe(undocumented)}"


def test_the_trainer_pages_have_nothing_serious_and_what_remains_is_documented(browser: Browser, served, store: Store):
    allowed = documented()
    assert ("Draaiboek", "heading-order") in allowed  # the table is read
    training = store.add_training("Toegankelijk", "mysupport", now())
    #: page name -> (notebook, what shows once its kernel has run it)
    page_of = {
        "Resultaten": ("results.ipynb", ".pz-results-app .pz-training-select select"),
        "Kartrekker": ("kartrekker.ipynb", ".pz-kartrekker-app"),
        "Rollenspel": ("facilitator.ipynb", ".pz-facilitator-app .pz-training-select select"),
    }
    with device(browser, {"width": 1280, "height": 720}) as page:
        page.goto(
            f"{served.trainer_url}?training={training.id}", wait_until="domcontentloaded", timeout=FIRST_RENDER_MS
        )
        with explained(page, served):
            expect(page.locator(".pz-start")).to_be_enabled(timeout=FIRST_RENDER_MS)
        check(page, served, "Draaiboek", allowed)
        page.locator(".pz-start").click()
        with explained(page, served):
            expect(page.locator(".pz-next")).to_be_visible()
        check(page, served, "Draaiboek", allowed)

        for name, (notebook, rendered) in page_of.items():
            page.goto(
                served.trainer_url.replace("trainer.ipynb", notebook) + f"?training={training.id}",
                wait_until="domcontentloaded",
                timeout=FIRST_RENDER_MS,
            )
            with explained(page, served):
                expect(page.locator(rendered)).to_be_attached(timeout=FIRST_RENDER_MS)
            check(page, served, name, allowed)

        page.goto(
            served.trainer_url.replace("trainer.ipynb", "case.ipynb") + "?case=janssen&view=simulant",
            wait_until="domcontentloaded",
            timeout=FIRST_RENDER_MS,
        )
        with explained(page, served):
            expect(page.locator(".pz-case-view")).to_be_visible(timeout=FIRST_RENDER_MS)
        check(page, served, "case", allowed)
