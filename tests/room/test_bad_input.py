"""Bad input on the room server gets a 4xx with a Dutch sentence: never a 500, never a traceback,
and a refused request changes nothing in the store.

One real room server for the module (conftest.py). Besides the hand-picked cases, a
property-based test (hypothesis, derandomized so CI is stable) throws generated bodies at
every JSON endpoint: deep nesting, odd types, huge numbers, lone surrogates, NULs, wrong shapes.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from datetime import UTC, date, datetime
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pztraining.core.texts import t
from pztraining.services import forms

from .conftest import Phone, Reply

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
WRITES = ["join", "register", "draft", "submit", "anonymous"]
READS = ["state", "form", "case"]
UNUSUAL_METHODS = ["PATCH", "PROPFIND", "OPTIONS", "TRACE", "DELETE", "PUT"]
_devices = itertools.count(0x1000)
_sources = itertools.cycle(range(1, 255))


def new_phone(server, source="127.0.0.1") -> Phone:
    return Phone(server, device=f"{next(_devices):032x}", source=source)


@pytest.fixture(scope="module")
def training(room_store):
    training = room_store.add_training("Team De Linde", "mysupport", NOW)
    forms.open_form(room_store, training.id, 1, "reflectie", False, NOW)
    forms.open_form(room_store, training.id, 2, "reflectie", True, NOW)  # anonymous
    return training


@pytest.fixture(scope="module")
def phone(room_server, training) -> Phone:
    """A registered phone (with its own address, so no limiter of another test slows it)."""
    phone = new_phone(room_server, source="127.0.0.9")
    assert phone.post("register", {"code": training.join_code, "name": "Sanne"}).status == 200
    return phone


def dump(server) -> dict[str, list]:
    """Every row of every table, as the room server left it (a read-only connection of our own)."""
    path = server.db_url.removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: sorted(map(repr, db.execute(f'SELECT * FROM "{table}"'))) for table in tables}


def assert_dutch_refusal(reply: Reply, status: int | None = None, key: str | None = None) -> None:
    assert 400 <= reply.status < 500 and (status is None or reply.status == status), (reply.status, reply.body[:300])
    assert b"Traceback" not in reply.body and b"Error" not in reply.body, reply.body[:300]
    if reply.headers["Content-Type"].startswith("application/json"):
        message = reply.json()["error"]
        assert message and (key is None or message == t(key)), message
    else:
        assert "lang='nl'" in reply.text and (key is None or t(key) in reply.text), reply.text[:300]


# ------------------------------------------------------------------ bodies


@pytest.mark.parametrize("endpoint", WRITES)
def test_a_30000_deep_body_gets_a_dutch_400_and_stores_nothing(room_server, training, phone, endpoint):
    before = dump(room_server)
    for raw in (b"[" * 30_000 + b"]" * 30_000, b'{"code": ' + b'{"a":' * 10_000 + b"1" + b"}" * 10_001):
        assert_dutch_refusal(phone.post(endpoint, raw=raw), 400, "room.error.bad_request")
    assert dump(room_server) == before


@pytest.mark.parametrize("endpoint, meeting", [("draft", 1), ("submit", 1), ("submit", 2)])
def test_a_lone_surrogate_in_an_answer_is_refused_in_dutch_and_nothing_is_stored(
    room_server, training, phone, endpoint, meeting
):
    before = dump(room_server)
    for text in ("Goed \ud800", "\udfff", "een\x00nul", "escape \x1b[31m"):
        body = {"code": training.join_code, "meeting": meeting, "form": "reflectie", "values": {"hoe-was-het": text}}
        assert_dutch_refusal(phone.post(endpoint, body), 400, "room.error.bad_text")
    assert dump(room_server) == before


def test_a_windows_line_end_in_an_answer_is_stored_as_one_line_break(room_server, room_store, training, phone):
    body = {"code": training.join_code, "meeting": 1, "form": "reflectie", "values": {"hoe-was-het": "een\r\ntwee"}}
    reply = phone.post("submit", body)
    assert reply.status == 200 and reply.json()["status"] == "submitted", reply.text
    assert phone.get("form", code=training.join_code, meeting=1, form="reflectie").json()["values"] == {
        "hoe-was-het": "een\ntwee"
    }


def test_a_name_is_stored_without_invisible_characters_and_an_invisible_name_is_refused(room_server, training):
    phone = new_phone(room_server, source="127.0.0.10")
    reply = phone.post("register", {"code": training.join_code, "name": "\u202eSa\u200bnne\u2066 "})
    assert reply.status == 200 and reply.json() == {"name": "Sanne"}
    reply = new_phone(room_server, source="127.0.0.10").post(
        "register", {"code": training.join_code, "name": "\u200b\u202e\u2060"}
    )
    assert reply.status == 422 and reply.json() == {"error": "Vul een naam of schuilnaam in."}


@pytest.mark.parametrize("meeting", ["١", "¹", "1.0", True, 1.5, -1, "01e0"])
def test_a_meeting_that_is_not_in_ascii_digits_is_refused(room_server, training, phone, meeting):
    body = {"code": training.join_code, "meeting": meeting, "form": "reflectie", "values": {"hoe-was-het": "x"}}
    assert_dutch_refusal(phone.post("draft", body), 400, "room.error.bad_request")
    if isinstance(meeting, str):
        assert_dutch_refusal(phone.get("form", code=training.join_code, meeting=meeting, form="reflectie"), 400)


# ------------------------------------------------------------------ paths and methods


@pytest.mark.parametrize(
    "path",
    [
        "/rollenspel",
        "/rollenspel?f=ZZZZ",
        "/",
        "/pz/api/join",
        "/pz/api/state",
        "/pz/static/form.js",
        "/voila/templates/x",
        "/voila/static/x",
        "/logout",
        "/nergens",
    ],
)
@pytest.mark.parametrize("method", UNUSUAL_METHODS)
def test_an_unusual_method_gets_a_dutch_4xx_never_a_500(room_server, path, method):
    reply = new_phone(room_server).request(method, path, b"" if method not in ("OPTIONS", "TRACE") else None)
    assert_dutch_refusal(reply)


@pytest.mark.parametrize(
    "path",
    [
        "/voila/templates/x",
        "/voila/templates/x/y",
        "/voila/static/",
        "/login",
        "/api/kernels/x",
        "/pz/api/nergens",
        "/pz/static/../app.py",
        "/%ff",
    ],
)
def test_an_unknown_path_gets_a_dutch_404(room_server, path):
    assert_dutch_refusal(new_phone(room_server).request("GET", path), 404)


def test_logout_on_the_room_server_is_a_dutch_page_not_a_500(room_server):
    reply = new_phone(room_server).request("GET", "/logout")
    assert reply.status == 200 and "lang='nl'" in reply.text and "Traceback" not in reply.text


# ------------------------------------------------------------------ join codes expire


def test_a_join_code_is_refused_two_weeks_after_the_last_meeting(room_server, room_store):
    over = room_store.add_training("Team De Berk", "mysupport", NOW, meeting_dates=(date(2025, 1, 6), date(2025, 2, 3)))
    running = room_store.add_training("Team De Eik", "mysupport", NOW, meeting_dates=(date(2025, 1, 6), None))
    phone = new_phone(room_server, source="127.0.0.11")
    reply = phone.post("join", {"code": over.join_code})
    assert reply.status == 410 and reply.json() == {"error": t("room.error.training_over")}
    assert phone.get("state", code=over.join_code).status == 410
    assert phone.post("join", {"code": running.join_code}).status == 200


# ------------------------------------------------------------------ generated bodies

_surrogates = st.integers(0xD800, 0xDFFF).map(chr)
_controls = st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f", "\x85", "\x9f", "\r", "\r\n"])
_texts = st.text(max_size=12) | st.lists(st.text(max_size=4) | _surrogates | _controls, max_size=5).map("".join)
_scalars = (
    st.none() | st.booleans() | st.integers() | st.integers(min_value=10**30, max_value=10**400) | st.floats() | _texts
)
_values = st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_texts, inner, max_size=3), max_leaves=8
)


_MISSING = object()


def _mostly(right, odd: st.SearchStrategy) -> st.SearchStrategy:
    """The right value half of the time, else an odd one or none at all."""
    return st.one_of(st.just(right), st.just(right), odd, st.just(_MISSING))


@st.composite
def shaped_bodies(draw, code: str) -> bytes:
    """Bodies that look like a phone's: the right keys, mostly right values, some odd ones."""
    answers = st.dictionaries(st.sampled_from(["hoe-was-het", "meenemen", "simulant"]) | _texts, _values, max_size=3)
    fields = {
        "code": _mostly(code, _values),
        "name": _mostly("Sanne", _values),
        "meeting": _mostly(1, _values),
        "form": _mostly("reflectie", _values),
        "values": _mostly({"hoe-was-het": "Goed"}, answers | _values),
    }
    body = {
        key: value
        for key, value in ((key, draw(strategy, label=key)) for key, strategy in fields.items())
        if value is not _MISSING
    }
    return json.dumps(body, allow_nan=True).encode()


def _nested(depth: int, kind: str) -> bytes:
    return (b"[" * depth + b"]" * depth) if kind == "list" else (b'{"a":' * depth + b"1" + b"}" * depth)


def raw_bodies() -> st.SearchStrategy[bytes]:
    """Bodies no phone would send: deep nesting, random bytes, odd JSON, huge numbers."""
    return st.one_of(
        st.builds(_nested, st.integers(1, 40_000), st.sampled_from(["list", "dict"])),
        st.binary(max_size=64),
        _values.map(lambda v: json.dumps(v, allow_nan=True).encode()),
        st.integers(1, 6000).map(lambda n: b'{"meeting": ' + b"9" * n + b"}"),
        st.sampled_from(
            [
                b'{"code": "\\ud800"}',
                b'{"a": NaN}',
                b'{"a": -Infinity}',
                b"\xef\xbb\xbf{}",
                b'{"code": "a\\u0000"}',
                b'{"a": 1e999}',
                b"{" * 3,
                b'{"a": "\xed\xa0\x80"}',
            ]
        ),
    )


def _query_value(right: str) -> st.SearchStrategy[str]:
    # Mostly right; else any bytes, percent-encoded: invalid UTF-8, NULs, encoded surrogates,
    # Arabic-Indic digits.
    return _mostly(
        right, st.binary(max_size=12).map(quote_from_bytes) | st.sampled_from(["%D9%A1", "%ED%A0%80", "%00", "%C2%B9"])
    )


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_no_generated_body_gets_a_5xx_or_a_traceback_and_a_refused_one_changes_nothing(
    room_server, training, phone, data
):
    endpoint = data.draw(st.sampled_from(WRITES + READS), label="endpoint")
    # A new loopback address per example: wrong codes must not get the phone slowed (429) before
    # its later bodies reach the store calls.
    phone.source = f"127.0.1.{next(_sources)}"
    before = dump(room_server)
    if endpoint in WRITES:
        raw = data.draw(shaped_bodies(training.join_code) | raw_bodies(), label="body")
        reply = phone.post(endpoint, raw=raw)
    else:
        right = {"code": training.join_code, "meeting": "1", "form": "reflectie", "case": "de-vries"}
        query = {key: data.draw(_query_value(value), label=key) for key, value in right.items()}
        query = "&".join(f"{key}={value}" for key, value in query.items() if value is not _MISSING)
        reply = phone.request("GET", f"/pz/api/{endpoint}?{query}", headers=phone.headers(xsrf=False))
    assert reply.status < 500, (reply.status, reply.body[:300])
    assert b"Traceback" not in reply.body
    assert reply.headers["Content-Type"].startswith("application/json")
    if reply.status >= 400:
        assert reply.json()["error"]
        assert dump(room_server) == before
