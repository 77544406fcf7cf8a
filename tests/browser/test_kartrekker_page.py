"""The kartrekker page in a real browser against a real trainer server, with the demo trainings.

The kartrekker scores two conditions, reloads and sees them; types cost figures and sees the
total change (and a Dutch message for a negative number); the borging chart shows the demo's
year of trainings per half-year.
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
    page.goto(served.trainer_url.replace("trainer.ipynb", "kartrekker.ipynb"), wait_until="domcontentloaded",
              timeout=FIRST_RENDER_MS)
    with explained(page, served):
        expect(page.locator(".pz-kartrekker-app")).to_be_visible(timeout=FIRST_RENDER_MS)
        select = page.locator(".pz-org select")
        select.select_option(value=ORG)  # ipywidgets 8: the option's label is its value
        expect(select).to_have_value(ORG)
        expect(page.locator(".pz-conditions-summary")).to_contain_text("Nu:", timeout=KERNEL_MS)


def score_button(page: Page, condition: str, label: str):
    return page.locator(f".pz-condition-{condition} .pz-condition-score button",
                        has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))


def tab(page: Page, title: str):
    return page.locator(".pz-kartrekker-tabs [role=tab]", has_text=title)


def test_two_scored_conditions_are_there_after_a_reload(page: Page, served, store, demo_trainings):
    open_page(page, served)
    with explained(page, served):
        score_button(page, "looptijd", "wel").click()
        expect(score_button(page, "looptijd", "wel")).to_have_class(re.compile(r"\bmod-active\b"))
        page.locator(".pz-condition-looptijd .pz-condition-remark input").fill("vastgelegd in het plan")
        score_button(page, "kennis", "(nog) niet").click()
        expect(score_button(page, "kennis", "(nog) niet")).to_have_class(re.compile(r"\bmod-active\b"))
        page.locator("button.pz-condition-save").click()
        expect(page.locator(".pz-conditions-message")).to_contain_text("2 scores opgeslagen", timeout=KERNEL_MS)
    kept = wait_until(lambda: store.condition_scores(ORG, "mysupport"), what="scores stored")
    assert sorted((s.condition_id, s.score, s.remark) for s in kept) == [
        ("kennis", "niet", ""), ("looptijd", "wel", "vastgelegd in het plan")]

    page.reload(wait_until="domcontentloaded")
    open_page(page, served)
    with explained(page, served):
        expect(score_button(page, "looptijd", "wel")).to_have_class(re.compile(r"\bmod-active\b"), timeout=KERNEL_MS)
        expect(score_button(page, "kennis", "(nog) niet")).to_have_class(re.compile(r"\bmod-active\b"))
        expect(score_button(page, "visie", "wel")).not_to_have_class(re.compile(r"\bmod-active\b"))
        remark = page.locator(".pz-condition-looptijd .pz-condition-remark input")
        expect(remark).to_have_value("vastgelegd in het plan")
        expect(page.locator(".pz-conditions-summary")).to_contain_text("Nu: 1 wel, 0 gedeeltelijk, 1 (nog) niet")


def test_typed_cost_figures_change_the_total_live(page: Page, served, demo_trainings):
    open_page(page, served)
    with explained(page, served):
        tab(page, "Kosten").click()
        total = page.locator(".pz-cost-total")
        # The mySupport format's proposed numbers: €9.923 (see the content file).
        expect(total).to_contain_text("Totaal: €9.923", timeout=KERNEL_MS)
        page.locator(".pz-cost-deelnemers input").fill("20")
        # 8 more care workers × 2 trainings × 5 hours × €38 = €3.040 more.
        expect(total).to_contain_text("Totaal: €12.963", timeout=KERNEL_MS)
        expect(page.locator(".pz-cost-lines")).to_contain_text("2 trainingen × 20 verzorgenden × 5 uur × €38")
        page.locator(".pz-cost-deelnemers input").fill("-5")
        expect(page.locator(".pz-cost-error", has_text="niet negatief")).to_be_visible(timeout=KERNEL_MS)
        expect(total).to_contain_text("Geen totaal")
        expect(total).not_to_contain_text("Totaal:")


def test_the_borging_chart_shows_the_demo_trainings(page: Page, served, demo_trainings):
    held = Counter(indicators.bucket_of(tr.meeting_dates[-1], "halfjaar").label
                   for tr in demo_trainings if tr.organisation == ORG and tr.meeting_dates[-1] <= now().date())
    assert sum(held.values()) >= 3
    open_page(page, served)
    with explained(page, served):
        tab(page, "Borging").click()
        chart = page.locator(".pz-borging-output [data-indicator=trainings_held] svg.pz-period-chart")
        expect(chart).to_be_visible(timeout=KERNEL_MS)
        for label, count in held.items():
            expect(chart.locator("rect title", has_text=f"{label}: {count}")).to_have_count(1)
        expect(chart.locator("text", has_text=re.compile(r"^\d+$")).first).to_be_visible()
        assert page.locator(".pz-borging-output svg.pz-period-chart").count() == len(indicators.CHARTED)
