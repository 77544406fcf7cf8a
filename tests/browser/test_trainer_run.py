"""The trainer's draaiboek in a real browser: create a training, run a meeting, reload.

All tests share one server and database (module fixture ``served``); the first test runs
against the still empty database. Every test creates its own training, which the page
then shows first (the newest training is the default after a reload).
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from pztraining.content import load_program
from tests.browser.helpers import FIRST_RENDER_MS, program_label, seconds_left, wait_for_seconds

PROGRAM = load_program("mysupport")
MEETING = PROGRAM.meetings[0]
FIRST, SECOND = MEETING.blocks[0], MEETING.blocks[1]


# ------------------------------------------------------------------------- helpers


def open_trainer(page: Page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded", timeout=FIRST_RENDER_MS)
    wait_for_render(page)


def wait_for_render(page: Page) -> None:
    """Wait until the kernel has run the notebook and the widgets are on the page."""
    expect(page.locator(".pz-trainer-app")).to_be_visible(timeout=FIRST_RENDER_MS)
    expect(page.locator(".pz-training-select select")).to_be_attached(timeout=FIRST_RENDER_MS)


def create_training(page: Page, name: str) -> None:
    form = page.locator(".pz-new-training-form")
    if not form.is_visible():
        page.locator(".pz-new-training").click()
    expect(form).to_be_visible()
    page.locator(".pz-program select").select_option(value=program_label())
    page.locator(".pz-group-name input").fill(name)
    page.locator(".pz-create-training").click()
    expect(page.locator(".pz-message")).to_have_text(f"Training '{name}' is aangemaakt.")
    expect(form).to_be_hidden()
    expect(page.locator(".pz-training-select select")).to_have_value(f"{name} ({program_label()})")


def start_meeting(page: Page) -> None:
    start = page.locator(".pz-start")
    expect(start).to_be_enabled()
    start.click()
    expect(page.locator(".pz-current-block .pz-block-title")).to_have_text(FIRST.title)
    expect(page.locator(".pz-countdown")).to_have_attribute("data-state", "ok")


def upcoming_minutes(page: Page) -> list[int]:
    cells = page.locator(".pz-upcoming tbody tr td.pz-num").all_inner_texts()
    return [int(cell.split()[0]) for cell in cells]


# ------------------------------------------------------------------------- tests


def test_trainer_creates_training_starts_meeting_and_resumes_after_reload(page: Page, served):
    open_trainer(page, served.trainer_url)

    # An empty database: the page says so and shows the form for a new training.
    expect(page.locator(".pz-message")).to_have_text("Nog geen training. Maak er hieronder een aan.")
    expect(page.locator(".pz-new-training-form")).to_be_visible()
    create_training(page, "Team De Linde")

    # The plan of meeting 1 lists the blocks in order, Welkom first.
    rows = page.locator(".pz-timeline tbody tr")
    expect(rows).to_have_count(len(MEETING.blocks))
    expect(rows.first.locator("td").nth(2)).to_have_text("Welkom")

    start_meeting(page)
    expect(page.locator(".pz-new-training-form")).to_be_hidden()
    expect(page.locator(".pz-training-select select")).to_be_disabled()  # no switching mid-run

    # The countdown runs in the browser: 5 minutes for Welkom, going down.
    first = seconds_left(page)
    assert 280 < first <= FIRST.minutes * 60 == 300, first
    later = wait_for_seconds(page, "<=", first - 2)
    assert later < first
    expect(page.locator(".pz-countdown .pz-countdown-digits")).to_have_text(re.compile(r"^4:[0-5]\d$"))

    page.locator(".pz-next").click()
    expect(page.locator(".pz-current-block .pz-block-title")).to_have_text(SECOND.title)
    assert SECOND.title == "Terugkoppeling voorbereiding en doel"
    before_reload = wait_for_seconds(page, ">", FIRST.minutes * 60)
    assert 560 < before_reload <= SECOND.minutes * 60 == 600, before_reload

    # A reload (or a crashed laptop) resumes the same block with the same deadline.
    page.reload(wait_until="domcontentloaded", timeout=FIRST_RENDER_MS)
    wait_for_render(page)
    expect(page.locator(".pz-current-block .pz-block-title")).to_have_text(SECOND.title)
    expect(page.locator(".pz-countdown")).to_have_attribute("data-state", "ok")
    after_reload = seconds_left(page)
    assert 560 < after_reload <= 600, after_reload
    assert after_reload <= before_reload, (before_reload, after_reload)  # not restarted
    expect(page.locator(".pz-training-select select")).to_have_value(f"Team De Linde ({program_label()})")


def test_extend_adds_five_minutes_and_keep_end_shortens_later_blocks(page: Page, served):
    open_trainer(page, served.trainer_url)
    create_training(page, "Verlengen")
    start_meeting(page)
    upcoming = page.locator(".pz-upcoming")
    expect(upcoming.locator("tbody tr")).to_have_count(len(MEETING.blocks) - 1)
    planned_rest = sum(b.minutes for b in MEETING.blocks[1:])
    assert upcoming_minutes(page) == [b.minutes for b in MEETING.blocks[1:]]

    before = seconds_left(page)
    page.locator(".pz-extend").click()
    after = wait_for_seconds(page, ">", before + 200)
    assert before + 280 <= after <= before + 300, (before, after)
    # Without "keep the end time" the later blocks keep their length; the end moves.
    expect(upcoming).not_to_contain_text("(was")
    expect(page.locator(".pz-end-summary")).to_contain_text("5 min later dan gepland")

    keep_end = page.locator(".pz-keep-end")
    expect(keep_end).to_have_text("Eindtijd vasthouden")
    keep_end.click()
    expect(keep_end).to_have_class(re.compile(r"\bmod-active\b"))
    page.locator(".pz-extend").click()
    wait_for_seconds(page, ">", after + 200)

    # Now the later blocks give up the 10 extra minutes, and say what they were.
    expect(upcoming).to_contain_text(re.compile(r"\(was \d+\)"))
    expect(page.locator(".pz-end-summary")).to_contain_text("op tijd")
    assert sum(upcoming_minutes(page)) == planned_rest - 10
    shortened = upcoming.locator("tbody tr", has_text="(was")
    assert shortened.count() >= 1
    for text in shortened.all_inner_texts():
        now_minutes, was = re.search(r"\t(\d+) \(was (\d+)\)", text).groups()
        assert int(now_minutes) < int(was), text


def test_a_double_click_on_next_block_moves_on_one_block(page: Page, served, store):
    open_trainer(page, served.trainer_url)
    create_training(page, "Dubbelklik")
    start_meeting(page)
    # A double click whose first click the kernel answered before the second arrived (a quiet
    # laptop answers in tens of milliseconds, a hand double-clicks in a hundred or more): the
    # second click, which the browser counts as the second of a double click, is no press.
    page.locator(".pz-next").click()
    expect(page.locator(".pz-current-block .pz-block-title")).to_have_text(SECOND.title)
    page.locator(".pz-next").dispatch_event("click", {"detail": 2})  # as the browser sends the second click
    # Presses reach the kernel in the order they were made: once "+5 min" (pressed after the
    # double click) has been handled, a second "next" sent with the double click would have been too.
    after = seconds_left(page)
    page.locator(".pz-extend").click()
    wait_for_seconds(page, ">", after + 200)
    expect(page.locator(".pz-block-position")).to_contain_text(f"Blok 2 van {len(MEETING.blocks)}")
    expect(page.locator(".pz-run-message")).to_have_text("")
    training = next(tr for tr in store.list_trainings() if tr.name == "Dubbelklik")
    run = store.find_run(training.id, MEETING.number)[0]
    assert run["current"] == 1 and len(run["finished"]) == 1, run


def test_checklist_tick_survives_a_reload(page: Page, served):
    open_trainer(page, served.trainer_url)
    create_training(page, "Checklist")
    boxes = page.locator(".pz-checklist-item input[type=checkbox]")
    expect(boxes.first).to_be_visible()
    total = boxes.count()
    assert total >= 2
    expect(page.get_by_text(f"Voorbereiding (0 van {total} gedaan)")).to_be_visible()

    boxes.first.check()
    expect(page.get_by_text(f"Voorbereiding (1 van {total} gedaan)")).to_be_visible()

    page.reload(wait_until="domcontentloaded", timeout=FIRST_RENDER_MS)
    wait_for_render(page)
    expect(page.locator(".pz-training-select select")).to_have_value(f"Checklist ({program_label()})")
    boxes = page.locator(".pz-checklist-item input[type=checkbox]")
    expect(boxes).to_have_count(total)
    expect(boxes.first).to_be_checked()
    expect(boxes.nth(1)).not_to_be_checked()
    expect(page.get_by_text(f"Voorbereiding (1 van {total} gedaan)")).to_be_visible()


def test_training_name_with_html_is_shown_as_literal_text(page: Page, served):
    name = "<b>x</b>"
    open_trainer(page, served.trainer_url)
    create_training(page, name)

    select = page.locator(".pz-training-select select")
    option = select.locator("option:checked")
    # ipywidgets writes non-breaking spaces into the option text.
    text = option.evaluate("o => o.textContent").replace("\xa0", " ")
    assert text == f"{name} ({program_label()})"
    assert select.locator("b").count() == 0
    # The confirmation shows the name literally too (no <b> element, no "&lt;").
    message = page.locator(".pz-message")
    expect(message).to_have_text(f"Training '{name}' is aangemaakt.")
    assert message.locator("b").count() == 0
    assert page.locator(".pz-trainer-app b", has_text=re.compile(r"^x$")).count() == 0


def test_the_trainer_opens_the_slides_of_the_meeting_from_the_page(page: Page, served):
    from pztraining.content.deck import deck_files, read_deck

    deck = next(read_deck(p) for p in deck_files() if read_deck(p).meta.program == "mysupport")
    open_trainer(page, served.trainer_url)
    create_training(page, "Team Dia's")
    link = page.locator(".pz-slides-link a.pz-slides-open")
    expect(link).to_have_text(f"Dia's openen: {deck.meta.title}")
    with page.expect_popup() as popup_info:
        link.click()
    slides = popup_info.value
    slides.wait_for_function("window.Reveal && Reveal.isReady()", timeout=30_000)
    expect(slides.locator(".reveal .slides section.present h1")).to_have_text(deck.meta.title)
    assert slides.url.startswith(served.trainer_url.split("/voila/")[0] + "/pz/dia/")
