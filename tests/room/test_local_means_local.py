"""The tokenless trainer server answers only for this computer: a foreign Host header gets a Dutch 403 on every route.

A web page the trainer visits can point a name it controls at 127.0.0.1 (DNS rebinding);
the browser then sends that name as Host and the page could read the join codes at
/pz/zaal/. Every route is tried: the apps, the beamer page, the decks, Voila's static files
and templates, the kernel API and its websocket, the login page, unknown paths.
"""

from __future__ import annotations

import http.client
import re

import pytest

from pztraining.core.texts import t

from .conftest import DECK, running_trainer_server

HOST = "127.0.0.1"
FOREIGN = ("aanvaller.example", "aanvaller.example:8866", "127.0.0.1.nip.io", "localhost.aanvaller.example")
UUID = "0123abcd-0123-4567-89ab-0123456789ab"


@pytest.fixture(scope="module")
def trainer(tmp_path_factory):
    with running_trainer_server(tmp_path_factory.mktemp("local"), HOST) as (server, training):
        assert server.token == ""  # as `pztraining serve` runs it: no token on 127.0.0.1
        yield server, training


def request(server, path: str, host: str, method: str = "GET", headers: dict | None = None) -> tuple[int, str]:
    port = int(server.base_url.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        conn.putrequest(method, path, skip_host=True)
        conn.putheader("Host", host.replace("PORT", str(port)))
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.putheader("Content-Length", "0")
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


WEBSOCKET = {
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}


def routes(server) -> list[tuple[str, str, dict]]:
    """(method, path, headers) for every route of the trainer server, with real assets of the Draaiboek page."""
    status, page = request(server, "/voila/render/trainer.ipynb", "localhost:PORT")
    assert status == 200, page[-2000:]
    assets = sorted(set(re.findall(r'(?:src|href)="(/voila/[^"?#]+)', page)))
    assert any(p.startswith("/voila/static/") for p in assets) and any(
        p.startswith("/voila/templates/") for p in assets
    ), assets
    kernel = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page) or re.search(r"kernel_id=([0-9a-f-]{36})", page)
    kernel_id = kernel.group(1) if kernel else UUID
    pages = [f"/voila/render/{name}.ipynb" for name in ("trainer", "facilitator", "results", "kartrekker")]
    return [
        ("GET", p, {})
        for p in [
            "/",
            "/voila/tree",
            *pages,
            "/pz/zaal/",
            "/pz/zaal/?training=1",
            "/pz/dia/index.html",
            "/pz/dia/ontbreekt.html",
            "/login",
            "/logout",
            "/voila/api/themes/light/index.css",
            f"/api/kernels/{kernel_id}",
            "/api/status",
            "/nergens",
            *assets,
        ]
    ] + [
        ("GET", f"/api/kernels/{kernel_id}/channels", WEBSOCKET),
        ("POST", f"/voila/api/shutdown/{kernel_id}", {}),
        ("DELETE", f"/api/kernels/{kernel_id}", {}),
        ("POST", "/login", {}),
        ("PUT", "/pz/zaal/", {}),
    ]


def test_a_foreign_host_name_gets_a_dutch_403_on_every_route_and_the_computers_own_names_do_not(trainer):
    server, training = trainer
    for method, path, headers in routes(server):
        for host in FOREIGN:
            status, body = request(server, path, host, method, headers)
            assert status == 403 and training.join_code not in body and "dia-inhoud" not in body, (
                method,
                path,
                host,
                status,
                body[:300],
            )
            assert body == t("server.foreign_host")
    # ... while this computer's own names still reach it.
    for host in ("localhost:PORT", "127.0.0.1:PORT", "[::1]:PORT", "LOCALHOST", "localhost.", "127.0.0.1"):
        status, body = request(server, "/pz/zaal/", host)
        assert status == 200 and training.join_code in body, (host, status, body[:300])
        status, body = request(server, "/pz/dia/index.html", host)
        assert (status, body) == (200, DECK), host
    status, _body = request(server, f"/api/kernels/{UUID}/channels", "localhost:PORT", headers=WEBSOCKET)
    assert status != 403  # a websocket from the page itself is not refused for its host
