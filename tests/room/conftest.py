"""A real room server (``python -m pztraining.serving.room.app``) for the HTTP tests, and a phone to talk to it.

The server runs with an empty Jupyter configuration and its own temporary database, on a
free port of 127.0.0.1; it is stopped with its process group (and any kernel) at the end.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.processes import descendants, free_port, isolated_env, stop_tree

#: The room server starts no kernel, but Python and Voila take a while to import on busy cores.
START_SECONDS = 90
STOP_SECONDS = 30


@dataclass
class RoomServer:
    process: subprocess.Popen
    host: str
    port: int
    db_url: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kernels(self) -> list[str]:
        """Command lines of the kernels running below the server now."""
        return [cmd for cmd in descendants(self.process.pid).values() if "ipykernel" in cmd]


def _wait_until_up(server: RoomServer, path: str = "/") -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"the room server exited with {server.process.returncode}:\n{server.log()}", pytrace=False)
        try:
            with urllib.request.urlopen(f"http://{server.host}:{server.port}{path}", timeout=2):
                return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"the room server did not answer within {START_SECONDS} s:\n{server.log()}", pytrace=False)


def _stop(server: RoomServer) -> None:
    """Stop the server as a service manager would; kill what is left, and say so (a leak is a bug)."""
    problems = stop_tree(server.process, "the room server", STOP_SECONDS)
    assert not problems, "\n".join(problems) + "\n--- server output ---\n" + server.log()


@contextmanager
def running_room_server(
    tmp: Path,
    db_url: str,
    extra_env: dict[str, str] | None = None,
    port: int | None = None,
    preexec_fn: Callable[[], None] | None = None,
    page: str = "/",
) -> Iterator[RoomServer]:
    """A room server on ``db_url`` (its logs and cwd in ``tmp``; on ``port`` or a free one),
    stopped when the block ends.

    ``preexec_fn`` runs in the server's process before it starts (e.g. to lower its limits);
    ``page`` is where its phones' page is (a hub service's prefix: ``/services/room/``).
    """
    from pztraining.serving.server import notebooks_dir, room_command

    env = isolated_env(tmp)
    env["PZTRAINING_DB"] = db_url
    env.update(extra_env or {})
    port = port or free_port()
    log_path = tmp / "room.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            room_command(notebooks_dir() / "facilitator.ipynb", "127.0.0.1", port),
            cwd=tmp,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=preexec_fn,  # noqa: PLW1509 - only setrlimit, which takes no lock
        )
    server = RoomServer(process, "127.0.0.1", port, db_url, log_path)
    try:
        _wait_until_up(server, page)
        yield server
    finally:
        _stop(server)


@pytest.fixture(scope="module")
def room_server(tmp_path_factory) -> Iterator[RoomServer]:
    tmp = tmp_path_factory.mktemp("room")
    with running_room_server(tmp, f"sqlite:///{tmp / 'pz.db'}") as server:
        yield server


@pytest.fixture(scope="module")
def room_store(room_server):
    """The room server's database through a connection of our own (as the trainer's kernel has)."""
    from pztraining.store import Store

    store = Store(room_server.db_url)
    yield store
    store.close()


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self):
        assert self.headers["Content-Type"].startswith("application/json"), self.headers["Content-Type"]
        return json.loads(self.body)


class Phone:
    """One phone: its device secret, the page's XSRF cookie, and its own address (``source``)."""

    def __init__(self, server: RoomServer, device: str = "0123456789abcdef0123456789abcdef", source: str = "127.0.0.1"):
        self.server, self.device, self.source = server, device, source
        self.xsrf = ""

    def connection(self, timeout: float = 30) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(
            self.server.host, self.server.port, timeout=timeout, source_address=(self.source, 0)
        )

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Reply:
        conn = self.connection()
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            conn.close()

    def open_page(self, path: str = "/") -> Reply:
        """GET the page, keeping the XSRF cookie it sets."""
        reply = self.request("GET", path)
        for header in reply.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            if "_xsrf" in cookie:
                self.xsrf = cookie["_xsrf"].value
        return reply

    def headers(self, xsrf: bool = True) -> dict:
        found = {"X-PZ-Device": self.device}
        if xsrf:
            if not self.xsrf:
                self.open_page()
            found.update({"Cookie": f"_xsrf={self.xsrf}", "X-XSRFToken": self.xsrf})
        return found

    def post(self, endpoint: str, data=None, raw: bytes | None = None, xsrf: bool = True) -> Reply:
        body = raw if raw is not None else json.dumps(data).encode()
        return self.request(
            "POST", f"/pz/api/{endpoint}", body, {**self.headers(xsrf), "Content-Type": "application/json"}
        )

    def get(self, endpoint: str, **query) -> Reply:
        from urllib.parse import urlencode

        return self.request("GET", f"/pz/api/{endpoint}?{urlencode(query)}", headers=self.headers(xsrf=False))


#: A deck of one page, served from the trainer server's slides folder.
DECK = "<!doctype html><title>Bijeenkomst 1</title><p>dia-inhoud</p>"


@contextmanager
def running_trainer_server(tmp: Path, host: str):
    """The trainer's server as `pztraining serve` starts it on ``host`` (a token only off localhost),
    with one training and a deck (``DECK``); yields (server, training), stopped when the block ends."""
    from datetime import UTC, datetime

    from pztraining.serving.server import notebooks_dir, start_voila
    from pztraining.store import Store

    slides = tmp / "dia"
    slides.mkdir()
    (slides / "index.html").write_text(DECK, encoding="utf-8")
    db_url = f"sqlite:///{tmp / 'pz.db'}"
    store = Store(db_url)
    training = store.add_training("Team De Linde", "mysupport", datetime(2026, 11, 23, 8, tzinfo=UTC))
    store.close()
    env = {key: value for key, value in isolated_env(tmp).items() if key.startswith(("JUPYTER", "IPYTHON"))}
    server = start_voila(
        notebooks_dir(),
        db_url,
        host,
        free_port(host),
        token=None,
        log_path=tmp / "trainer.log",
        extra_env=env,
        slides_dir=slides,
    )
    try:
        yield server, training
    finally:
        problems = stop_tree(server.process, "the trainer server")
        assert not problems, "\n".join(problems)
