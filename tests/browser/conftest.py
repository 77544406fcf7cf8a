"""Fixtures for the browser tests: a real ``pztraining serve`` and a headless Chromium.

Every test in this folder gets the ``browser`` and ``server`` markers (tests/tiers.py), so
``pytest -m "not browser"`` skips them. The server runs with an empty Jupyter configuration and its own
temporary database; Chromium is Debian's (``PZ_CHROMIUM``, default ``/usr/bin/chromium``) because
``playwright install`` cannot download on the build machines.
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.processes import free_port, isolated_env, stop_tree

#: Waits for things the kernel renders (a Voila kernel needs seconds to start on 2 cores).
SERVER_START_SECONDS = 90
SERVER_STOP_SECONDS = 30

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

_TRAINER_LINE = re.compile(r"Draaiboek \(trainer\): (\S+)")
_PARTICIPANT_LINE = re.compile(r"Deelnemers \(telefoon\): (\S+)")


# ------------------------------------------------------------------------- the server


@dataclass
class RunningApps:
    """What a test needs to know about the running ``pztraining serve``."""

    trainer_url: str
    db_url: str
    process: subprocess.Popen
    output: list[str]
    #: The participant server (single-notebook mode) at its root, ending in "/".
    participant_url: str = ""

    def log(self) -> str:
        return "".join(self.output)


def _stop_server(apps: RunningApps) -> None:
    """Stop ``pztraining serve`` as Ctrl+C would, and make sure nothing it started lives on."""
    problems = stop_tree(apps.process, "pztraining serve", SERVER_STOP_SECONDS)
    assert not problems, "\n".join(problems) + "\n--- server output ---\n" + apps.log()


def _start_server(tmp: Path, extra_env: dict[str, str] | None = None) -> RunningApps:
    db_url = f"sqlite:///{tmp / 'pz.db'}"
    env = isolated_env(tmp)  # tests never read the developer's Jupyter or IPython set-up
    env.update(extra_env or {})  # e.g. JUPYTERHUB_USER, as JupyterHub gives a single-user server
    port = free_port()
    participant_port = free_port()
    while participant_port == port:
        participant_port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pztraining",
            "serve",
            "--db",
            db_url,
            "--port",
            str(port),
            "--participant-port",
            str(participant_port),
            "--host",
            "127.0.0.1",
        ],
        cwd=tmp,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output: list[str] = []
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:  # keeps draining the pipe for the whole session
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, name="pztraining-serve-output", daemon=True).start()
    apps = RunningApps("", db_url, process, output)
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        remaining = deadline - time.monotonic()
        try:
            line = lines.get(timeout=max(remaining, 0.01))
        except queue.Empty:
            line = ""
        if line is None or (line == "" and time.monotonic() >= deadline):
            reason = (
                f"exited with status {process.poll()}"
                if line is None
                else f"printed no trainer and participant URLs within {SERVER_START_SECONDS} s"
            )
            try:
                _stop_server(apps)
            except AssertionError:
                pass
            pytest.fail(f"pztraining serve {reason}.\n--- output ---\n{apps.log()}", pytrace=False)
        match = _TRAINER_LINE.search(line or "")
        if match:
            apps.trainer_url = match.group(1)
        match = _PARTICIPANT_LINE.search(line or "")
        if match:
            apps.participant_url = match.group(1)
        if apps.trainer_url and apps.participant_url:
            return apps


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[RunningApps]:
    """A ``pztraining serve`` with a fresh, empty database (one per test module)."""
    apps = _start_server(tmp_path_factory.mktemp("pzserve"))
    try:
        yield apps
    finally:
        _stop_server(apps)


# ------------------------------------------------------------------------- the browser


def chromium_path() -> str:
    path = os.environ.get("PZ_CHROMIUM", "/usr/bin/chromium")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(
            f"Chromium ontbreekt ({path}). Installeer het met `sudo apt-get install chromium` "
            "(of `make chromium`), of wijs een andere aan met PZ_CHROMIUM=/pad/naar/chromium.\n"
            f"Chromium is missing ({path}). Install it with `sudo apt-get install chromium`, "
            "or point PZ_CHROMIUM at another Chromium binary.",
            pytrace=False,
        )
    return path


@pytest.fixture
def page(browser):
    from playwright.sync_api import expect

    context = browser.new_context(
        viewport={"width": 1280, "height": 1000}, locale="nl-NL", timezone_id="Europe/Amsterdam"
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    expect.set_options(timeout=30_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # shown by the tests when they fail, for diagnosis
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="module")
def store(served):
    """The served database, for setting up data and checking what was stored."""
    from pztraining.store import Store

    opened = Store(served.db_url)
    try:
        yield opened
    finally:
        opened.close()
