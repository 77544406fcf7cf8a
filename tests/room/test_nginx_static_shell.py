"""A phone through nginx's static shell: the page and its scripts as files, the API on the room server.

The files are what ``pztraining hub --write-static`` writes and the site is what ``pztraining hub
--nginx`` prints (Debian's nginx, a private set-up: tests/nginx.py), in front of one room server
running as the hub's room service (``/services/room/``), without the hub: the phones' part of the
deployment alone. A phone loads the page over TLS, gets every script and style the page names,
and with the cookie nginx gave it joins, registers and submits an answer that is stored. This is
the path ``benchmarks/scale.py`` measures (200 phones opening the page through nginx).
"""

from __future__ import annotations

import http.client
import json
import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from importlib.resources import files

import pytest

from pztraining.services import forms
from pztraining.serving.hub import ROOM_PREFIX, write_static
from pztraining.serving.room.handlers import STATIC_FILES
from pztraining.serving.room.page import page_html
from pztraining.store import Store
from tests.nginx import Nginx, binary_or_skip, self_signed, start_site
from tests.processes import free_port
from tests.room.conftest import RoomServer, running_room_server

TLS = ssl._create_unverified_context()  # the private nginx has a self-signed certificate


@dataclass
class Front:
    port: int
    room: RoomServer

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30, context=TLS)
        try:
            conn.request(method, path, body=body, headers={"Host": f"localhost:{self.port}", **(headers or {})})
            reply = conn.getresponse()
            return reply.status, reply.headers, reply.read()
        finally:
            conn.close()


@pytest.fixture(scope="module")
def front(tmp_path_factory) -> Iterator[Front]:
    binary = binary_or_skip()
    tmp = tmp_path_factory.mktemp("room-behind-nginx")
    with running_room_server(
        tmp, f"sqlite:///{tmp / 'pz.db'}", {"JUPYTERHUB_SERVICE_PREFIX": ROOM_PREFIX}, page=ROOM_PREFIX
    ) as room:
        nginx = Nginx(binary)
        try:
            static = nginx.folder / "static"
            static.mkdir(mode=0o755)
            write_static(static)
            cert, key = self_signed(nginx.folder, elliptic=True)
            port = start_site(
                nginx,
                static=static,
                certificate=cert,
                key=key,
                hub_port=free_port(),  # no hub: the phones never reach it
                room_port=room.port,
            )
            yield Front(port, room)
        finally:
            nginx.stop()


def test_a_phone_loads_the_shell_through_nginx_then_joins_and_its_answer_is_stored(front: Front):
    store = Store(front.room.db_url)
    try:
        training = store.add_training("Achter nginx", "mysupport", datetime.now(UTC))
        forms.open_form(store, training.id, 1, "reflectie", False, datetime.now(UTC))
    finally:
        store.close()

    status, headers, body = front.request("GET", f"{ROOM_PREFIX}?code={training.join_code}")
    page = body.decode()
    assert status == 200 and page == page_html(ROOM_PREFIX)
    xsrf = SimpleCookie(headers["Set-Cookie"])["_xsrf"].value
    # Every script and style the page names comes from nginx, as the package has it.
    named = re.findall(r'(?:href|src)="([^"]+)"', page)
    assert {path.rsplit("/", 1)[1] for path in named} == set(STATIC_FILES)
    for path in named:
        status, headers, body = front.request("GET", path)
        folder, kind = STATIC_FILES[path.rsplit("/", 1)[1]]
        assert status == 200 and headers["Content-Type"].startswith(kind)
        assert body == files("pztraining").joinpath(folder, path.rsplit("/", 1)[1]).read_bytes()

    def post(endpoint: str, data: dict) -> tuple[int, dict]:
        status, _headers, body = front.request(
            "POST",
            f"{ROOM_PREFIX}pz/api/{endpoint}",
            json.dumps(data).encode(),
            {
                "Cookie": f"_xsrf={xsrf}",
                "X-XSRFToken": xsrf,
                "X-PZ-Device": "e" * 32,
                "Content-Type": "application/json",
            },
        )
        return status, json.loads(body)

    assert post("join", {"code": training.join_code}) == (
        200,
        {"training": "Achter nginx", "code": training.join_code, "name": None, "ask_name": True},
    )
    assert post("register", {"code": training.join_code, "name": "Sanne"})[0] == 200
    answers = {"code": training.join_code, "meeting": 1, "form": "reflectie", "values": {"hoe-was-het": "Via nginx"}}
    assert post("submit", answers) == (200, {"status": "submitted", "errors": {}})

    store = Store(front.room.db_url)
    try:
        assert store.response_counts(training.id, 1) == {"reflectie": 1}
    finally:
        store.close()
