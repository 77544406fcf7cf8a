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
    participant: VoilaServer | None = None
    servers: list[VoilaServer] = field(default_factory=list)

    @property
    def participant_url(self) -> str | None:
        """The address participants open (single-notebook mode serves it at the root)."""
        return self.participant.base_url + "/" if self.participant else None

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


def _voila(target: Path, host: str, port: int, token: str, module: str = "voila") -> list[str]:
    """What both servers share: no browser, this address and port only, no tracebacks."""
    return [
        sys.executable, "-m", module, str(target),
        "--no-browser",
        f"--Voila.ip={host}",
        f"--port={port}",
        "--Voila.port_retries=0",
        f"--Voila.token={token}",
        "--VoilaConfiguration.show_tracebacks=False",
    ]


def voila_command(target: Path, host: str, port: int, token: str, slides_dir: Path | None = None) -> list[str]:
    """The command line that serves the notebooks in a folder (trainer side), and the decks."""
    decks = [f"--DecksVoila.slides_dir={slides_dir}"] if slides_dir else []
    return _voila(target, host, port, token, module="pztraining.voila_app") + decks + [
        # A trainer reloads the page often; idle kernels of closed tabs are reclaimed.
        "--MappingKernelManager.cull_idle_timeout=1800",
        "--MappingKernelManager.cull_interval=300",
    ]


def participant_command(notebook: Path, host: str, port: int, pool_size: int) -> list[str]:
    """The command line of the participant server: one notebook, preheated kernels, culling.

    Single-notebook mode serves only this notebook, so a participant URL can never reach
    the trainer, facilitator or results pages. Kernels are started before anyone asks
    (twenty phones join in the same minute); idle kernels of phones that went away are
    reclaimed (their drafts are in the store and in the phone's browser).
    """
    return _voila(notebook, host, port, "") + [
        "--preheat_kernel=True",
        f"--pool_size={pool_size}",
        "--MappingKernelManager.cull_idle_timeout=900",
        "--MappingKernelManager.cull_interval=60",
        "--MappingKernelManager.cull_connected=False",
    ]


def lan_address() -> str:
    """This computer's address on the room's network (no packet is sent)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def _display_host(host: str) -> str:
    return lan_address() if host in ("0.0.0.0", "::", "") else host


def _launch(command: list[str], db_url: str, host: str, port: int, token: str, log_path: Path | None,
            extra_env: dict[str, str] | None) -> VoilaServer:
    env = dict(os.environ, PZTRAINING_DB=db_url, **(extra_env or {}))
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    return VoilaServer(process, f"http://{_display_host(host)}:{port}", token, log_path)


def _started(servers: list[VoilaServer]) -> list[VoilaServer]:
    try:
        for server in servers:
            _wait_until_up(server, timeout=90)
    except BaseException:  # also Ctrl+C or SIGTERM while waiting: never leave Voila behind
        for server in servers:
            server.stop()
        raise
    return servers


def trainer_token(host: str, token: str | None) -> str:
    """The access token of the trainer server: none on localhost, else given or generated."""
    if token is not None:
        return token
    # Anyone on the network could otherwise open trainer pages.
    return "" if host in LOCAL_HOSTS else secrets.token_urlsafe(12)


def start_voila(folder: Path, db_url: str, host: str, port: int, token: str | None = None,
                log_path: Path | None = None, extra_env: dict[str, str] | None = None,
                slides_dir: Path | None = None) -> VoilaServer:
    """Start a Voila server for ``folder``; returns once it answers HTTP."""
    token = trainer_token(host, token)
    env = dict(extra_env or {}, **_slides_env(slides_dir))
    server = _launch(voila_command(folder, host, port, token, slides_dir), db_url, host, port, token, log_path, env)
    return _started([server])[0]


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


def _slides_env(slides_dir: Path | None) -> dict[str, str]:
    # The trainer kernels look up the deck of the current meeting in this folder.
    return {"PZTRAINING_SLIDES": str(slides_dir)} if slides_dir else {}


def serve(db_url: str, host: str = "127.0.0.1", port: int = 8866, participant_port: int = 8867,
          trainer_host: str = "127.0.0.1", token: str | None = None, pool_size: int = 4,
          log_dir: Path | None = None, slides_dir: Path | None = None) -> Apps:
    """Start the participant server (on ``host``) and the trainer-side server (on ``trainer_host``)."""
    folder = notebooks_dir()
    log = (lambda name: log_dir / f"voila-{name}.log") if log_dir else (lambda name: None)
    participant = _launch(participant_command(folder / "participant.ipynb", host, participant_port, pool_size),
                          db_url, host, participant_port, "", log("participant"), None)
    token = trainer_token(trainer_host, token)
    trainer = _launch(voila_command(folder, trainer_host, port, token, slides_dir), db_url, trainer_host, port,
                      token, log("trainer"),
                      {"PZTRAINING_PARTICIPANT_URL": participant.base_url + "/", **_slides_env(slides_dir)})
    servers = _started([participant, trainer])
    return Apps(trainer=trainer, participant=participant, servers=servers)
