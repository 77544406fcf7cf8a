"""The phones of a real room (issue 22): what the trainer opens reaches the eye whatever the phone
shows, "Verstuurd" says what is still open, an anonymous form says so and greets nobody, a draft
typed just before the tab closes is stored, and the page reads well from 320 px to a tablet, at
200 % text size, in light and dark mode.

One ``pztraining serve`` for the module; every test adds its own training to the database.
Sizes: a 6.1" phone (390×844) and the narrowest phone in use (320×568).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from pztraining.content import load_case, load_form
from pztraining.services import forms
from pztraining.store import Store, Training
from tests.browser.a11y import axe_violations, describe, set_text_size
from tests.browser.helpers import (
    EVALUATION,
    MEETING,
    OTHER_SIDE_MS,
    PHONE_PAGE_MS,
    PHONE_VIEWPORT,
    PREPARATION,
    REFLECTION,
    device,
    explained,
    fill_preparation,
    join,
    now,
    open_participant,
    show_form,
    submit,
    text_field,
)

NARROW = {"width": 320, "height": 568}
TABLET = {"width": 820, "height": 1180}
PHONES = pytest.mark.parametrize("viewport", [PHONE_VIEWPORT, NARROW], ids=["390x844", "320x568"])

#: Records vibrations (Chromium headless has no motor; the page's call is what counts).
RECORD_VIBRATIONS = """
window.__vibrations = [];
Object.defineProperty(Navigator.prototype, "vibrate", { configurable: true,
  value: function (pattern) { window.__vibrations.push(pattern); return true; } });
"""


def new_training(store: Store, name: str, program: str = "mysupport") -> Training:
    return store.add_training(name, program, now())


def open_form(store: Store, training: Training, form_id: str, anonymous: bool = False) -> None:
    forms.open_form(store, training.id, MEETING, form_id, anonymous, now())


def send_preparation(page: Page, served, training: Training) -> None:
    """Anouk's phone (its vibrations recorded) joins, fills and sends the preparation form."""
    page.add_init_script(RECORD_VIBRATIONS)
    join(page, served, training, "Anouk")
    show_form(page, PREPARATION)
    fill_preparation(page)
    submit(page)
    expect(page.locator(".pz-form-root")).to_have_attribute("data-status", "submitted")


def scroll_to_end(page: Page) -> None:
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")


# ---------------------------------------------------------------- what the trainer opens


@PHONES
def test_a_form_and_a_case_opened_while_the_phone_shows_the_end_of_a_sent_form_reach_the_screen(
    browser: Browser, served, store: Store, viewport
):
    training = new_training(store, f"Nieuw in beeld {viewport['width']}")
    open_form(store, training, PREPARATION)
    with device(browser, viewport) as page:
        send_preparation(page, served, training)
        scroll_to_end(page)  # where a phone is after sending: the bottom of a long form
        assert page.evaluate("window.scrollY") > 600, "the form should be longer than the screen"

        open_form(store, training, REFLECTION)
        news = page.locator(".pz-new-item")
        with explained(page, served):
            expect(news).to_contain_text(load_form(REFLECTION).title, timeout=OTHER_SIDE_MS)
        expect(news).to_be_in_viewport(ratio=1)  # whole, on the screen the phone shows
        assert news.get_attribute("aria-live") == "assertive"  # read out by a screen reader
        assert page.evaluate("window.__vibrations.length") >= 1, "the phone did not vibrate"
        news.get_by_role("button", name="Nu openen").click()
        expect(page.locator(".pz-form-root .pz-form-title")).to_have_text(load_form(REFLECTION).title)
        expect(news).to_be_hidden()

        # Reading a form half-way down: a case shared now reaches the screen too.
        text_field(page, "hoe-was-het").fill("Half af.")
        scroll_to_end(page)
        case = load_case("de-vries")
        store.share_case(training.id, MEETING, case.id, True, now())
        with explained(page, served):
            expect(news).to_contain_text(case.title, timeout=OTHER_SIDE_MS)
        expect(news).to_be_in_viewport(ratio=1)
        expect(text_field(page, "hoe-was-het")).to_have_value("Half af.")  # the form stays as it was
        news.get_by_role("button", name="Nu openen").click()
        expect(page.locator("article.pz-case-participant .pz-case-title")).to_have_text(case.title)
        assert not page.js_errors, page.js_errors


@PHONES
def test_a_quiz_answer_revealed_while_the_phone_shows_another_form_reaches_the_screen(
    browser: Browser, served, store: Store, viewport
):
    training = new_training(store, f"Quiz onthuld {viewport['width']}", "zorgkaart")
    quiz = load_form("zorgkaart-quiz")
    for form_id in ("zorgkaart-quiz", "zorgkaart-beslisboom"):
        open_form(store, training, form_id)
    with device(browser, viewport) as page:
        join(page, served, training, "Jet")
        show_form(page, quiz.id)
        page.locator(f"fieldset.pz-item[data-item='{quiz.items[0].id}'] input[type=radio]").first.check()
        submit(page)
        expect(page.locator(".pz-form-root")).to_have_attribute("data-status", "submitted")
        page.locator(".pz-still-open button.pz-form-link-zorgkaart-beslisboom").click()
        expect(page.locator(".pz-tree")).to_be_visible()
        store.reveal_answer(training.id, MEETING, quiz.id, quiz.items[0].id, now())
        news = page.locator(".pz-new-item")
        with explained(page, served):
            expect(news).to_contain_text(f"Het juiste antwoord staat nu klaar: {quiz.title}", timeout=OTHER_SIDE_MS)
        expect(news).to_be_in_viewport(ratio=1)
        news.get_by_role("button", name="Nu openen").click()
        expect(page.locator(".pz-quiz-reveal")).to_contain_text(quiz.items[0].correct)
        assert not page.js_errors, page.js_errors


def test_a_form_opened_while_the_list_is_scrolled_is_scrolled_into_view_and_marked(
    browser: Browser, served, store: Store
):
    training = new_training(store, "Lange lijst")
    open_form(store, training, PREPARATION)
    open_form(store, training, REFLECTION)
    for case_id in ("de-vries", "janssen"):
        store.share_case(training.id, MEETING, case_id, True, now())
    with device(browser, NARROW) as page:
        join(page, served, training, "Bram")
        expect(page.locator(".pz-item-link")).to_have_count(4)
        link = page.locator(f"button.pz-form-link-{EVALUATION}")
        # A new form makes the phone ask for its statuses within two seconds, and the list is
        # drawn again with them: the mark must be there after that too (it was lost once).
        with page.expect_response(lambda reply: "/state?" in reply.url, timeout=OTHER_SIDE_MS) as statuses:
            open_form(store, training, EVALUATION)
            with explained(page, served):
                expect(link).to_be_visible(timeout=OTHER_SIDE_MS)
        assert statuses.value.ok
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        expect(link).to_be_in_viewport()
        expect(link).to_have_class(re.compile(r"(^|\s)pz-item-fresh(\s|$)"))
        expect(page.locator(".pz-new-item")).to_contain_text(load_form(EVALUATION).title)


@PHONES
def test_a_sent_form_lists_what_is_still_open_on_the_screen(browser: Browser, served, store: Store, viewport):
    training = new_training(store, f"Nog open {viewport['width']}")
    open_form(store, training, PREPARATION)
    open_form(store, training, REFLECTION)
    with device(browser, viewport) as page:
        join(page, served, training, "Carla")
        show_form(page, PREPARATION)
        fill_preparation(page)
        submit(page)
        expect(page.locator(".pz-form-root")).to_have_attribute("data-status", "submitted")
        rest = page.locator(".pz-still-open")
        with explained(page, served):
            expect(rest).to_contain_text("Nog open voor jou")
        expect(rest.locator(f"button.pz-form-link-{REFLECTION}")).to_be_in_viewport()
        expect(rest.locator(f"button.pz-form-link-{PREPARATION}")).to_have_count(0)  # just sent
        rest.locator(f"button.pz-form-link-{REFLECTION}").click()
        expect(page.locator(".pz-form-root .pz-form-title")).to_have_text(load_form(REFLECTION).title)
        for item in load_form(REFLECTION).items:
            text_field(page, item.id).fill("Ging goed.")
        submit(page)
        expect(page.locator(".pz-form-root")).to_have_attribute("data-status", "submitted")
        expect(page.locator(".pz-still-open")).to_contain_text("Je hebt alles ingevuld wat nu openstaat.")
        assert not page.js_errors, page.js_errors


# ---------------------------------------------------------------- anonymous forms


@PHONES
def test_an_anonymous_form_says_so_above_the_first_question_and_greets_nobody(
    browser: Browser, served, store: Store, viewport
):
    training = new_training(store, f"Anoniem {viewport['width']}")
    open_form(store, training, EVALUATION, anonymous=True)
    with device(browser, viewport) as page:
        join(page, served, training, "Anouk")
        show_form(page, EVALUATION)
        note = page.locator(".pz-anonymous-note")
        expect(note).to_be_visible()
        expect(note).to_contain_text("anoniem")
        assert "Anouk" not in page.locator("body").inner_text(), "an anonymous form greets the participant by name"
        above = page.evaluate("""() => {
          const note = document.querySelector('.pz-anonymous-note');
          const first = document.querySelector('.pz-form-root fieldset.pz-item');
          return note.getBoundingClientRect().bottom <= first.getBoundingClientRect().top
            && !!(note.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING);
        }""")
        assert above, "the note is not above the first question"
        expect(note).to_be_in_viewport()  # read before anything is answered
        page.get_by_role("button", name="Terug naar het overzicht").click()
        expect(page.locator(".pz-participant-header")).to_contain_text("Welkom, Anouk")  # the list may


# ---------------------------------------------------------------- a draft when the tab closes


def server_status(page: Page, served, training: Training, secret: str, form_id: str) -> str:
    reply = page.request.get(
        f"{served.participant_url}pz/api/state?code={training.join_code}", headers={"X-PZ-Device": secret}
    )
    assert reply.ok, reply.text()
    return reply.json()["statuses"].get(f"{MEETING}/{form_id}", "")


@pytest.mark.parametrize("leave", ["close", "hide"])
def test_a_draft_typed_just_before_the_tab_closes_is_stored_and_the_list_agrees(
    browser: Browser, served, store: Store, leave: str
):
    training = new_training(store, f"Tab dicht {leave}")
    open_form(store, training, PREPARATION)
    context = browser.new_context(viewport=PHONE_VIEWPORT, locale="nl-NL", timezone_id="Europe/Amsterdam")
    try:
        page = context.new_page()
        join(page, served, training, "Dirk")
        secret = page.evaluate("localStorage.getItem('pz-device')")
        show_form(page, PREPARATION)
        text_field(page, "indruk-gids").fill("Heel bruikbaar")
        # At once (form.js would send the draft 0.4 s later): the tab is closed, or the phone
        # is locked and the browser then discards the page.
        if leave == "close":
            page.close(run_before_unload=True)
        else:
            page.goto("about:blank")
        checker = context.new_page()
        deadline_ms = 10_000
        for _ in range(deadline_ms // 250):
            if server_status(checker, served, training, secret, PREPARATION) == "draft":
                break
            checker.wait_for_timeout(250)
        assert server_status(checker, served, training, secret, PREPARATION) == "draft", (
            "the draft typed before the tab closed never reached the server"
        )

        # The list and the form agree on return.
        open_participant(checker, served, training)
        link = checker.locator(f"button.pz-form-link-{PREPARATION}")
        expect(link).to_contain_text("bezig (concept bewaard)")
        link.click()
        expect(text_field(checker, "indruk-gids")).to_have_value("Heel bruikbaar")
    finally:
        context.close()


def test_a_beacon_without_the_page_token_is_refused(browser: Browser, served, store: Store):
    training = new_training(store, "Baken zonder token")
    open_form(store, training, PREPARATION)
    with device(browser, PHONE_VIEWPORT) as page:
        join(page, served, training, "Eva")
        secret = page.evaluate("localStorage.getItem('pz-device')")
        status = page.evaluate(
            """async ([code, form, device]) => {
          const body = new URLSearchParams({ _xsrf: "wrong", device,
            body: JSON.stringify({ code, meeting: 1, form, values: { "indruk-gids": "x" } }) });
          return (await fetch("pz/api/draft", { method: "POST", body })).status;
        }""",
            [training.join_code, PREPARATION, secret],
        )
        assert status == 403
        assert server_status(page, served, training, secret, PREPARATION) == "new"


# ---------------------------------------------------------------- fonts, the required mark


@PHONES
def test_text_boxes_use_the_page_font_not_a_typewriter_font(browser: Browser, served, store: Store, viewport):
    training = new_training(store, f"Letters {viewport['width']}")
    open_form(store, training, PREPARATION)
    with device(browser, viewport) as page:
        page.goto(served.participant_url, wait_until="domcontentloaded", timeout=PHONE_PAGE_MS)
        fonts = [page.locator(".pz-join-code input").evaluate("el => getComputedStyle(el).fontFamily")]
        page.locator(".pz-join-code input").fill(training.join_code)
        page.locator("button.pz-join").click()
        page.locator(".pz-participant-name input").fill("Fenna")
        page.locator("button.pz-register").click()
        show_form(page, PREPARATION)
        fonts += page.locator(".pz-form-root textarea, .pz-form-root input[type=text]").evaluate_all(
            "els => els.map(el => getComputedStyle(el).fontFamily)"
        )
        body_font = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert len(fonts) >= 5
        assert all("monospace" not in font for font in fonts), fonts
        assert all(font == body_font for font in fonts[1:]), (fonts, body_font)


#: Legends whose required mark begins a line of its own (the last "*" against the last letter before it).
STARS_ALONE = """() => [...document.querySelectorAll('.pz-form-root fieldset.pz-item > legend')].filter((legend) => {
  const chars = [];
  const walker = document.createTreeWalker(legend, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) chars.push([node, i]);
  }
  const star = chars.map(([n, i]) => n.data[i]).lastIndexOf('*');
  if (star < 0) return false;
  let before = star - 1;
  while (before >= 0 && /\\s/.test(chars[before][0].data[chars[before][1]])) before -= 1;
  if (before < 0) return true;
  const box = ([node, i]) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                               return r.getBoundingClientRect(); };
  return box(chars[star]).top >= box(chars[before]).bottom - 1;
}).map((legend) => legend.textContent)"""


def test_the_required_mark_is_explained_once_and_never_alone_on_a_line(browser: Browser, served, store: Store):
    training = new_training(store, "Verplicht")
    open_form(store, training, PREPARATION)
    open_form(store, training, EVALUATION)
    with device(browser, PHONE_VIEWPORT) as page:
        join(page, served, training, "Gijs")
        alone: dict[str, list[str]] = {}
        for form_id in (PREPARATION, EVALUATION):
            show_form(page, form_id)
            # Every width a phone may have: the mark may wrap with its word, never on its own.
            for width in range(320, 432, 2):
                page.set_viewport_size({"width": width, "height": 844})
                found = page.evaluate(STARS_ALONE)
                if found:
                    alone[f"{form_id} at {width} px"] = found
            page.set_viewport_size(PHONE_VIEWPORT)
            assert alone == {}, alone
            note = page.locator(".pz-form-root .pz-required-note")
            expect(note).to_have_count(1)
            expect(note).to_have_text("* = verplicht")
            expect(note).to_be_visible()
            first = page.locator(".pz-form-root fieldset.pz-item").first
            assert note.bounding_box()["y"] < first.bounding_box()["y"]
            # Spoken as a word, not as "asterisk".
            legend = page.locator(".pz-form-root fieldset.pz-item").first
            assert legend.evaluate("el => el.querySelector('[aria-hidden=true]')?.textContent") == "*"
            expect(page.get_by_role("group", name="verplicht").first).to_be_visible()
            page.get_by_role("button", name="Terug naar het overzicht").click()


# ---------------------------------------------------------------- sizes, text size, dark mode

#: What sticks out sideways: the page's scroll width, and visible controls past either edge.
SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [...document.querySelectorAll('button, input, textarea, label, legend, h1, h2, p, li')]
    .filter((el) => el.getClientRects().length)
    .filter((el) => { const r = el.getBoundingClientRect(); return r.left < -0.5 || r.right > width + 0.5; })
    .map((el) => `${el.tagName}.${el.className}: ${(el.textContent || '').slice(0, 40)}`);
  return { scrollWidth: document.documentElement.scrollWidth, width, out };
}"""


def assert_fits(page: Page, where: str) -> None:
    found = page.evaluate(SIDEWAYS)
    assert found["scrollWidth"] <= found["width"] and not found["out"], f"{where}: {found}"


@pytest.mark.parametrize("viewport", [NARROW, PHONE_VIEWPORT, TABLET], ids=["320", "390", "tablet"])
def test_every_screen_fits_at_double_text_size(browser: Browser, served, store: Store, viewport, tmp_path: Path):
    training = new_training(store, f"Grote letters {viewport['width']}")
    open_form(store, training, PREPARATION)
    open_form(store, training, EVALUATION, anonymous=True)
    store.share_case(training.id, MEETING, "de-vries", True, now())
    with device(browser, viewport) as page:
        set_text_size(page, 200)
        page.goto(served.participant_url, wait_until="domcontentloaded", timeout=PHONE_PAGE_MS)
        expect(page.locator(".pz-join-code input")).to_be_visible()
        assert_fits(page, "code")
        page.locator(".pz-join-code input").fill(training.join_code)
        page.locator("button.pz-join").click()
        expect(page.locator(".pz-participant-name input")).to_be_visible()
        assert_fits(page, "name")
        page.locator(".pz-participant-name input").fill("Hanna van den Berg-Oosterhuis")
        page.locator("button.pz-register").click()
        expect(page.locator(".pz-item-link")).to_have_count(3)
        assert_fits(page, "overview")
        for form_id in (PREPARATION, EVALUATION):
            show_form(page, form_id)
            # The text really is twice as large (sizes in px would ignore the phone's setting).
            legend = page.locator(".pz-form-root legend").first
            size = legend.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
            assert size >= 32, f"question text {size}px at 200 % text size"
            assert_fits(page, form_id)
            page.get_by_role("button", name="Terug naar het overzicht").click()
        page.locator("button.pz-case-link-de-vries").click()
        expect(page.locator("article.pz-case-participant")).to_be_visible()
        assert_fits(page, "case")
        page.screenshot(path=str(tmp_path / f"phone-200pct-{viewport['width']}.png"), full_page=True)
        assert not page.js_errors, page.js_errors


def luminance(css_colour: str) -> float:
    """Relative luminance (WCAG) of an "rgb(r, g, b)" colour."""
    parts = [float(v) for v in css_colour[css_colour.index("(") + 1 : css_colour.index(")")].split(",")[:3]]

    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in parts)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_phone_follows_light_and_dark_mode_with_readable_contrast(
    browser: Browser, served, store: Store, scheme: str
):
    training = new_training(store, f"Modus {scheme}")
    open_form(store, training, PREPARATION)
    with device(browser, PHONE_VIEWPORT) as page:
        page.emulate_media(color_scheme=scheme)
        join(page, served, training, "Iris")
        show_form(page, PREPARATION)
        colours = page.evaluate("""() => ({
          page: getComputedStyle(document.body).backgroundColor,
          text: getComputedStyle(document.body).color,
          field: getComputedStyle(document.querySelector('.pz-form-root textarea')).backgroundColor,
          fieldText: getComputedStyle(document.querySelector('.pz-form-root textarea')).color,
        })""")
        dark = scheme == "dark"
        for surface in ("page", "field"):
            assert (luminance(colours[surface]) < 0.1) == dark, colours
        assert (luminance(colours["text"]) > 0.5) == dark, colours
        assert (luminance(colours["fieldText"]) > 0.5) == dark, colours
        fill_preparation(page)
        submit(page)
        expect(page.locator(".pz-form-root")).to_have_attribute("data-status", "submitted")
        found = axe_violations(page)
        assert not found, describe(found)


# ---------------------------------------------------------------- the screenshot


def test_a_phone_at_320_px_screenshot_for_the_readme(browser: Browser, served, store: Store, tmp_path: Path):
    """Kept as a test artefact (the test's folder, and $PZ_SCREENSHOTS when set): the README's
    docs/screenshots/phone.png is this picture."""
    training = new_training(store, "Vervolgtraining mySupport")
    open_form(store, training, PREPARATION)
    with device(browser, {"width": 320, "height": 640}) as page:
        send_preparation(page, served, training)
        open_form(store, training, REFLECTION)
        expect(page.locator(".pz-new-item")).to_contain_text(load_form(REFLECTION).title, timeout=OTHER_SIDE_MS)
        page.evaluate("document.activeElement && document.activeElement.blur()")
        scroll_to_end(page)  # "Verstuurd", what is still open, and the bar above them
        shot = tmp_path / "phone-320.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        if os.environ.get("PZ_SCREENSHOTS"):
            shutil.copy(shot, Path(os.environ["PZ_SCREENSHOTS"]) / shot.name)
