"""A facilitator's tablet (1024 × 768, and 768 × 1024 held upright): every choice and table fits.

The case dropdown of the Rollenspel page cut a case's title off ("Casus 1: Mevrouw De Vries –
naar het ziekenhui"), as did the training dropdown of the results page; a facilitator cannot
tell the cases of a meeting apart then. On a tablet every visible dropdown shows its longest
choice whole, no table or page runs wider than the screen, on the facilitator page (through its
link on the room server), the case pages and the results page. Screenshots are left in the
test's folder.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from pztraining.domain.roleplay import Group, RolePlay
from pztraining.store import Store
from tests.browser.helpers import FIRST_RENDER_MS, device, explained, now

TABLETS = ({"width": 1024, "height": 768}, {"width": 768, "height": 1024})

#: What does not fit: a dropdown narrower than its longest choice (the text as the select draws
#: it, plus its arrow), a table or the page wider than the screen.
NOT_FITTING = """() => {
  const canvas = document.createElement("canvas").getContext("2d");
  const problems = [];
  for (const select of document.querySelectorAll("select")) {
    if (select.offsetParent === null) continue;
    const style = getComputedStyle(select);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16;
    for (const option of select.options) {
      const need = Math.round(canvas.measureText(option.text).width);
      const where = select.parentElement.className;
      if (need > room) problems.push(`dropdown ${where}: "${option.text}" ${need} > ${Math.round(room)} px`);
    }
  }
  for (const table of document.querySelectorAll("table")) {
    if (table.offsetParent === null) continue;
    const right = table.getBoundingClientRect().right;
    if (right > window.innerWidth) problems.push(`table ${table.className}: right edge at ${Math.round(right)} px`);
  }
  const wide = document.scrollingElement.scrollWidth;
  if (wide > window.innerWidth) problems.push(`page ${wide} px wide`);
  return problems;
}"""


def not_fitting(page: Page) -> list[str]:
    return page.evaluate(NOT_FITTING)


def test_dropdowns_and_tables_fit_a_tablet(browser: Browser, served, store: Store, tmp_path: Path):
    training = store.add_training("Team De Linde in Noord-Holland, afdeling Zonnebloem", "mysupport", now())
    group = Group("Groep Zon", ("Aïsha", "Bram", "Carla"), "Fenna", "janssen", 120)
    store.add_roleplay_group(training.id, 1, "Groep Zon", RolePlay(group).to_dict(), now())
    code = store.facilitator_code(training.id, 1)
    cases = served.trainer_url.replace("trainer.ipynb", "case.ipynb")
    results = served.trainer_url.replace("trainer.ipynb", "results.ipynb")
    for size in TABLETS:
        with device(browser, size) as tablet:
            tablet.goto(
                f"{served.participant_url}rollenspel?f={code}", wait_until="domcontentloaded", timeout=FIRST_RENDER_MS
            )
            with explained(tablet, served):
                expect(tablet.locator(".pz-group-select select")).to_have_value("Groep Zon", timeout=FIRST_RENDER_MS)
                tablet.locator(".pz-new-group").click()
                expect(tablet.locator(".pz-case select")).to_be_visible()
            tablet.screenshot(path=str(tmp_path / f"rollenspel-{size['width']}.png"), full_page=True)
            assert not_fitting(tablet) == [], size

            # The case pages once, upright (the narrower way round).
            for view in ("simulant", "participant", "screen") if size["width"] < 1024 else ():
                tablet.goto(f"{cases}?case=janssen&view={view}", wait_until="domcontentloaded", timeout=FIRST_RENDER_MS)
                with explained(tablet, served):
                    expect(tablet.locator(".pz-case-view")).to_be_visible(timeout=FIRST_RENDER_MS)
                assert not_fitting(tablet) == [], (size, view)
    with device(browser, TABLETS[0]) as tablet:
        tablet.goto(f"{results}?training={training.id}", wait_until="domcontentloaded", timeout=FIRST_RENDER_MS)
        with explained(tablet, served):
            expect(tablet.locator(".pz-training-select select")).to_be_attached(timeout=FIRST_RENDER_MS)
            expect(tablet.locator(".pz-meeting select")).to_be_visible()
        tablet.screenshot(path=str(tmp_path / "results-1024.png"), full_page=True)
        assert not_fitting(tablet) == []
