"""What the browser tests share: timeouts, store helpers, devices, and the participant's form."""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Callable, Iterator

from playwright.sync_api import Browser, Page, expect

from pztraining.content import load_form, load_program
from pztraining.store import Training

#: The first render waits for a Voila kernel to start (seconds on a 2-core machine).
FIRST_RENDER_MS = 60_000
#: Pages re-read the store every 2–3 s; a change on the other side shows within this.
OTHER_SIDE_MS = 15_000
MEETING = 1

PREPARATION = "voorbereiding-mysupport"
REFLECTION = "reflectie"
EVALUATION = "evaluatie-mysupport"


def now() -> datetime:
    return datetime.now(timezone.utc)


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


@contextmanager
def device(browser: Browser) -> Iterator[Page]:
    """Another device: its own browser context (its own localStorage, so its own device secret)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="nl-NL",
                                  timezone_id="Europe/Amsterdam")
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        errors: list[str] = []
        dialogs: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.js_errors = errors
        page.dialogs = dialogs
        yield page
    finally:
        context.close()


def diagnose(page: Page, served) -> str:
    try:
        body = page.locator("body").inner_text(timeout=2_000)[-1500:]
    except Exception as exc:  # noqa: BLE001 - diagnosis only
        body = f"(page text unavailable: {exc})"
    return (f"\n--- page {page.url} ---\n{body}\n--- JS errors ---\n{getattr(page, 'js_errors', [])}"
            f"\n--- server output (tail) ---\n{served.log()[-3000:]}")


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


def item(page: Page, item_id: str):
    return page.locator(f".pz-form-root fieldset.pz-item[data-item='{item_id}']")


def choose(page: Page, item_id: str, value: str | int) -> None:
    item(page, item_id).locator(f"input[value='{value}']").check()


def text_field(page: Page, item_id: str):
    return item(page, item_id).locator("textarea, input[type=text]")


def write(page: Page, item_id: str, value: str) -> None:
    text_field(page, item_id).fill(value)


def submit(page: Page) -> None:
    page.locator(".pz-form-root button.pz-form-submit").click()


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
        arg=value, timeout=timeout, polling=50)
    return seconds_left(page)
