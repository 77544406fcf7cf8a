"""Every cookie our servers set carries SameSite=Lax: the room's _xsrf, the trainer's _xsrf and token login."""

from __future__ import annotations

import http.client

from tests.room.conftest import Phone
from tests.room.test_trainer_server import HOST, trainer  # noqa: F401 - the token trainer server fixture


def set_cookies(headers: http.client.HTTPMessage) -> dict[str, str]:
    """Set-Cookie headers by cookie name (the whole header, attributes included)."""
    return {header.split("=", 1)[0]: header for header in headers.get_all("Set-Cookie") or []}


def same_site(header: str) -> str:
    return next(
        (
            part.split("=", 1)[1].strip().lower()
            for part in header.split(";")
            if part.strip().lower().startswith("samesite=")
        ),
        "",
    )


def test_the_room_pages_xsrf_cookie_is_same_site_lax(room_server):
    reply = Phone(room_server).open_page("/")
    cookies = set_cookies(reply.headers)
    assert "_xsrf" in cookies, reply.headers
    assert {name: same_site(header) for name, header in cookies.items()} == {"_xsrf": "lax"}, cookies


def test_the_trainer_servers_login_and_xsrf_cookies_are_same_site_lax(trainer):  # noqa: F811
    server, _training = trainer
    port = int(server.base_url.rsplit(":", 1)[1])
    seen: dict[str, str] = {}
    for path in (f"/pz/zaal/?token={server.token}", "/login"):
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            seen.update(set_cookies(response.headers))
        finally:
            conn.close()
    assert "_xsrf" in seen and any(name.startswith("username-") for name in seen), seen  # both kinds were set
    assert all(same_site(header) == "lax" for header in seen.values()), seen
