"""Start the Voila servers that serve the apps (used by ``pztraining serve`` and the tests).

Each page runs in its own kernel process; the kernels find the database through the
``PZTRAINING_DB`` environment variable that we set for the server they inherit it from.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class ServerError(Exception):
    """A server could not be started; the message is Dutch."""


def notebooks_dir() -> Path:
    """The folder with the app notebooks (next to the package in a checkout)."""
    folder = Path(__file__).resolve().parent.parent / "notebooks"
    if not (folder / "trainer.ipynb").exists():
        raise ServerError(f"De map met apps ontbreekt ({folder}); start pztraining vanuit een checkout.")
    return folder


@dataclass
class VoilaServer:
    """One running Voila server process."""

    process: subprocess.Popen
    base_url: str
    token: str = ""
    log_path: Path | None = None

    def url(self, notebook: str) -> str:
        """The address of ``notebook`` on this server (with the token when there is one)."""
        query = f"?token={self.token}" if self.token else ""
        return f"{self.base_url}/voila/render/{notebook}{query}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Apps:
    """The running servers of ``pztraining serve``."""

    trainer: VoilaServer
    servers: list[VoilaServer] = field(default_factory=list)

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


def voila_command(folder: Path, host: str, port: int, token: str) -> list[str]:
    """The command line that serves the notebooks in ``folder``."""
    return [
        sys.executable, "-m", "voila", str(folder),
        "--no-browser",
        f"--Voila.ip={host}",
        f"--port={port}",
        "--Voila.port_retries=0",
        f"--Voila.token={token}",
        "--VoilaConfiguration.show_tracebacks=False",
        # A trainer reloads the page often; idle kernels of closed tabs are reclaimed.
        "--MappingKernelManager.cull_idle_timeout=1800",
        "--MappingKernelManager.cull_interval=300",
    ]


def _display_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def start_voila(folder: Path, db_url: str, host: str, port: int, token: str | None = None,
                log_path: Path | None = None, extra_env: dict[str, str] | None = None) -> VoilaServer:
    """Start a Voila server for ``folder``; returns once it answers HTTP."""
    if token is None:
        # Anyone on the network could otherwise open trainer pages.
        token = "" if host in LOCAL_HOSTS else secrets.token_urlsafe(12)
    env = dict(os.environ, PZTRAINING_DB=db_url, **(extra_env or {}))
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(voila_command(folder, host, port, token), env=env,
                               stdout=out, stderr=subprocess.STDOUT)
    server = VoilaServer(process, f"http://{_display_host(host)}:{port}", token, log_path)
    try:
        _wait_until_up(server, timeout=60)
    except BaseException:  # also Ctrl+C or SIGTERM while waiting: never leave Voila behind
        server.stop()
        raise
    return server


def _wait_until_up(server: VoilaServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    probe = f"{server.base_url}/api/status" + (f"?token={server.token}" if server.token else "")
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            hint = f" Zie {server.log_path}." if server.log_path else ""
            raise ServerError(f"Voila stopte meteen (is poort {server.base_url.rsplit(':', 1)[1]} al bezet?).{hint}")
        try:
            with urllib.request.urlopen(probe, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers: the server is up
        except OSError:
            time.sleep(0.25)
    raise ServerError(f"Voila reageert niet binnen {timeout:.0f} seconden op {server.base_url}.")


def serve(db_url: str, host: str = "127.0.0.1", port: int = 8866, token: str | None = None,
          log_dir: Path | None = None) -> Apps:
    """Start the trainer-side apps and return the running servers."""
    log_path = (log_dir / "voila-trainer.log") if log_dir else None
    trainer = start_voila(notebooks_dir(), db_url, host, port, token, log_path)
    return Apps(trainer=trainer, servers=[trainer])
