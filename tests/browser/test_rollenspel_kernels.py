"""Reloading or closing the Rollenspel page does not leave its kernel running.

Every load of a Voila page starts a Python kernel (about 80 MB). Voila's page asks the server
to shut it down when the page goes away, but that request was refused (no XSRF cookie), so a
facilitator reloading a tablet twenty times left twenty kernels for half an hour. Here the
kernels are counted as the server's ``ipykernel`` child processes.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import FIRST_RENDER_MS, device, explained, now, wait_until
from tests.processes import descendants

#: A kernel asked to shut down is gone within this (seconds).
GONE_S = 15
#: Voila server module per place the Rollenspel page is served.
SERVERS = {"tablet": "pztraining.serving.room.app", "trainer": "pztraining.serving.voila_app"}


def kernels(served, where: str) -> int:
    """How many kernels the server of ``where`` runs now."""
    below = descendants(served.process.pid)
    (server,) = (pid for pid, command in below.items() if f"-m {SERVERS[where]} " in command)
    return sum("ipykernel_launcher" in command for command in descendants(server).values())


@pytest.fixture(scope="module")
def code(store) -> str:
    training = store.add_training("Rollenspel herladen", "mysupport", now())
    return store.facilitator_code(training.id, 1)


def rollenspel_url(served, where: str, code: str) -> str:
    if where == "tablet":
        return f"{served.participant_url}rollenspel?f={code}"
    return served.trainer_url.replace("trainer.ipynb", "facilitator.ipynb")


def drawn(page: Page, served) -> None:
    with explained(page, served):
        expect(page.locator(".pz-facilitator-app")).to_be_visible(timeout=FIRST_RENDER_MS)
        expect(page.locator(".pz-new-group")).to_be_enabled()


def at_most(served, where: str, count: int, what: str) -> None:
    wait_until(
        lambda: kernels(served, where) <= count,
        timeout=GONE_S,
        what=f"{what}: at most {count} kernel(s) on the {where} server (now {kernels(served, where)})",
    )


@pytest.mark.parametrize("where, reloads", [("tablet", 6), ("trainer", 3)])
def test_reloading_the_rollenspel_page_keeps_one_kernel(browser: Browser, served, code, where, reloads):
    """A facilitator's tablet on the room server, and the same page on the trainer server (the
    same page handler). The kernels are counted after every reload, so one kernel left behind
    fails at the first reload; the issue's twenty reloads (a kernel start each, some nine
    seconds) showed nothing more than six do."""
    at_most(served, where, 0, "before")
    with device(browser) as page:
        page.goto(rollenspel_url(served, where, code), wait_until="commit", timeout=FIRST_RENDER_MS)
        drawn(page, served)
        for reload in range(1, reloads + 1):
            page.reload(wait_until="commit", timeout=FIRST_RENDER_MS)
            drawn(page, served)
            at_most(served, where, 1, f"after reload {reload}")  # the open page's own


@pytest.mark.parametrize("where", list(SERVERS))
def test_closing_the_rollenspel_tab_stops_its_kernel(browser: Browser, served, code, where):
    """Closed as Safari on a tablet closes it: without `beforeunload`, only `pagehide`."""
    at_most(served, where, 0, "before")
    with device(browser) as page:
        page.goto(rollenspel_url(served, where, code), wait_until="commit", timeout=FIRST_RENDER_MS)
        drawn(page, served)
        assert kernels(served, where) == 1
        page.close(run_before_unload=False)
        at_most(served, where, 0, "after the tab closed")
