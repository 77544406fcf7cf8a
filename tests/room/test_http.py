"""The room server over real HTTP: what phones may and may not do, and what never starts a kernel.

One real ``python -m pztraining.serving.room.app`` per module (see conftest.py). Requests that must be
refused come from their own loopback address (127.0.0.x), so the wrong-code limiter of one
test never slows another.
"""

from __future__ import annotations

import itertools
import json
import time
from datetime import UTC, datetime

import pytest

from pztraining.core.texts import t
from pztraining.services import forms

from .conftest import Phone

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
WRITES = ["join", "register", "draft", "submit", "anonymous"]
_devices = itertools.count(1)


def new_phone(server, source="127.0.0.1") -> Phone:
    return Phone(server, device=f"{next(_devices):032x}", source=source)


@pytest.fixture(scope="module")
def training(room_store):
    return room_store.add_training("Team De Linde", "mysupport", NOW)


def body_for(endpoint: str, code: str, form: str = "reflectie") -> dict:
    """A well-formed body for a write endpoint."""
    data = {"code": code}
    if endpoint == "register":
        data["name"] = "Sanne"
    if endpoint in ("draft", "submit", "anonymous"):
        data.update(meeting=1, form=form, values={"hoe-was-het": "Goed"})
    return data


def registered(server, training, source="127.0.0.1") -> Phone:
    phone = new_phone(server, source)
    reply = phone.post("register", {"code": training.join_code, "name": "Sanne"})
    assert reply.status == 200, reply.text
    return phone


# ------------------------------------------------------------------ refusals of the write endpoints


@pytest.mark.parametrize("endpoint", WRITES)
def test_a_write_without_the_xsrf_token_is_refused(room_server, training, endpoint):
    reply = new_phone(room_server).post(endpoint, body_for(endpoint, training.join_code), xsrf=False)
    assert reply.status == 403 and reply.json() == {"error": t("room.error.xsrf")}


@pytest.mark.parametrize("endpoint", WRITES)
def test_a_write_with_a_wrong_xsrf_token_is_refused(room_server, training, endpoint):
    phone = new_phone(room_server)
    phone.open_page()
    reply = phone.request(
        "POST",
        f"/pz/api/{endpoint}",
        json.dumps(body_for(endpoint, training.join_code)).encode(),
        {"X-PZ-Device": phone.device, "Cookie": f"_xsrf={phone.xsrf}", "X-XSRFToken": "2|0|0|0"},
    )
    assert reply.status == 403 and reply.json() == {"error": t("room.error.xsrf")}


@pytest.mark.parametrize("endpoint", WRITES)
def test_a_wrong_join_code_is_refused(room_server, training, endpoint):
    reply = new_phone(room_server, source="127.0.0.2").post(endpoint, body_for(endpoint, "ZZZZZZ"))
    assert reply.status == 404 and reply.json() == {"error": t("room.error.code")}


@pytest.mark.parametrize("endpoint", WRITES)
def test_malformed_json_is_refused(room_server, training, endpoint):
    phone = new_phone(room_server)
    for raw in (b'{"code": ', b"[1, 2]", b"\xff\xfe", b""):
        reply = phone.post(endpoint, raw=raw)
        assert reply.status == 400 and reply.json() == {"error": t("room.error.bad_request")}, raw


@pytest.mark.parametrize("endpoint", WRITES)
def test_an_oversized_body_is_refused(room_server, training, endpoint):
    data = body_for(endpoint, training.join_code)
    data["padding"] = "x" * 70_000
    reply = new_phone(room_server).post(endpoint, data)
    assert reply.status == 413 and reply.json() == {"error": t("room.error.too_big")}


def test_a_request_without_a_device_secret_is_refused(room_server, training):
    phone = new_phone(room_server)
    phone.device = "not-a-device"
    reply = phone.post("join", {"code": training.join_code})
    assert reply.status == 400 and reply.json() == {"error": t("part.device_invalid")}


@pytest.mark.parametrize("endpoint", ["draft", "submit"])
def test_a_closed_form_is_refused(room_server, room_store, training, endpoint):
    phone = registered(room_server, training)
    forms.open_form(room_store, training.id, 1, "reflectie", False, NOW)
    room_store.close_form(training.id, 1, "reflectie", NOW)
    reply = phone.post(endpoint, body_for(endpoint, training.join_code))
    assert reply.status == 409 and reply.json() == {"error": t("form.closed")}


def test_a_phone_must_give_a_name_before_it_writes(room_server, room_store, training):
    forms.open_form(room_store, training.id, 1, "voorbereiding-mysupport", False, NOW)
    reply = new_phone(room_server).post("draft", body_for("draft", training.join_code, "voorbereiding-mysupport"))
    assert reply.status == 403 and reply.json() == {"error": t("room.error.not_registered")}


# ------------------------------------------------------------------ what is stored


def test_a_second_submit_from_the_same_phone_is_stored_once(room_server, room_store, training):
    forms.open_form(room_store, training.id, 2, "reflectie", False, NOW)
    phone = registered(room_server, training)
    joined = phone.post("join", {"code": training.join_code.lower()}).json()
    assert joined == {"training": "Team De Linde", "code": training.join_code, "name": "Sanne", "ask_name": True}
    answers = {"code": training.join_code, "meeting": 2, "form": "reflectie", "values": {"hoe-was-het": "Goed 👍"}}
    for _ in range(2):  # a double tap, or a resend after a dropped answer
        reply = phone.post("submit", answers)
        assert reply.status == 200 and reply.json() == {"status": "submitted", "errors": {}}
    assert room_store.response_counts(training.id, 2) == {"reflectie": 1}
    state = phone.get("form", code=training.join_code, meeting=2, form="reflectie").json()
    assert state["status"] == "submitted" and state["values"] == {"hoe-was-het": "Goed 👍"}


def test_a_draft_is_kept_and_given_back_to_the_same_phone_only(room_server, room_store, training):
    forms.open_form(room_store, training.id, 3, "reflectie", False, NOW)
    phone = registered(room_server, training)
    draft = {"code": training.join_code, "meeting": 3, "form": "reflectie", "values": {"hoe-was-het": "Half"}}
    assert phone.post("draft", draft).json()["ok"] is True
    mine = phone.get("form", code=training.join_code, meeting=3, form="reflectie").json()
    assert mine["status"] == "draft" and mine["values"] == {"hoe-was-het": "Half"}
    other = registered(room_server, training).get("form", code=training.join_code, meeting=3, form="reflectie")
    assert other.json()["status"] == "new" and other.json()["values"] == {}


def beacon(phone: Phone, fields: dict, cookie: bool = True):
    """What ``navigator.sendBeacon(url, new URLSearchParams(...))`` sends: a form-encoded POST
    with the page's cookies and no headers of the page's own."""
    from urllib.parse import urlencode

    headers = {"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"}
    if cookie:
        headers["Cookie"] = f"_xsrf={phone.xsrf}"
    return phone.request("POST", "/pz/api/draft", urlencode(fields).encode(), headers)


def test_a_draft_sent_as_a_beacon_when_the_page_closes_is_kept(room_server, room_store, training):
    forms.open_form(room_store, training.id, 4, "reflectie", False, NOW)
    phone = registered(room_server, training)
    draft = {"code": training.join_code, "meeting": 4, "form": "reflectie", "values": {"hoe-was-het": "Bijna"}}
    fields = {"_xsrf": phone.xsrf, "device": phone.device, "body": json.dumps(draft)}
    for refused in ({**fields, "_xsrf": "2|0|0|0"}, {k: v for k, v in fields.items() if k != "_xsrf"}):
        assert beacon(phone, refused).status == 403
    assert beacon(phone, fields, cookie=False).status == 403  # the token must match the page's cookie
    assert beacon(phone, {**fields, "device": "x"}).status == 400
    assert beacon(phone, {**fields, "body": '{"code": '}).status == 400
    assert phone.get("form", code=training.join_code, meeting=4, form="reflectie").json()["status"] == "new"
    reply = beacon(phone, fields)
    assert reply.status == 200 and reply.json()["ok"] is True
    mine = phone.get("form", code=training.join_code, meeting=4, form="reflectie").json()
    assert mine["status"] == "draft" and mine["values"] == {"hoe-was-het": "Bijna"}


# ------------------------------------------------------------------ guessing codes


def test_many_wrong_codes_from_one_client_are_slowed_and_other_clients_are_not(room_server, training):
    guesser = new_phone(room_server, source="127.0.0.9")
    statuses = []
    for number in range(25):
        reply = guesser.post("join", {"code": f"ZZZZ{number:02d}"})
        statuses.append(reply.status)
    assert statuses == [404] * 20 + [429] * 5
    assert 1 <= int(reply.headers["Retry-After"]) <= 60
    assert reply.json()["error"] == t("room.error.too_many", seconds=reply.headers["Retry-After"])
    # While blocked, a right code is refused too: otherwise the answers would still tell
    # a guesser which code is right, 429 for wrong ones and 200 for the right one.
    assert guesser.post("join", {"code": training.join_code}).status == 429
    assert guesser.get("events", code=training.join_code).status == 429
    neighbour = new_phone(room_server, source="127.0.0.10")  # another phone in the room
    assert neighbour.post("join", {"code": training.join_code}).status == 200


# ------------------------------------------------------------------ kernels


def test_opening_the_page_starts_no_kernel(room_server, training):
    assert room_server.kernels() == []
    phone = new_phone(room_server)
    for path in ("/", f"/?code={training.join_code}"):
        reply = phone.open_page(path)
        assert reply.status == 200 and "participant.js" in reply.text and phone.xsrf
    phone.post("join", {"code": training.join_code})
    time.sleep(1)  # a kernel would be starting by now
    assert room_server.kernels() == []


def test_a_facilitator_link_with_a_wrong_code_is_refused_before_any_kernel_starts(room_server, training):
    phone = new_phone(room_server)
    for path in ("/rollenspel?f=ZZZZZZZZ", "/rollenspel", "/rollenspel?f="):
        reply = phone.request("GET", path)
        assert reply.status == 403 and t("room.facilitator.denied") in reply.text, path
    time.sleep(1)
    assert room_server.kernels() == []
    log = room_server.log()
    assert "/rollenspel?f=" in log and "ZZZZZZZZ" not in log  # refusals are logged, codes never


# ------------------------------------------------------------------ the event stream


@pytest.mark.alone  # measures the seconds until the phone hears it
def test_a_form_opened_elsewhere_reaches_the_event_stream_within_three_seconds(room_server, room_store, training):
    phone = new_phone(room_server)
    conn = phone.connection(timeout=10)
    conn.request("GET", f"/pz/api/events?code={training.join_code}")
    response = conn.getresponse()
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/event-stream")

    def next_items(deadline: float) -> dict:
        event = None
        while time.monotonic() < deadline:
            conn.sock.settimeout(max(deadline - time.monotonic(), 0.01))
            line = response.readline().decode()
            if line.startswith("event: "):
                event = line[7:].strip()
            elif line.startswith("data: ") and event == "items":
                return json.loads(line[6:])
        raise AssertionError("no items event in time")

    try:
        first = next_items(time.monotonic() + 10)
        assert "evaluatie-mysupport" not in [i["id"] for i in first["items"]]
        forms.open_form(room_store, training.id, 1, "evaluatie-mysupport", True, NOW)  # the trainer's kernel
        opened = time.monotonic()
        deadline = opened + 3
        while True:
            data = next_items(deadline)
            if any(i["id"] == "evaluatie-mysupport" and i["meeting"] == 1 for i in data["items"]):
                break
        assert data["version"] > first["version"]
        assert {
            "kind": "form",
            "meeting": 1,
            "id": "evaluatie-mysupport",
            "title": "Evaluatie van de training mySupport",
            "anonymous": True,
            "revealed": [],
        } in data["items"]
    finally:
        conn.close()


# ------------------------------------------------------------------ nothing of the trainer here


@pytest.mark.parametrize(
    "path",
    [
        "/voila/render/trainer.ipynb",
        "/voila/render/results.ipynb",
        "/voila/render/case.ipynb",
        "/pz/dia/",
        "/pz/dia/index.html",
        "/pz/zaal/",
        "/voila/tree",
        "/tree",
        "/api/contents",
        "/pz/api/nothing",
    ],
)
def test_the_trainers_pages_do_not_exist_on_the_room_server(room_server, path):
    reply = new_phone(room_server).request("GET", path)
    assert reply.status == 404
    assert t("room.error.not_found") in reply.text
    for word in ("Draaiboek", "trainer", "Resultaten", "results", "Traceback"):
        assert word not in reply.text


# ------------------------------------------------------------------ security headers


STRICT = ["script-src 'self'", "frame-ancestors 'none'", "default-src 'none'"]


@pytest.mark.parametrize("what", ["page", "json error", "static file", "event stream refusal", "404 page"])
def test_every_kind_of_answer_carries_the_security_headers(room_server, training, what):
    phone = new_phone(room_server)
    reply = {
        "page": lambda: phone.request("GET", "/"),
        "json error": lambda: phone.post("join", {"code": training.join_code}, xsrf=False),
        "static file": lambda: phone.request("GET", "/pz/static/participant.js"),
        "event stream refusal": lambda: phone.request("GET", "/pz/api/events"),
        "404 page": lambda: phone.request("GET", "/voila/tree"),
    }[what]()
    assert reply.status in (200, 403, 404)
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    if what != "404 page":  # the participants' paths get the strict policy
        policy = reply.headers["Content-Security-Policy"]
        assert all(part in policy for part in STRICT), policy
        assert reply.headers["X-Frame-Options"] == "DENY"


def test_only_the_pages_own_files_are_served(room_server):
    phone = new_phone(room_server)
    for name in ("form.js", "form.css", "participant.js", "participant.css"):
        reply = phone.request("GET", f"/pz/static/{name}")
        assert reply.status == 200 and reply.body, name
    for name in ("facilitator.js", "app.js", "store.css"):
        assert phone.request("GET", f"/pz/static/{name}").status == 404, name
    assert phone.request("GET", "/pz/static/..%2Fstore.py").status == 404


# ------------------------------------------------------------------ last: the one page with a kernel


def test_a_facilitator_link_with_the_meetings_code_opens_the_rollenspel(room_server, room_store, training):
    code = room_store.facilitator_code(training.id, 1)
    reply = new_phone(room_server).request("GET", f"/rollenspel?f={code}")
    assert reply.status == 200
    assert room_server.kernels() != []  # the same count that stayed empty above sees this kernel


def test_a_busy_database_answers_503_in_dutch_and_the_resend_is_stored(room_server, room_store, training):
    """The trainer's kernel (or a backup) holds the write lock: the phone hears "busy" within
    seconds, keeps its answers, and its resend after the lock is gone is stored."""
    import sqlite3

    forms.open_form(room_store, training.id, 3, "reflectie", False, NOW)
    phone = registered(room_server, training)
    answers = {"code": training.join_code, "meeting": 3, "form": "reflectie", "values": {"hoe-was-het": "Vol"}}
    holder = sqlite3.connect(room_server.db_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        reply = phone.post("submit", answers)
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert reply.status == 503, reply.text
    assert reply.json() == {"error": t("room.error.busy")}
    assert waited < 10, f"the phone waited {waited:.1f} s for its answer"
    assert room_store.response_counts(training.id, 3) == {}
    again = phone.post("submit", answers)
    assert again.status == 200 and again.json()["status"] == "submitted"
    assert room_store.response_counts(training.id, 3) == {"reflectie": 1}
