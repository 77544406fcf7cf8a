"""A phone keeps its anonymous answer until the server says it is stored, and sends it again
after the room server was killed: nothing is lost.

The room server holds anonymous answers in memory until enough have come in (five by
default); here two phones send theirs, the server is killed (kill -9) and started again on
the same address, the phones' pages send what they kept by themselves, and once the trainer
closes the form both answers are stored, each once.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, expect

from pztraining.core.texts import t
from pztraining.services import forms
from pztraining.store import Store
from tests.browser.helpers import (
    EVALUATION,
    MEETING,
    OTHER_SIDE_MS,
    device,
    fill_evaluation,
    join,
    now,
    show_form,
    submit,
    wait_until,
)
from tests.processes import free_port
from tests.room.conftest import running_room_server

KEPT = "Object.keys(localStorage).filter((key) => key.startsWith('pz-anon-')).length"


@dataclass
class Room:
    """What the helpers need of a server: the participants' address and its log."""

    participant_url: str
    server: object = None

    def log(self) -> str:
        return self.server.log() if self.server else ""


def stored_tips(store: Store, training_id: int) -> list[str]:
    with store.engine.connect() as conn:
        values = (
            conn.exec_driver_sql(
                "select value from answers join submissions on submissions.id = answers.submission_id "
                "where submissions.training_id = ? and answers.item_id = 'tips'",
                (training_id,),
            )
            .scalars()
            .all()
        )
    return sorted(values)


def test_anonymous_answers_kept_on_the_phones_are_sent_again_after_a_restart(browser: Browser, tmp_path: Path):
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
    db_url = f"sqlite:///{tmp_path / 'pz.db'}"
    store = Store(db_url)
    training = store.add_training("Team Oost", "mysupport", now())
    forms.open_form(store, training.id, MEETING, EVALUATION, True, now())
    port = free_port()
    room = Room(f"http://127.0.0.1:{port}/")
    tips = ["Meer rollenspel, graag.", "Kortere pauzes."]
    with device(browser) as anna, device(browser) as bram:
        phones = [anna, bram]
        with running_room_server(tmp_path / "first", db_url, port=port) as server:
            room.server = server
            for phone, name, tip in zip(phones, ("Anna", "Bram"), tips):
                join(phone, room, training, name)
                form = show_form(phone, EVALUATION)
                fill_evaluation(phone, tip)
                submit(phone)
                # Received, not yet stored: said honestly, and kept on the phone.
                expect(form).to_have_attribute("data-status", "pending")
                expect(phone.locator(".pz-form-root .pz-form-status")).to_have_text(t("form.pending"))
                assert phone.evaluate(KEPT) == 1
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)
        assert stored_tips(store, training.id) == []  # they were in the killed server's memory only

        with running_room_server(tmp_path / "second", db_url, port=port) as server:
            room.server = server
            # The pages reconnect by themselves and send their kept answers; the trainer closes
            # the form, which stores what waits (once no more came in for a few seconds).
            store.close_form(training.id, MEETING, EVALUATION, now())
            found = wait_until(
                lambda: len(stored_tips(store, training.id)) == 2 and stored_tips(store, training.id),
                timeout=60,
                what="both kept answers stored",
            )
            assert found == sorted(f'"{tip}"' for tip in tips)
            # Each phone hears its answer is stored and forgets its copy.
            for phone in phones:
                wait_until(
                    lambda phone=phone: phone.evaluate(KEPT) == 0,
                    timeout=OTHER_SIDE_MS / 1000 + 30,
                    what="the phone forgot its stored answer",
                )
                assert not phone.js_errors, phone.js_errors
    assert store.response_counts(training.id, MEETING) == {EVALUATION: 2}
    store.close()
