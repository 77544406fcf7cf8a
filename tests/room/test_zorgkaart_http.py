"""The quiz over real HTTP: no answer of the room server carries a right answer before the reveal."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

from pztraining.content import load_form
from pztraining.domain.forms import form_spec
from pztraining.services import forms

from .test_http import new_phone

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
QUIZ = "zorgkaart-quiz"
TREE_FORM = "zorgkaart-beslisboom"


@pytest.fixture(scope="module")
def training(room_store):
    training = room_store.add_training("Regio-avond", "zorgkaart", NOW)
    for form_id in (QUIZ, TREE_FORM):
        forms.open_form(room_store, training.id, 1, form_id, False, NOW, spec=form_spec(load_form(form_id)))
    return training


def _first_event(phone, training) -> bytes:
    conn = phone.connection(timeout=10)
    try:
        conn.request("GET", f"/pz/api/events?code={training.join_code}")
        response = conn.getresponse()
        data = b""
        deadline = time.monotonic() + 10
        while b"\ndata: " not in data or not data.endswith(b"\n\n"):
            assert time.monotonic() < deadline, data
            data += response.readline()
        return data
    finally:
        conn.close()


def _every_answer(server, phone, training) -> list[bytes]:
    """The raw bodies a phone gets: the page, its scripts, state, both forms and the event stream."""
    code = training.join_code
    bodies = [
        phone.open_page(f"/?code={code}").body,
        phone.request("GET", "/pz/static/participant.js").body,
        phone.request("GET", "/pz/static/form.js").body,
        phone.get("state", code=code).body,
        phone.get("form", code=code, meeting=1, form=QUIZ).body,
        phone.get("form", code=code, meeting=1, form=TREE_FORM).body,
        _first_event(phone, training),
    ]
    return bodies


def test_no_answer_carries_the_right_answer_before_the_reveal_and_the_form_does_after(
    room_server, room_store, training
):
    phone = new_phone(room_server)
    assert phone.post("register", {"code": training.join_code, "name": "Huisarts Jansen"}).status == 200
    form = load_form(QUIZ)
    first, second = form.items[0], form.items[1]
    for body in _every_answer(room_server, phone, training):
        text = body.decode()
        assert first.explanation not in text and second.explanation not in text
        assert '"correct"' not in text
    room_store.reveal_answer(training.id, 1, QUIZ, first.id, NOW)
    state = phone.get("state", code=training.join_code).json()
    assert next(i for i in state["items"] if i["id"] == QUIZ)["revealed"] == [first.id]
    shown = phone.get("form", code=training.join_code, meeting=1, form=QUIZ).json()["form"]["items"]
    assert shown[0]["correct"] == first.correct and shown[0]["explanation"] == first.explanation
    assert "correct" not in shown[1] and second.explanation not in json.dumps(shown, ensure_ascii=False)


def test_a_walked_tree_is_stored_as_its_path(room_server, room_store, training):
    phone = new_phone(room_server)
    assert phone.post("register", {"code": training.join_code, "name": "Wijkverpleegkundige"}).status == 200
    path = ["centrale-zorgverlener", "soort-vraag", "bekend-in-ziekenhuis", "consulent"]
    where = {"code": training.join_code, "meeting": 1, "form": TREE_FORM}
    half = phone.post("submit", {**where, "values": {"route-pijn": path[:2]}}).json()
    assert half["status"] == "invalid" and "route-pijn" in half["errors"]
    assert phone.post("submit", {**where, "values": {"route-pijn": path}}).json()["status"] == "submitted"
    assert path in room_store.list_item_answers(training.id, 1, TREE_FORM, "route-pijn")
