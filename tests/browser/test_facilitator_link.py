"""A facilitator's tablet in a real browser: the Rollenspel page of one meeting on the room server.

The trainer hands each facilitator the link (a QR code) of one meeting,
``<room server>/rollenspel?f=<code>``. That link is all a tablet on the room's network gets:
it shows that meeting's practice groups and nothing of other trainings or meetings, and
the same browser reaches none of the trainer's pages. Groups are made straight in the
database, as the facilitator page itself makes them.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from pztraining.content import load_program
from pztraining.domain.roleplay import Group, RolePlay
from pztraining.store import Store
from tests.browser.helpers import FIRST_RENDER_MS, PHONE_PAGE_MS, device, explained, now

PROGRAM = load_program("mysupport")
DENIED = "Deze link voor facilitatoren klopt niet (meer). Vraag de trainer om de QR-code van deze bijeenkomst."
NOT_FOUND = "Deze pagina bestaat niet."


def add_group(store: Store, training_id: int, meeting: int, name: str, members: tuple[str, ...]) -> None:
    group = Group(name, members, "Fenna", "de-vries", 120)
    store.add_roleplay_group(training_id, meeting, name, RolePlay(group).to_dict(), now())


def options(page, picker: str) -> list[str]:
    """The choices of a dropdown (ipywidgets 8 puts each option's label in its value)."""
    return page.locator(f".pz-{picker} select option").evaluate_all("options => options.map(o => o.value)")


def test_a_facilitator_link_opens_one_meeting_on_a_second_device_and_nothing_else(
    browser: Browser, served, store: Store
):
    ours = store.add_training("Rollenspel op de tablet", "mysupport", now())
    others = store.add_training("Een andere training", "mysupport", now())  # newest of all
    add_group(store, ours.id, 1, "Groep Zon", ("Aïsha", "Bram", "Carla"))
    add_group(store, ours.id, 1, "Groep Maan", ("Dirk", "Eva"))
    add_group(store, ours.id, 2, "Groep Volgende Keer", ("Gijs", "Hanna"))
    add_group(store, others.id, 1, "Groep Elders", ("Iris", "Jet"))
    code = store.facilitator_code(ours.id, 1)
    assert code and code != store.facilitator_code(ours.id, 2)
    wrong = code[:-1] + ("Y" if code.endswith("X") else "X")  # one character mistyped
    assert store.find_facilitator_link(wrong) is None
    base = served.participant_url

    with device(browser) as tablet:
        response = tablet.goto(f"{base}rollenspel?f={code}", wait_until="domcontentloaded", timeout=FIRST_RENDER_MS)
        assert response is not None and response.status == 200, response and response.status
        with explained(tablet, served):
            expect(tablet.locator(".pz-facilitator-app")).to_be_visible(timeout=FIRST_RENDER_MS)
            expect(tablet.locator(".pz-group-select select")).to_have_value("Groep Zon", timeout=FIRST_RENDER_MS)
        assert options(tablet, "training-select") == [f"{ours.name} ({PROGRAM.title})"]
        meetings = options(tablet, "meeting")
        assert len(meetings) == 1 and re.match(r"^1\b", meetings[0]), meetings
        assert sorted(options(tablet, "group-select")) == ["Groep Maan", "Groep Zon"]
        expect(tablet.locator(".pz-member-name")).to_have_text("Aïsha")
        page_text = tablet.locator("body").inner_text()
        for elsewhere in ("Een andere training", "Groep Elders", "Groep Volgende Keer"):
            assert elsewhere not in page_text, elsewhere

        # The same browser, with whatever cookies the page gave it, gets no further.
        # Another meeting without its code, or a wrong code: refused before any kernel starts.
        denied = [
            f"rollenspel?f={wrong}",
            "rollenspel",
            "rollenspel?meeting=2",
            f"rollenspel?training={ours.id}&meeting=2",
        ]
        # The trainer's pages do not exist on the room server.
        missing = [
            "voila/render/trainer.ipynb",
            "voila/render/results.ipynb",
            "voila/render/case.ipynb",
            "voila/render/facilitator.ipynb",
            "api/kernels",
            "api/sessions",
        ]
        refused = {}
        for path in denied + missing:
            answer = tablet.goto(base + path, wait_until="load", timeout=PHONE_PAGE_MS)
            assert answer is not None, path
            refused[path] = (answer.status, tablet.locator("body").inner_text().strip())
        assert refused == {**dict.fromkeys(denied, (403, DENIED)), **dict.fromkeys(missing, (404, NOT_FOUND))}
        expect(tablet.locator(".pz-facilitator-app, .pz-trainer-app, .pz-results-app")).to_have_count(0)
        assert not tablet.js_errors, tablet.js_errors
