"""What the browser tests share: timeouts, store helpers, devices, and the participant's form."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from playwright.sync_api import Browser, Page, expect

from pztraining.content import load_form, load_program
from pztraining.store import Training

#: The trainer, results and facilitator pages wait for a Voila kernel (seconds on 2 cores).
FIRST_RENDER_MS = 60_000
#: The participants' page is a plain page of the room server: no kernel to wait for.
PHONE_PAGE_MS = 10_000
#: Trainer pages re-read the store every 2–3 s and the room server pushes changes to the
#: phones within a second; a change on the other side shows within this.
OTHER_SIDE_MS = 15_000
#: A phone as the participants hold it (CSS pixels of a 6.1" phone).
PHONE_VIEWPORT = {"width": 390, "height": 844}
MEETING = 1

PREPARATION = "voorbereiding-mysupport"
REFLECTION = "reflectie"
EVALUATION = "evaluatie-mysupport"


def now() -> datetime:
    return datetime.now(UTC)


def program_label(program_id: str = "mysupport") -> str:
    # ipywidgets 8 puts the option *label* in <option value>, not the Python value.
    return load_program(program_id).title


def wait_until(condition: Callable[[], object], timeout: float = 15.0, what: str = "condition"):
    """Poll ``condition`` (e.g. a store read) until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what}: not true within {timeout} s (last value {value!r})")
        time.sleep(0.25)


def watch(page: Page) -> Page:
    """Collect the page's JS errors and dialogs (``page.js_errors``, ``page.dialogs``)."""
    page.set_default_timeout(30_000)
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.js_errors = errors
    page.dialogs = dialogs
    return page


@contextmanager
def device(browser: Browser, viewport: dict | None = None) -> Iterator[Page]:
    """Another device: its own browser context (its own localStorage, so its own device secret)."""
    context = browser.new_context(
        viewport=viewport or {"width": 1280, "height": 1000}, locale="nl-NL", timezone_id="Europe/Amsterdam"
    )
    try:
        yield watch(context.new_page())
    finally:
        context.close()


def diagnose(page: Page, served) -> str:
    try:
        body = page.locator("body").inner_text(timeout=2_000)[-1500:]
    except Exception as exc:  # diagnosis only
        body = f"(page text unavailable: {exc})"
    return (
        f"\n--- page {page.url} ---\n{body}\n--- JS errors ---\n{getattr(page, 'js_errors', [])}"
        f"\n--- server output (tail) ---\n{served.log()[-3000:]}"
    )


@contextmanager
def explained(page: Page, served) -> Iterator[None]:
    """Add the page text, JS errors and server output to a failed expectation."""
    try:
        yield
    except AssertionError as exc:
        raise AssertionError(f"{exc}{diagnose(page, served)}") from None


# ---------------------------------------------------------------- the participant's page


def participant_link(served, training: Training) -> str:
    # As typed from the screen: the code is case-insensitive.
    return f"{served.participant_url}?code={training.join_code.lower()}"


def open_participant(page: Page, served, training: Training) -> None:
    """Open the training's link; wait for the name prompt (new device) or the overview (known one)."""
    page.goto(participant_link(served, training), wait_until="domcontentloaded", timeout=PHONE_PAGE_MS)
    with explained(page, served):
        expect(page.locator(".pz-participant-name input, .pz-no-forms, .pz-items").first).to_be_visible(
            timeout=PHONE_PAGE_MS
        )


def join(page: Page, served, training: Training, name: str) -> None:
    """A new device opens the training's link and registers as ``name``."""
    open_participant(page, served, training)
    register(page, name)


def register(page: Page, name: str) -> None:
    page.locator(".pz-participant-name input").fill(name)
    page.locator("button.pz-register").click()
    expect(page.locator(".pz-participant-header")).to_contain_text(f"Welkom, {name}")
    expect(page.locator(".pz-participant-name")).to_have_count(0)


def form_link(page: Page, form_id: str):
    return page.locator(f"button.pz-form-link-{form_id}")


def show_form(page: Page, form_id: str):
    link = form_link(page, form_id)
    expect(link).to_be_visible(timeout=OTHER_SIDE_MS)
    link.click()
    form = page.locator(".pz-form-root")
    expect(form).to_be_visible()
    expect(page.locator(".pz-form-root .pz-form-title")).to_have_text(load_form(form_id).title)
    return form


#: The CSS selector of one item of the shown form.
ITEM = ".pz-form-root fieldset.pz-item[data-item='{}']"
#: Within an item: its text field.
TEXT_FIELD = "textarea, input[type=text]"


def item(page: Page, item_id: str):
    return page.locator(ITEM.format(item_id))


def choose(page: Page, item_id: str, value: str | int) -> None:
    item(page, item_id).locator(f"input[value='{value}']").check()


def text_field(page: Page, item_id: str):
    return item(page, item_id).locator(TEXT_FIELD)


def write(page: Page, item_id: str, value: str) -> None:
    text_field(page, item_id).fill(value)


def submit(page: Page) -> None:
    page.locator(".pz-form-root button.pz-form-submit").click()


def preparation_answers(number: int = 0, impression: str | None = None) -> list[tuple[str, str | int, bool]]:
    """(item id, value, typed) for the required items of voorbereiding-mysupport.yaml.

    The answers vary with ``number``; ``typed`` items are text fields, the others choices.
    """
    return [
        ("gids-gelezen", ["Helemaal", "Gedeeltelijk", "Nog niet"][number % 3], False),
        ("indruk-gids", impression or f"Indruk van deelnemer {number + 1}: duidelijk.", True),
        ("werken-met-gids", "Goed te gebruiken bij het eerste gesprek.", True),
        ("voorbereid", ["Ja", "Gedeeltelijk", "Nee"][number % 3], False),
        ("vertrouwen-gesprek", (4 + number) % 11, False),
    ]


def fill_preparation(page: Page, number: int = 0, impression: str | None = None) -> None:
    for item_id, value, typed in preparation_answers(number, impression):
        if typed:
            write(page, item_id, value)
        else:
            choose(page, item_id, value)


def fill_evaluation(page: Page, tip: str = "Meer tijd om te oefenen.") -> None:
    """Answer every required item of evaluatie-mysupport.yaml."""
    for number, item_id in enumerate(["relevantie", "duidelijkheid", "trainer", "materialen", "tijd", "oefenen"]):
        choose(page, item_id, 1 + number % 5)
    choose(page, "aanbevelen", 8)
    choose(page, "vertrouwen-gesprek", 7)
    write(page, "tips", tip)


def form_row(page: Page, form_id: str):
    """The trainer's row of a form in the forms panel."""
    return page.locator(f".pz-forms-panel .pz-form-row-{form_id}")


# ---------------------------------------------------------------- countdowns


def seconds_left(page: Page) -> int:
    """What the countdown shows, in seconds (negative over time)."""
    return int(page.locator(".pz-countdown").get_attribute("data-seconds"))


def wait_for_seconds(page: Page, condition: str, value: int, timeout: float = 15_000) -> int:
    """Wait until a running countdown's data-seconds satisfies ``seconds <condition> value``."""
    page.wait_for_function(
        f"v => {{ const el = document.querySelector('.pz-countdown');"
        f" return el && el.dataset.seconds !== undefined && el.dataset.state !== 'idle'"
        f" && Number(el.dataset.seconds) {condition} v; }}",
        arg=value,
        timeout=timeout,
        polling=50,
    )
    return seconds_left(page)
