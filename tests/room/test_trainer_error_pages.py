"""The trainer's server answers unknown paths, unusual methods and its login/logout pages with a
Dutch page: never a 500, never a traceback, never jupyter_server's English template."""

from __future__ import annotations

import http.client

import pytest

from pztraining.core.texts import t

from .test_trainer_server import HOST, trainer  # noqa: F401 - the module's server (with a token)

METHODS = ["GET", "POST", "PATCH", "PROPFIND", "OPTIONS", "TRACE", "DELETE", "PUT"]
PATHS = [
    "/nergens",
    "/voila/templates/x",
    "/voila/static/x",
    "/voila/render/bestaat-niet.ipynb",
    "/voila/tree/x",
    "/api/kernels/x",
    "/pz/zaal/",
    "/pz/dia/ontbreekt.html",
    "/logout",
]


def request(server, method: str, path: str, token: bool = True) -> tuple[int, str]:
    conn = http.client.HTTPConnection(HOST, int(server.base_url.rsplit(":", 1)[1]), timeout=30)
    if token:
        path += ("&" if "?" in path else "?") + f"token={server.token}"
    try:
        conn.request(method, path, body=b"" if method not in ("GET", "OPTIONS", "TRACE") else None)
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


@pytest.mark.parametrize("path", PATHS)
def test_every_method_on_every_path_is_answered_without_a_server_error(trainer, path):  # noqa: F811
    server, _training = trainer
    for method in METHODS:
        status, body = request(server, method, path)
        assert status < 500, (method, path, status, body[:300])
        assert "Traceback" not in body and "Error" not in body, (method, path, body[:300])
        if status >= 400:
            assert "lang='nl'" in body or '"message": "' in body, (method, path, body[:300])


@pytest.mark.parametrize("path", ["/nergens", "/voila/templates/x", "/voila/render/bestaat-niet.ipynb"])
def test_an_unknown_path_is_a_dutch_404(trainer, path):  # noqa: F811
    server, _training = trainer
    status, body = request(server, "GET", path)
    assert status == 404 and t("room.error.not_found") in body


def test_an_unusual_method_is_a_dutch_405(trainer):  # noqa: F811
    server, _training = trainer
    status, body = request(server, "PROPFIND", "/voila/render/trainer.ipynb")
    assert status == 405 and t("room.error.method") in body


def test_the_login_and_logout_pages_are_dutch(trainer):  # noqa: F811
    server, _training = trainer
    status, body = request(server, "GET", "/login", token=False)
    assert status == 200 and t("web.login.text").split("'")[0] in body and "name='password'" in body
    status, body = request(server, "GET", "/logout", token=False)
    assert status == 200 and t("web.logout.done") in body
