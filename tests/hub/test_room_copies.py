"""Two copies of the room service on one PostgreSQL: a form the trainer opens reaches phones on both.

The copies are started with the commands and environment of the printed hub config (as the
hub starts them), under the same /services/room/ prefix. Each copy holds no state of its
own: a phone registered on one copy sends its answers through the other.
"""

from __future__ import annotations

import json
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from traitlets.config import Config

from pztraining.services import forms
from pztraining.serving.hub import HubSettings, config_text
from pztraining.store import Store
from tests.processes import free_port, isolated_env
from tests.room.conftest import Phone, RoomServer, _stop

PREFIX = "/services/room/"
EVALUATION = "evaluatie-mysupport"


def hub_services(db_url: str, room_port: int, copies: int) -> list[dict]:
    """The room services of the printed config, as JupyterHub reads them."""
    config = Config()
    exec(
        compile(
            config_text(HubSettings(db_url=db_url, room_port=room_port, room_copies=copies)),
            "jupyterhub_config.py",
            "exec",
        ),
        {"get_config": lambda: config},
    )
    return config.JupyterHub.services


class PrefixedPhone(Phone):
    """A phone talking to a copy under the hub's prefix, through a proxy that names its address."""

    real_ip = ""

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        extra = {"X-Real-IP": self.real_ip} if self.real_ip else {}
        return super().request(method, PREFIX.rstrip("/") + path, body, {**(headers or {}), **extra})


def start_copy(service: dict, tmp: Path) -> RoomServer:
    """Start one room service as the hub does (its command, its environment, its own prefix variable)."""
    env = {**isolated_env(tmp), **service["environment"], "JUPYTERHUB_SERVICE_PREFIX": f"/services/{service['name']}/"}
    port = int(service["url"].rsplit(":", 1)[1])
    log_path = tmp / f"{service['name']}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            service["command"],
            cwd=tmp,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return RoomServer(process, "127.0.0.1", port, env["PZTRAINING_DB"], log_path)


def wait_until_serving(server: RoomServer, seconds: float = 120) -> None:
    """Up, and past the "starting" placeholder: the real participants' page answers."""
    deadline = time.monotonic() + seconds
    while True:
        assert server.process.poll() is None, server.log()
        try:
            if b"participant.js" in PrefixedPhone(server).request("GET", "/").body:
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, f"not serving within {seconds} s:\n{server.log()}"
        time.sleep(0.5)


class Stream:
    """A phone's event stream (server-sent events) on one copy."""

    def __init__(self, phone: Phone, code: str):
        self.conn = phone.connection()
        self.conn.request("GET", f"{PREFIX}pz/api/events?code={code}", headers={"X-PZ-Device": phone.device})
        self.response = self.conn.getresponse()
        assert self.response.status == 200, self.response.read()

    def items_until(self, wanted, seconds: float) -> dict:
        """The first "items" event for which ``wanted(data)`` holds, within ``seconds``."""
        deadline, event = time.monotonic() + seconds, None
        while time.monotonic() < deadline:
            self.conn.sock.settimeout(max(deadline - time.monotonic(), 0.01))
            line = self.response.readline().decode()
            if line.startswith("event: "):
                event = line[7:].strip()
            elif line.startswith("data: ") and event == "items":
                data = json.loads(line[6:])
                if wanted(data):
                    return data
        raise AssertionError(f"no such items event within {seconds} s")

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def copies(postgres_cluster, tmp_path):
    db_url = postgres_cluster.new_database()
    Store(db_url).close()  # the schema, as `pztraining users add` or the hub's first start makes it
    services = hub_services(db_url, free_port(), 2)
    started = [start_copy(service, tmp_path) for service in services]
    try:
        for server in started:
            wait_until_serving(server)
        yield db_url, started
    finally:
        for server in started:
            _stop(server)


def test_a_form_opened_by_the_trainer_reaches_phones_on_both_copies(copies):
    db_url, (first, second) = copies
    store = Store(db_url)
    now = datetime.now(UTC)
    training = store.add_training("Twee kopieën", "mysupport", now)
    phones = [PrefixedPhone(first, device="a" * 32), PrefixedPhone(second, device="b" * 32)]
    for number, phone in enumerate(phones):
        reply = phone.post("register", {"code": training.join_code, "name": f"Telefoon {number + 1}"})
        assert reply.status == 200, reply.text
    streams = [Stream(phone, training.join_code) for phone in phones]
    try:
        for stream in streams:
            stream.items_until(lambda data: EVALUATION not in [i["id"] for i in data["items"]], 10)
        forms.open_form(store, training.id, 1, EVALUATION, True, now)  # what the trainer's kernel does
        for stream in streams:  # the watcher of each copy polls the store (0.5 s)
            stream.items_until(lambda data: EVALUATION in [i["id"] for i in data["items"]], 5)
    finally:
        for stream in streams:
            stream.close()

    # Each phone gets the form from either copy, and the first sends it through the second.
    for phone in phones:
        form = phone.get("form", code=training.join_code, meeting=1, form=EVALUATION)
        assert form.status == 200 and form.json()["form"]["id"] == EVALUATION, form.text
    through_other = PrefixedPhone(second, device="a" * 32)
    values = dict.fromkeys(("relevantie", "duidelijkheid", "trainer", "materialen", "tijd", "oefenen"), 3)
    values.update({"aanbevelen": 8, "vertrouwen-gesprek": 7})
    sent = through_other.post(
        "anonymous", {"code": training.join_code, "meeting": 1, "form": EVALUATION, "values": values}
    )
    # Anonymous: held by that copy and stored with others, or once the trainer closes the form.
    assert sent.status == 200 and sent.json()["status"] == "pending", sent.text
    store.close_form(training.id, 1, EVALUATION, now)
    deadline = time.monotonic() + 30
    while store.response_counts(training.id, 1) != {EVALUATION: 1} and time.monotonic() < deadline:
        time.sleep(0.5)
    assert store.response_counts(training.id, 1) == {EVALUATION: 1}
    store.close()


def test_behind_the_proxy_wrong_codes_are_counted_per_phone_not_for_the_proxy(copies):
    db_url, (first, _second) = copies
    store = Store(db_url)
    training = store.add_training("Achter de proxy", "mysupport", datetime.now(UTC))
    store.close()
    guesser, neighbour = PrefixedPhone(first, device="c" * 32), PrefixedPhone(first, device="d" * 32)
    guesser.real_ip, neighbour.real_ip = "198.51.100.7", "198.51.100.8"  # both reach the copy from 127.0.0.1
    statuses = [guesser.post("join", {"code": f"ZZZZ{number:02d}"}).status for number in range(21)]
    assert statuses == [404] * 20 + [429]
    assert neighbour.post("join", {"code": training.join_code}).status == 200
