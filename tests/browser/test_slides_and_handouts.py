"""Slides with the Wi-Fi off, and handouts printed by Chromium: what a trainer takes to the room."""

from __future__ import annotations

import re
from datetime import UTC
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from pztraining.cli.main import main
from pztraining.content.deck import deck_files, read_deck
from pztraining.reports import slides


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> slides.BuildReport:
    report = slides.build(tmp_path_factory.mktemp("decks"))
    assert report.ok, report.problems
    return report


@pytest.fixture
def offline_page(browser: Browser):
    """A page with the network switched off; every attempt to reach it is recorded."""
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 720})
    attempts: list[str] = []

    def refuse(route):
        attempts.append(route.request.url)
        route.abort()

    context.route(re.compile(r"^https?://"), refuse)
    page = context.new_page()
    page.attempts = attempts
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


@pytest.mark.parametrize("deck_id", ["mysupport-1", "ggz-1", "zorgkaart-1"])
def test_a_built_deck_opens_from_the_file_system_offline_and_advances(built, offline_page, deck_id):
    page = offline_page
    deck = read_deck(next(p for p in deck_files() if p.stem == deck_id))
    page.goto((built.out / f"{deck_id}.html").as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=15_000)
    expect(page.locator(".reveal .slides section.present h1")).to_have_text(deck.meta.title)

    page.keyboard.press("ArrowRight")
    page.wait_for_function("Reveal.getIndices().h === 1")
    expect(page.locator(".reveal .slides > section.present section.present h2")).to_contain_text(deck.slides[0].heading)
    assert page.evaluate("Reveal.getTotalSlides()") == len(deck.slides) + 1  # plus the title slide
    assert page.attempts == [], f"the deck tried to reach the network: {page.attempts}"
    assert page.js_errors == []


def test_the_speaker_view_shows_the_notes_offline(built, offline_page):
    page = offline_page
    deck = read_deck(next(p for p in deck_files() if p.stem == "mysupport-1"))
    page.goto((built.out / "mysupport-1.html").as_uri() + "#/1")
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=15_000)
    with page.expect_popup() as popup_info:
        page.keyboard.press("s")
    speaker = popup_info.value
    first_words = " ".join(deck.slides[0].notes.split()[:4])
    expect(speaker.locator(".speaker-controls-notes")).to_contain_text(first_words, timeout=15_000)
    assert page.attempts == []


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def test_handouts_print_to_pdf_with_the_expected_pages(tmp_path, capsys):
    from datetime import datetime

    from pztraining.store import Store

    db = f"sqlite:///{tmp_path / 'pz.db'}"
    store = Store(db)
    training = store.add_training("Team De Linde", "mysupport", datetime.now(UTC))
    for n in range(16):  # more than one attendance page (15 rows), four sheets of cards
        store.add_participant(training.id, f"Deelnemer {n + 1}", f"device-{n}", datetime.now(UTC))
    store.close()
    out = tmp_path / "hand-outs"
    assert main(["handouts", "--db", db, "--training", "Team De Linde", "--with-names", "--out", str(out)]) == 0
    capsys.readouterr()
    assert _pages(out / "gesprekskaartje.pdf") == 4  # 16 cards, four to an A4
    assert _pages(out / "presentielijst-bijeenkomst-1.pdf") == 2
    assert _pages(out / "checklist-voorbereiding.pdf") == 1
    for html_file in out.glob("*.html"):
        if html_file.name != "index.html":
            assert _pages(html_file.with_suffix(".pdf")) >= 1, html_file.name
    from pypdf import PdfReader

    first = PdfReader(out / "presentielijst-bijeenkomst-1.pdf").pages[0]
    width_mm, height_mm = (float(v) / 72 * 25.4 for v in (first.mediabox.width, first.mediabox.height))
    assert round(width_mm) == 210 and round(height_mm) == 297  # A4
    text = first.extract_text()
    assert "Presentielijst" in text and "Deelnemer 1" in text


@pytest.mark.parametrize("program, card", [("mysupport", "gesprekskaartje"), ("zorgkaart", "zorgkaart-stappen")])
def test_every_conversation_card_fits_its_a6_box(tmp_path, browser: Browser, program, card):
    out = tmp_path / "hand-outs"
    assert main(["handouts", "--program", program, "--no-pdf", "--out", str(out)]) == 0
    context = browser.new_context(offline=True)
    try:
        page = context.new_page()
        page.emulate_media(media="print")
        page.goto((out / f"{card}.html").as_uri())
        cards = page.evaluate("""() => [...document.querySelectorAll('.pz-card')].map(card => {
            const box = card.getBoundingClientRect();
            return {overflow: card.scrollHeight - card.clientHeight, width: box.width, height: box.height};
        })""")
    finally:
        context.close()
    assert len(cards) == 4
    mm = 96 / 25.4  # CSS pixels per millimetre
    for card in cards:
        assert card["overflow"] <= 1, "de tekst past niet op het kaartje"
        assert abs(card["width"] / mm - 105) < 1 and abs(card["height"] / mm - 148.5) < 1
