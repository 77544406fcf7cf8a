"""A real JupyterHub (+ configurable-http-proxy) on a throwaway PostgreSQL, with the printed config.

The config is what ``pztraining hub --config`` prints for this install; the hub runs in its own
session with an empty Jupyter configuration, and is stopped by process id with everything it
started (proxy, room services, trainers' servers, their kernels); then the cluster is removed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.processes import descendants, free_port, isolated_env, stop_tree

#: The hub, its proxy, two room services and then a trainer's Voila: slow on 2 busy cores.
HUB_START_SECONDS = 120
HUB_STOP_SECONDS = 60
#: Who logs in: role, organisation and password (FirstUseAuthenticator: chosen at the first login).
USERS = {
    "anna": ("trainer", "Zorggroep Noord", "anna-wachtwoord-1"),
    "bram": ("trainer", "Hospice Zuid", "bram-wachtwoord-2"),
    "karin": ("kartrekker", "Zorggroep Noord", "karin-wachtwoord-3"),
}

#: The hub's administrator (`--admin`), deliberately not among USERS: nobody added it yet.
ADMIN = "beheer"


@dataclass
class Hub:
    """A running hub: its public address, the shared database and its log."""

    url: str
    db_url: str
    process: subprocess.Popen
    log_path: Path
    folder: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    @property
    def room_url(self) -> str:
        """The participants' page through the hub's proxy (ends in "/")."""
        return f"{self.url}/services/room/"

    def processes(self) -> dict[int, str]:
        """Everything running below the hub now (pid -> command line)."""
        return descendants(self.process.pid)


def proxy_or_fail() -> str:
    """configurable-http-proxy (npm); ``make test`` installs it as root."""
    found = shutil.which("configurable-http-proxy")
    if found is None:
        pytest.fail(
            "configurable-http-proxy ontbreekt: `npm install -g configurable-http-proxy` (of `make test` als root).",
            pytrace=False,
        )
    return found


def pztraining(folder: Path, *args: str) -> str:
    """Run the ``pztraining`` command as an administrator would; its output."""
    result = subprocess.run(
        [sys.executable, "-m", "pztraining", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=isolated_env(folder),
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def write_config(folder: Path, db_url: str, port: int, room_port: int, room_copies: int = 1) -> Path:
    """The users with their roles, then ``pztraining hub --config`` for this install."""
    for name, (role, organisation, _password) in USERS.items():
        pztraining(folder, "users", "add", name, "--role", role, "--org", organisation, "--db", db_url)
    text = pztraining(
        folder,
        "hub",
        "--config",
        "--db",
        db_url,
        "--port",
        str(port),
        "--room-port",
        str(room_port),
        "--room-copies",
        str(room_copies),
        "--state-dir",
        str(folder),
        "--admin",
        ADMIN,
    )
    path = folder / "jupyterhub_config.py"
    path.write_text(text)
    return path


def _wait_until_up(hub: Hub) -> None:
    deadline = time.monotonic() + HUB_START_SECONDS
    while time.monotonic() < deadline:
        if hub.process.poll() is not None:
            pytest.fail(f"jupyterhub exited with {hub.process.returncode}:\n{hub.log()[-4000:]}", pytrace=False)
        if "JupyterHub is now running" in hub.log():
            try:  # the room service answers "starting" until Voila has loaded
                with urllib.request.urlopen(hub.room_url, timeout=5) as reply:
                    if b"participant.js" in reply.read():
                        return
            except (urllib.error.URLError, OSError):
                pass
        time.sleep(0.5)
    pytest.fail(f"jupyterhub did not start within {HUB_START_SECONDS} s:\n{hub.log()[-4000:]}", pytrace=False)


def start_hub(folder: Path, db_url: str, room_copies: int = 1) -> Hub:
    """Start ``jupyterhub -f jupyterhub_config.py`` in ``folder``; returns once it answers."""
    proxy_or_fail()
    port, room_port = free_port(), free_port()
    config = write_config(folder, db_url, port, room_port, room_copies)
    env = isolated_env(folder)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["CONFIGPROXY_AUTH_TOKEN"] = os.urandom(16).hex()
    log_path = folder / "hub.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyterhub",
                "-f",
                str(config),
                f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{free_port()}",
                f"--JupyterHub.hub_port={free_port()}",
            ],
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    hub = Hub(f"http://127.0.0.1:{port}", db_url, process, log_path, folder)
    try:
        _wait_until_up(hub)
    except BaseException:
        stop_tree(process, "jupyterhub", HUB_STOP_SECONDS)
        raise
    return hub


def stop_hub(hub: Hub) -> None:
    """Stop the hub by its pid (SIGTERM, as systemd would) and kill what it left behind; a leak fails."""
    problems = stop_tree(hub.process, "jupyterhub", HUB_STOP_SECONDS)
    assert not problems, "\n".join(problems) + "\n--- hub log ---\n" + hub.log()[-4000:]


@pytest.fixture(scope="module")
def hub(tmp_path_factory, postgres_cluster) -> Iterator[Hub]:
    """A hub on a fresh PostgreSQL database (one per test module)."""
    folder = tmp_path_factory.mktemp("hub")
    running = start_hub(folder, postgres_cluster.new_database())
    try:
        yield running
    finally:
        stop_hub(running)
