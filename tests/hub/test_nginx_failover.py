"""The deploy nginx site in front of a real JupyterHub with two room copies on one PostgreSQL.

nginx (Debian's, a private set-up) serves the phones' page and its scripts itself and passes the
API and the push streams to the copies. 50 phones (HTTP clients that behave as participant.js
does: an EventSource that comes back after the server's `retry`, answers kept until the server
says they are stored) are in the middle of drafting and submitting when one copy is killed with
SIGKILL. Every phone's push stream comes back, every answer the server acknowledged is stored
exactly once, every phone finishes and nothing is lost. The time from the SIGKILL until every
stream is back is printed (the README has the figure); the test itself does not time anything.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import random
import re
import signal
import ssl
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from sqlalchemy import text

from pztraining.content import load_form
from pztraining.services import forms
from pztraining.serving.hub import write_static
from pztraining.serving.room.events import HEARTBEAT_SECONDS
from pztraining.serving.room.page import page_html
from pztraining.serving.web_security import STRICT_POLICY
from pztraining.store import Store
from tests.hub.conftest import Hub, start_hub, stop_hub
from tests.nginx import Nginx, binary_or_skip, self_signed, start_site

PREFIX = "/services/room/"
REFLECTION, EVALUATION = "reflectie", "evaluatie-mysupport"
PHONES = 50
DRAFTS = 4
#: How long a phone may take to get its stream back, or to finish, after the SIGKILL (generous:
#: a busy machine; the measured figure is printed).
BACK_SECONDS = 60
FINISH_SECONDS = 120
TLS = ssl._create_unverified_context()  # the private nginx has a self-signed certificate


@dataclass
class Front:
    """nginx in front of the hub: its https address, and the room copies behind it."""

    url: str
    port: int
    hub: Hub
    nginx: Nginx
    room_ports: list[int]

    def copy_pid(self, port: int) -> int:
        return next(
            pid
            for pid, command in self.hub.processes().items()
            if "pztraining.serving.room.launch" in command and f"--port={port}" in command
        )


@pytest.fixture(scope="module")
def front(tmp_path_factory, postgres_cluster) -> Iterator[Front]:
    binary = binary_or_skip()
    hub = start_hub(tmp_path_factory.mktemp("hub"), postgres_cluster.new_database(), room_copies=2)
    nginx = Nginx(binary)
    try:
        static = Path(tempfile.mkdtemp(prefix="pz-static-", dir=nginx.folder))
        static.chmod(0o755)
        write_static(static)
        cert, key = self_signed(nginx.folder)
        config = (hub.folder / "jupyterhub_config.py").read_text()
        room_port = int(re.search(r"^ROOM_PORT = (\d+)$", config, re.M).group(1))
        port = start_site(
            nginx,
            static=static,
            certificate=cert,
            key=key,
            hub_port=int(hub.url.rsplit(":", 1)[1]),
            room_port=room_port,
            room_copies=2,
        )
        yield Front(f"https://localhost:{port}", port, hub, nginx, [room_port, room_port + 1])
    finally:
        nginx.stop()
        stop_hub(hub)


def connection(front: Front, timeout: float = 30) -> http.client.HTTPSConnection:
    return http.client.HTTPSConnection("127.0.0.1", front.port, timeout=timeout, context=TLS)


def fetch(front: Front, path: str, headers: dict | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = connection(front)
    try:
        conn.request("GET", path, headers={"Host": f"localhost:{front.port}", **(headers or {})})
        reply = conn.getresponse()
        return reply.status, reply.headers, reply.read()
    finally:
        conn.close()


def test_nginx_serves_the_phones_page_itself_with_cache_headers_and_compression(front: Front):
    status, headers, body = fetch(front, PREFIX + "?code=ABC123")
    assert status == 200 and body.decode() == page_html(PREFIX)
    assert headers["Cache-Control"] == "no-cache" and headers["ETag"]  # the room server would say no-store
    assert headers["Content-Security-Policy"] == STRICT_POLICY and headers["X-Frame-Options"] == "DENY"
    cookie = SimpleCookie(headers["Set-Cookie"])["_xsrf"]
    assert re.fullmatch(r"[0-9a-f]{32}", cookie.value) and cookie["path"] == PREFIX
    again, headers_again, _ = fetch(
        front, PREFIX, {"If-None-Match": headers["ETag"], "Cookie": f"_xsrf={cookie.value}"}
    )
    assert again == 304 and "Set-Cookie" not in headers_again  # a phone keeps its cookie (and device)
    status, headers, body = fetch(front, PREFIX + "pz/static/participant.js", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip" and headers["Cache-Control"] == "no-cache"
    assert b"EventSource" in gzip.decompress(body)
    # The cookie nginx gave is one the room copies accept (tornado compares cookie and header).
    store = Store(front.hub.db_url)
    try:
        training = store.add_training("Via nginx", "mysupport", datetime.now(UTC))
    finally:
        store.close()
    conn = connection(front)
    try:
        conn.request(
            "POST",
            PREFIX + "pz/api/join",
            body=json.dumps({"code": training.join_code}),
            headers={
                "Host": f"localhost:{front.port}",
                "Cookie": f"_xsrf={cookie.value}",
                "X-XSRFToken": cookie.value,
                "X-PZ-Device": "f" * 32,
                "Content-Type": "application/json",
            },
        )
        reply = conn.getresponse()
        assert reply.status == 200 and json.loads(reply.read())["training"] == "Via nginx"
    finally:
        conn.close()


# ---------------------------------------------------------------- 50 phones and a dying copy


@dataclass
class PhoneLog:
    """What one phone saw: when its stream dropped and came back, and what the server acknowledged."""

    dropped: list[float] = field(default_factory=list)
    back: list[float] = field(default_factory=list)
    events: list[float] = field(default_factory=list)  # when an "items" event arrived
    submitted: str = ""  # the named answer's marker, once acknowledged
    anonymous: str = ""  # the anonymous answer's marker, once the server said "submitted"
    errors: list[str] = field(default_factory=list)


class Phone:
    """A phone through nginx, as participant.js behaves (its own thread for the push stream)."""

    def __init__(self, front: Front, number: int, code: str, stop: threading.Event):
        self.front, self.number, self.code, self.stop = front, number, code, stop
        self.device = f"{0xA000 + number:032x}"
        self.log = PhoneLog()
        self.xsrf = ""
        self.kept: dict | None = None  # an anonymous answer the server holds ("pending"): sent again
        self.resend_now = threading.Event()
        self.conn: http.client.HTTPSConnection | None = None

    def open_page(self) -> None:
        status, headers, _ = fetch(self.front, PREFIX + f"?code={self.code}")
        assert status == 200
        self.xsrf = SimpleCookie(headers["Set-Cookie"])["_xsrf"].value

    def post(self, endpoint: str, data: dict) -> tuple[int, dict]:
        """One POST on the phone's keep-alive connection; (0, {}) when the connection failed."""
        for _attempt in range(2):  # a keep-alive connection nginx closed meanwhile: once more, fresh
            if self.conn is None:
                self.conn = connection(self.front)
            try:
                self.conn.request(
                    "POST",
                    f"{PREFIX}pz/api/{endpoint}",
                    body=json.dumps(data),
                    headers={
                        "Host": f"localhost:{self.front.port}",
                        "Cookie": f"_xsrf={self.xsrf}",
                        "X-XSRFToken": self.xsrf,
                        "X-PZ-Device": self.device,
                        "Content-Type": "application/json",
                    },
                )
                reply = self.conn.getresponse()
                body = reply.read()
                try:
                    return reply.status, json.loads(body)
                except ValueError:
                    return reply.status, {}
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
        return 0, {}

    def until_ok(self, endpoint: str, data: dict, accept=lambda status, body: status == 200) -> dict:
        """POST until the server acknowledges it (the page keeps the answers and sends again)."""
        deadline = time.monotonic() + FINISH_SECONDS
        while time.monotonic() < deadline:
            status, body = self.post(endpoint, data)
            if accept(status, body):
                return body
            self.log.errors.append(f"{endpoint}: {status}")
            time.sleep(random.uniform(0.5, 1.5))
        raise AssertionError(f"phone {self.number}: {endpoint} never acknowledged")

    # -- the push stream (EventSource)
    def listen(self) -> None:
        retry = 3.0
        while not self.stop.is_set():
            conn = connection(self.front, timeout=HEARTBEAT_SECONDS + 10)
            try:
                conn.request(
                    "GET",
                    f"{PREFIX}pz/api/events?code={self.code}",
                    headers={
                        "Host": f"localhost:{self.front.port}",
                        "Cookie": f"_xsrf={self.xsrf}",
                        "Accept": "text/event-stream",
                    },
                )
                reply = conn.getresponse()
                if reply.status != 200:  # refused: the page's own back-off (1-2 s)
                    reply.read()
                    time.sleep(random.uniform(1, 2))
                    continue
                opened, event = True, None
                while not self.stop.is_set():
                    line = reply.readline()
                    if not line:
                        raise ConnectionError("stream ended")
                    line = line.decode().rstrip("\n")
                    if line.startswith("retry: "):
                        retry = int(line[7:]) / 1000
                    elif line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: ") and event == "items":
                        now = time.monotonic()
                        self.log.events.append(now)
                        if opened and self.log.dropped and len(self.log.back) < len(self.log.dropped):
                            self.log.back.append(now)
                        opened = False
                        self.resend_now.set()  # participant.js: (re)opened, or a batch stored: send again
            except (OSError, http.client.HTTPException, ConnectionError):
                if self.stop.is_set():
                    break
                if len(self.log.dropped) == len(self.log.back):
                    self.log.dropped.append(time.monotonic())
                time.sleep(retry)  # EventSource waits the server's `retry` before it reconnects
            finally:
                conn.close()

    # -- the participant
    def run(self, start_at: float) -> None:
        self.open_page()
        self.until_ok("register", {"code": self.code, "name": f"Telefoon {self.number}"})
        threading.Thread(target=self.listen, daemon=True).start()
        time.sleep(max(0.0, start_at - time.monotonic()))
        where = {"code": self.code, "meeting": 1}
        for draft in range(DRAFTS):  # drafts as typed: a failed one is overtaken by the next
            self.post("draft", {**where, "form": REFLECTION, "values": {"hoe-was-het": f"half {draft}"}})
            time.sleep(random.uniform(0.3, 0.8))
        marker = f"NAMED-{self.number}"
        body = self.until_ok(
            "submit",
            {**where, "form": REFLECTION, "values": {"hoe-was-het": marker}},
            lambda status, body: status == 200 and body.get("status") == "submitted",
        )
        self.log.submitted = marker
        values = {
            **{item.id: 4 for item in load_form(EVALUATION).items if item.type == "agreement"},
            "aanbevelen": 8,
            "vertrouwen-gesprek": 7,
            "geleerd": f"ANON-{self.number}",
        }
        body = self.until_ok(
            "anonymous",
            {**where, "form": EVALUATION, "values": values, "receipt": ""},
            lambda status, body: status == 200 and body.get("status") in ("pending", "submitted"),
        )
        self.kept = None if body["status"] == "submitted" else {"values": values, "receipt": body["receipt"]}
        deadline = time.monotonic() + FINISH_SECONDS
        while self.kept is not None and time.monotonic() < deadline:
            self.resend_now.wait(timeout=10)  # participant.js: at every (re)open and event, and every 30 s
            self.resend_now.clear()
            time.sleep(random.uniform(0, 2))
            status, reply = self.post("anonymous", {**where, "form": EVALUATION, **self.kept})
            if status == 200 and reply.get("status") == "submitted":
                self.kept = None
            elif status == 200 and reply.get("status") == "pending":
                self.kept["receipt"] = reply["receipt"]
        if self.kept is None:
            self.log.anonymous = values["geleerd"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def test_fifty_phones_lose_nothing_when_a_room_copy_is_killed(front: Front):
    store = Store(front.hub.db_url)
    now = datetime.now(UTC)
    training = store.add_training("Vijftig telefoons", "mysupport", now)
    forms.open_form(store, training.id, 1, REFLECTION, False, now)
    forms.open_form(store, training.id, 1, EVALUATION, True, now)
    stop = threading.Event()
    phones = [Phone(front, number, training.join_code, stop) for number in range(PHONES)]
    begin = time.monotonic() + 8  # everyone registered and listening; then each starts within 6 s
    workers = [
        threading.Thread(target=phone.run, args=(begin + 6 * n / PHONES,), daemon=True)
        for n, phone in enumerate(phones)
    ]
    for worker in workers:
        worker.start()
    try:
        time.sleep(max(0.0, begin + 3 - time.monotonic()))  # half the room drafting, half submitting
        victim = front.room_ports[0]
        killed_at = time.monotonic()
        os.kill(front.copy_pid(victim), signal.SIGKILL)
        # Every phone has sent both answers; the trainer closes the forms (the copies then store
        # what waits in their pools; the phones hear it and ask about what they keep).
        deadline = time.monotonic() + FINISH_SECONDS
        while any(not phone.log.submitted or (phone.kept is None and not phone.log.anonymous) for phone in phones):
            assert time.monotonic() < deadline, "phones did not send their answers"
            time.sleep(0.5)
        closed_at = time.monotonic()
        store.close_form(training.id, 1, REFLECTION, datetime.now(UTC))
        store.close_form(training.id, 1, EVALUATION, datetime.now(UTC))
        for worker in workers:
            worker.join(timeout=max(1.0, deadline - time.monotonic()))
        time.sleep(3)  # the close has reached every stream (0.5 s watcher)
    finally:
        stop.set()

    dropped = [phone for phone in phones if any(t >= killed_at for t in phone.log.dropped)]
    back_after = [phone.log.back[-1] - killed_at for phone in dropped if phone.log.back]
    assert dropped, "no stream was on the killed copy"
    assert len(back_after) == len(dropped), [phone.number for phone in dropped if not phone.log.back]
    assert max(back_after) < BACK_SECONDS
    deaf = [phone.number for phone in phones if not any(t >= closed_at for t in phone.log.events)]
    assert not deaf, f"these phones did not hear the forms close: {deaf}"
    assert all(not worker.is_alive() for worker in workers), "not every phone finished"
    assert all(phone.log.submitted and phone.log.anonymous for phone in phones)

    with store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "select s.form_id, a.value from submissions s join answers a "
                "on a.submission_id = s.id where s.training_id = :t "
                "and a.item_id in ('hoe-was-het', 'geleerd')"
            ),
            {"t": training.id},
        ).all()
    store.close()
    named = sorted(json.loads(value) for form, value in rows if form == REFLECTION)
    anonymous = sorted(json.loads(value) for form, value in rows if form == EVALUATION)
    assert named == sorted(phone.log.submitted for phone in phones)  # each acknowledged answer, once
    assert anonymous == sorted(phone.log.anonymous for phone in phones)
    p95 = percentile(back_after, 0.95)
    print(
        f"\nfailover: {len(dropped)} of {PHONES} streams were on the killed copy; back after "
        f"p50 {percentile(back_after, 0.5):.1f} s, p95 {p95:.1f} s, max {max(back_after):.1f} s; "
        f"answers lost: 0 of {2 * PHONES}; requests refused and sent again: "
        f"{Counter(error for phone in phones for error in phone.log.errors).most_common()}"
    )
