"""PostgreSQL stops for a while during a meeting: phones hear "niet opgeslagen" in Dutch and keep
their answers, the trainer's store says so too, and once the server is back the resent answers are
stored exactly once, without restarting the room server. A room server started on its own while
the database cannot be reached says so in one Dutch sentence."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from pztraining.core.texts import t
from pztraining.services import forms
from pztraining.store import Store, StoreUnavailable

from .conftest import Phone, running_room_server

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
def cluster():
    from tests.postgres import Cluster, bin_or_skip

    cluster = Cluster(bin_or_skip())  # its own: this test stops it
    yield cluster
    cluster.stop()


def timed_post(phone: Phone, endpoint: str, data: dict):
    started = time.monotonic()
    reply = phone.post(endpoint, data)
    return reply, time.monotonic() - started


def test_a_database_outage_answers_503_in_dutch_and_nothing_is_lost_once_it_is_back(cluster, tmp_path):
    url = cluster.new_database()
    store = Store(url)
    training = store.add_training("Team De Linde", "mysupport", NOW)
    forms.open_form(store, training.id, 3, "reflectie", False, NOW)
    with running_room_server(tmp_path, url) as server:
        phone = Phone(server)
        assert phone.post("register", {"code": training.join_code, "name": "Sanne"}).status == 200
        draft = {"code": training.join_code, "meeting": 3, "form": "reflectie", "values": {"hoe-was-het": "Half"}}
        answers = {**draft, "values": {"hoe-was-het": "Vol"}}

        trainer = Store(url, busy_seconds=1.0)  # the trainer's kernel, connected before the outage
        cluster.pause()
        down = time.monotonic()
        for endpoint, data in (("draft", draft), ("submit", answers)):
            reply, waited = timed_post(phone, endpoint, data)
            assert reply.status == 503, reply.text
            assert reply.json() == {"error": t("room.error.busy")}  # "… nog niet opgeslagen …"
            assert "niet opgeslagen" in reply.json()["error"]
            assert waited < 10, f"the phone waited {waited:.1f} s for its answer"
        assert phone.open_page().status == 200  # a phone that reloads still gets its page
        # The trainer's kernel: a Dutch sentence after its retry window, nothing written.
        with pytest.raises(StoreUnavailable, match="niet bereikbaar; er is niets opgeslagen"):
            trainer.close_form(training.id, 3, "reflectie", NOW)
        time.sleep(max(0.0, 10 - (time.monotonic() - down)))  # down for 10 s, as in a restart
        cluster.resume()

        assert phone.post("draft", draft).json()["ok"] is True
        for _ in range(2):  # the phone's resend, and once more as a double tap: stored once
            reply = phone.post("submit", answers)
            assert reply.status == 200 and reply.json() == {"status": "submitted", "errors": {}}, reply.text
    assert store.response_counts(training.id, 3) == {"reflectie": 1}  # the old pool recovered too
    rows = store.answer_rows([training.id])
    assert [(r["form_id"], r["item_id"], r["value"]) for r in rows] == [("reflectie", "hoe-was-het", "Vol")]
    store.close()
    trainer.close()


def test_a_room_server_started_on_its_own_with_an_unreachable_database_says_so_and_exits(tmp_path):
    """As a hub service it is started without ``pztraining serve`` checking the database first."""
    import subprocess

    from pztraining.serving.server import notebooks_dir, room_command
    from tests.processes import free_port, isolated_env

    env = isolated_env(tmp_path)
    env["PZTRAINING_DB"] = "postgresql+psycopg://pz:Geheim-42@127.0.0.1:1/pz"
    done = subprocess.run(
        room_command(notebooks_dir() / "facilitator.ipynb", "127.0.0.1", free_port()),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert (
        "Fout: Kan geen verbinding maken met de database postgresql+psycopg://pz:***@127.0.0.1:1/pz. "
        "Draait de databaseserver en klopt het adres?"
    ) in done.stderr
    assert "Traceback" not in done.stderr and "Geheim-42" not in done.stderr + done.stdout
