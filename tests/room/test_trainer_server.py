"""The trainer's server off localhost: decks and the beamer page behind the token, no token in the log."""

from __future__ import annotations

import http.client

import pytest

from pztraining.core.texts import t
from pztraining.serving.server import ServerError, trainer_token

from .conftest import DECK, running_trainer_server

#: Not one of server.LOCAL_HOSTS, so a token is required; still loopback (all of 127/8 is).
HOST = "127.0.0.2"


@pytest.fixture(scope="module")
def trainer(tmp_path_factory):
    with running_trainer_server(tmp_path_factory.mktemp("trainer"), HOST) as (server, training):
        yield server, training


def get(server, path: str) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection(HOST, int(server.base_url.rsplit(":", 1)[1]), timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, dict(response.headers), response.read().decode(errors="replace")
    finally:
        conn.close()


def refused(status: int, headers: dict) -> bool:
    """Forbidden, or sent to the login page."""
    return status == 403 or (status in (301, 302) and "/login" in headers.get("Location", ""))


def test_off_localhost_a_token_is_made(trainer):
    server, _training = trainer
    assert len(server.token) >= 12


def test_a_deck_needs_the_token(trainer):
    server, _training = trainer
    status, headers, body = get(server, "/pz/dia/index.html")
    assert refused(status, headers) and "dia-inhoud" not in body
    status, headers, body = get(server, "/pz/dia/index.html?token=not-the-token")
    assert refused(status, headers) and "dia-inhoud" not in body
    status, headers, body = get(server, f"/pz/dia/index.html?token={server.token}")
    assert status == 200 and body == DECK
    status, _headers, body = get(server, f"/pz/dia/ontbreekt.html?token={server.token}")
    assert status == 404 and t("room.error.not_found") in body
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"


def test_the_beamer_page_needs_the_token_and_shows_the_join_code(trainer):
    server, training = trainer
    status, headers, body = get(server, "/pz/zaal/")
    assert refused(status, headers) and training.join_code not in body
    status, headers, body = get(server, f"/pz/zaal/?token={server.token}")
    assert status == 200
    assert training.join_code in body and "Team De Linde" in body and t("room.beamer.title") in body
    status, _headers, body = get(server, f"/pz/zaal/?training={training.id + 1}&token={server.token}")
    assert status == 200 and training.join_code not in body  # one training's page shows only that one


def test_the_token_never_reaches_the_log(trainer):
    server, _training = trainer
    for path in ("/pz/dia/index.html", "/pz/dia/ontbreekt.html", "/pz/zaal/", "/voila/render/nergens.ipynb"):
        get(server, f"{path}?token={server.token}")
    get(server, f"/pz/dia/ontbreekt.html?_xsrf=abc&token={server.token}&x=1")
    log = server.log_path.read_text(errors="replace")
    assert "ontbreekt.html" in log  # the requests were logged (a 404 is a warning) ...
    assert server.token not in log  # ... without the token
    assert "Traceback" not in log


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
@pytest.mark.parametrize("token", ["", "   "])
def test_an_empty_token_off_localhost_is_refused_in_dutch(host, token):
    with pytest.raises(ServerError) as refusal:
        trainer_token(host, token)
    assert str(refusal.value) == t("server.token_empty", host=host)
    assert "toegangscode" in str(refusal.value)


def test_on_localhost_no_token_is_needed_and_elsewhere_one_is_made():
    assert trainer_token("127.0.0.1", None) == "" and trainer_token("localhost", "") == ""
    assert trainer_token("127.0.0.1", "eigen") == "eigen"
    made = trainer_token("0.0.0.0", None)
    assert len(made) >= 12 and made != trainer_token("0.0.0.0", None)
    assert trainer_token("0.0.0.0", "eigen-code") == "eigen-code"
