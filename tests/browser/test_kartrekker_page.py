"""The kartrekker page in a real browser against a real trainer server, with the demo trainings.

The demo has scored the conditions twice and filled in costs; the kartrekker changes two scores,
reloads and sees the new round; types cost figures and sees the total change (and a Dutch message
for a negative number); the borging chart shows the demo's year of trainings per half-year.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from playwright.sync_api import Page, expect

from pztraining.cli import demo
from pztraining.services.kartrekker import indicators
from tests.browser.helpers import FIRST_RENDER_MS, explained, now, wait_until

#: What the kernel does after a click or a keystroke (store writes, a report).
KERNEL_MS = 30_000
ORG = "Demo-verpleeghuis De Linde"


@pytest.fixture(scope="module")
def demo_trainings(store):
    return [training for training, _ in demo.ensure_demo_trainings(store, now())]


def open_page(page: Page, served) -> None:
    assert "trainer.ipynb" in served.trainer_url, served.trainer_url
    page.goto(
        served.trainer_url.replace("trainer.ipynb", "kartrekker.ipynb"),
        wait_until="domcontentloaded",
        timeout=FIRST_RENDER_MS,
    )
    with explained(page, served):
        expect(page.locator(".pz-kartrekker-app")).to_be_visible(timeout=FIRST_RENDER_MS)
        select = page.locator(".pz-org select")
        select.select_option(value=ORG)  # ipywidgets 8: the option's label is its value
        expect(select).to_have_value(ORG)
        expect(page.locator(".pz-conditions-summary")).to_contain_text("Nu:", timeout=KERNEL_MS)


def score_button(page: Page, condition: str, label: str):
    return page.locator(
        f".pz-condition-{condition} .pz-condition-score button", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")
    )


def tab(page: Page, title: str):
    return page.locator(".pz-kartrekker-tabs [role=tab]", has_text=title)


def test_two_scored_conditions_are_there_after_a_reload(page: Page, served, store, demo_trainings):
    open_page(page, served)
    with explained(page, served):
        # The demo's latest round (pztraining.cli.demo) scored seven conditions; kennis was "niet".
        expect(score_button(page, "kennis", "(nog) niet")).to_have_class(
            re.compile(r"\bmod-active\b"), timeout=KERNEL_MS
        )
        score_button(page, "vaste-structuur", "wel").click()
        expect(score_button(page, "vaste-structuur", "wel")).to_have_class(re.compile(r"\bmod-active\b"))
        page.locator(".pz-condition-vaste-structuur .pz-condition-remark input").fill("vastgelegd in het plan")
        score_button(page, "kennis", "gedeeltelijk").click()
        expect(score_button(page, "kennis", "gedeeltelijk")).to_have_class(re.compile(r"\bmod-active\b"))
        page.locator("button.pz-condition-save").click()
        expect(page.locator(".pz-conditions-message")).to_contain_text("8 scores opgeslagen", timeout=KERNEL_MS)
    kept = wait_until(
        lambda: [s for s in store.condition_scores(ORG, "mysupport") if s.condition_id == "vaste-structuur"],
        what="scores stored",
    )
    latest = [s for s in store.condition_scores(ORG, "mysupport") if s.scored_at == kept[-1].scored_at]
    assert {(s.condition_id, s.score, s.remark) for s in latest} >= {
        ("kennis", "gedeeltelijk", ""),
        ("vaste-structuur", "wel", "vastgelegd in het plan"),
    }
    assert len(latest) == 8

    page.reload(wait_until="domcontentloaded")
    open_page(page, served)
    with explained(page, served):
        expect(score_button(page, "vaste-structuur", "wel")).to_have_class(
            re.compile(r"\bmod-active\b"), timeout=KERNEL_MS
        )
        expect(score_button(page, "kennis", "gedeeltelijk")).to_have_class(re.compile(r"\bmod-active\b"))
        expect(score_button(page, "visie", "wel")).not_to_have_class(re.compile(r"\bmod-active\b"))
        remark = page.locator(".pz-condition-vaste-structuur .pz-condition-remark input")
        expect(remark).to_have_value("vastgelegd in het plan")
        expect(page.locator(".pz-conditions-summary")).to_contain_text("Nu: 5 wel, 3 gedeeltelijk, 0 (nog) niet")


def test_typed_cost_figures_change_the_total_live(page: Page, served, demo_trainings):
    open_page(page, served)
    with explained(page, served):
        tab(page, "Kosten").click()
        total = page.locator(".pz-cost-total")
        # The demo's own figures (pztraining.cli.demo) with the format's other numbers: €20.667.
        expect(total).to_contain_text("Totaal: €20.667", timeout=KERNEL_MS)
        page.locator(".pz-cost-deelnemers input").fill("20")
        # 12 more care workers × 4 trainings × ((5 h training + 1 h preparation) × €36 + the project's €175 fee).
        expect(total).to_contain_text("Totaal: €39.435", timeout=KERNEL_MS)
        expect(page.locator(".pz-cost-lines")).to_contain_text("4 trainingen × 20 verzorgenden × 5 uur × €36")
        expect(page.locator(".pz-cost-lines")).to_contain_text("(eigen cijfer)")
        page.locator(".pz-cost-deelnemers input").fill("-5")
        expect(page.locator(".pz-cost-error", has_text="niet negatief")).to_be_visible(timeout=KERNEL_MS)
        expect(total).to_contain_text("Geen totaal")
        expect(total).not_to_contain_text("Totaal:")


def test_the_borging_chart_shows_the_demo_trainings(page: Page, served, demo_trainings):
    held = Counter(
        indicators.bucket_of(tr.meeting_dates[-1], "halfjaar").label
        for tr in demo_trainings
        if tr.organisation == ORG and tr.meeting_dates[-1] <= now().date()
    )
    assert sum(held.values()) >= 3
    open_page(page, served)
    with explained(page, served):
        tab(page, "Borging").click()
        chart = page.locator(".pz-borging-output [data-indicator=trainings_held] svg.pz-period-chart")
        expect(chart).to_be_visible(timeout=KERNEL_MS)
        for label, count in held.items():
            expect(chart.locator("rect title", has_text=f"{label}: {count}")).to_have_count(1)
        expect(chart.locator("text", has_text=re.compile(r"^\d+$")).first).to_be_visible()
        # The measured indicators, and the demo's entered "gesprekken met naasten gevoerd" with its own chart.
        assert page.locator(".pz-borging-output svg.pz-period-chart").count() == len(indicators.CHARTED) + 1
        expect(page.locator(".pz-borging-output [data-indicator=conversations_held] svg")).to_be_visible()
