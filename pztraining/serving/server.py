"""Start the two servers of ``pztraining serve`` (also used by the tests).

* The **trainer server** (Voila over the app notebooks, and the slide decks) listens on
  127.0.0.1, or elsewhere only behind a token.
* The **room server** (:mod:`pztraining.serving.room.app`) is what the room's network reaches:
  the participants' page (handlers, no kernel per phone) and the Rollenspel page for
  facilitators' tablets behind a per-meeting code.

Kernels find the database through ``PZTRAINING_DB``, set for the server they inherit it from.
"""

from __future__ import annotations

import errno
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

from pztraining.core import settings
from pztraining.core.errors import PztrainingError
from pztraining.core.os_errors import dutch_reason
from pztraining.core.settings import process_environ
from pztraining.core.texts import t
from pztraining.serving.web_security import INSTANCE_ENV, INSTANCE_HEADER

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class ServerError(PztrainingError):
    """A server could not be started; the message is Dutch."""


def notebooks_dir() -> Path:
    """The folder with the app notebooks, inside the installed package (a wheel works too)."""
    folder = Path(str(files("pztraining").joinpath("notebooks")))
    if not (folder / "trainer.ipynb").exists():
        raise ServerError(t("server.map_apps_ontbreekt_installeer", folder=folder))
    return folder


@dataclass
class VoilaServer:
    """One running Voila server process."""

    process: subprocess.Popen
    base_url: str
    token: str = ""
    log_path: Path | None = None
    #: A random name given to this process; it answers with it (``INSTANCE_HEADER``), so an
    #: answer from another program that took the port first is never taken for this one.
    instance: str = ""

    def url(self, notebook: str) -> str:
        """The address of ``notebook`` on this server (with the token when there is one)."""
        query = f"?token={self.token}" if self.token else ""
        return f"{self.base_url}/voila/render/{notebook}{query}"

    def url_of(self, path: str) -> str:
        """The address of ``path`` (e.g. "pz/zaal/") on this server, with the token."""
        query = f"?token={self.token}" if self.token else ""
        return f"{self.base_url}/{path}{query}"

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
    room: VoilaServer | None = None
    servers: list[VoilaServer] = field(default_factory=list)

    @property
    def participant_url(self) -> str | None:
        """The address participants open (the room server's root)."""
        return self.room.base_url + "/" if self.room else None

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


def _voila(target: Path, host: str, port: int, token: str, module: str = "voila") -> list[str]:
    """What both servers share: no browser, this address and port only, no tracebacks."""
    return [
        sys.executable,
        "-m",
        module,
        str(target),
        "--no-browser",
        f"--Voila.ip={host}",
        f"--port={port}",
        "--Voila.port_retries=0",
        f"--Voila.token={token}",
        "--VoilaConfiguration.show_tracebacks=False",
    ]


def voila_command(
    target: Path, host: str, port: int, token: str, slides_dir: Path | None = None, allowed_hosts: tuple[str, ...] = ()
) -> list[str]:
    """The command line that serves the notebooks in a folder (trainer side), and the decks.

    The server answers only requests for this computer (localhost, loopback addresses) and
    ``allowed_hosts``: a web page cannot reach it through a name it points at 127.0.0.1.
    """
    decks = [f"--DecksVoila.slides_dir={slides_dir}"] if slides_dir else []
    names = [f"--DecksVoila.allowed_hosts={name}" for name in allowed_hosts]
    return (
        _voila(target, host, port, token, module="pztraining.serving.voila_app")
        + decks
        + names
        + [
            # A trainer reloads the page often; idle kernels of closed tabs are reclaimed.
            "--MappingKernelManager.cull_idle_timeout=1800",
            "--MappingKernelManager.cull_interval=300",
        ]
    )


def room_command(notebook: Path, host: str, port: int) -> list[str]:
    """The command line of the room server: the phones' page and the facilitators' Rollenspel.

    Voila's single-notebook mode on the Rollenspel notebook, so no URL on this server can
    reach the trainer, results or case pages; kernels start only for facilitator tablets
    with a valid code, and idle ones are reclaimed.
    """
    return _voila(notebook, host, port, "", module="pztraining.serving.room.app") + [
        "--MappingKernelManager.cull_idle_timeout=1800",
        "--MappingKernelManager.cull_interval=300",
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


def _launch(
    command: list[str],
    db_url: str,
    host: str,
    port: int,
    token: str,
    log_path: Path | None,
    extra_env: dict[str, str] | None,
) -> VoilaServer:
    instance = secrets.token_hex(8)
    env = dict(process_environ(), PZTRAINING_DB=db_url, **(extra_env or {}), **{INSTANCE_ENV: instance})
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    return VoilaServer(process, f"http://{_display_host(host)}:{port}", token, log_path, instance)


def _started(servers: list[VoilaServer]) -> list[VoilaServer]:
    try:
        for server in servers:
            _wait_until_up(server, timeout=90)
    except BaseException:  # also Ctrl+C or SIGTERM while waiting: never leave Voila behind
        for server in servers:
            server.stop()
        raise
    return servers


def trainer_host_names(host: str) -> tuple[str, ...]:
    """The names the trainer server answers besides localhost: the address it is reached at, the public name.

    On 127.0.0.1 that is nobody else's; bound elsewhere (``--trainer-host``), the address
    printed for it; and the host of ``$PZTRAINING_PUBLIC_URL`` when one is configured.
    """
    names = []
    if host not in LOCAL_HOSTS:
        names += [_display_host(host)] + ([host] if host not in ("0.0.0.0", "::", "") else [])
    public = urlsplit(settings.current().public_url).hostname
    if public:
        names.append(public)
    return tuple(dict.fromkeys(names))


def require_free_ports(ports: list[tuple[str, int, str, str]]) -> None:
    """ServerError (Dutch, naming the port and its option) unless every ``(host, port, server, option)`` is free.

    Checked before anything starts or is printed: a second ``pztraining serve`` would otherwise
    find the first one answering on its ports and report it as its own.
    """
    _check_ports(ports)


def _check_ports(ports: list[tuple[str, int, str, str]]) -> None:
    for host, port, server, option in ports:
        name = t(f"server.name.{server}")
        try:
            found = socket.getaddrinfo(host or None, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)
        except OSError as exc:
            raise ServerError(
                t("server.port_unusable", port=port, host=host, server=name, reason=dutch_reason(exc))
            ) from None
        for family, kind, proto, _canonical, address in found:
            with socket.socket(family, kind, proto) as probe:
                # As tornado binds: a port in TIME_WAIT is free, one that something listens on is not.
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if family == socket.AF_INET6:
                    probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                try:
                    probe.bind(address)
                except OSError as exc:
                    if exc.errno == errno.EADDRINUSE:
                        raise ServerError(t("server.port_taken", port=port, server=name, option=option)) from None
                    if family == socket.AF_INET6 and exc.errno == errno.EADDRNOTAVAIL:
                        continue  # no IPv6 on this computer: tornado skips ::1 too
                    raise ServerError(
                        t("server.port_unusable", port=port, host=host, server=name, reason=dutch_reason(exc))
                    ) from None


def serve_ports(host: str, port: int, participant_port: int, trainer_host: str) -> list[tuple[str, int, str, str]]:
    """What ``serve`` listens on: (host, port, server, the option that changes the port)."""
    return [(trainer_host, port, "trainer", "--port"), (host, participant_port, "room", "--participant-port")]


def trainer_token(host: str, token: str | None) -> str:
    """The access token of the trainer server: none on localhost, else given or generated.

    Off localhost an empty token is refused: anyone on the network could otherwise open
    the trainer and results pages.
    """
    if host in LOCAL_HOSTS:
        return token or ""
    if token is None:
        return secrets.token_urlsafe(12)
    if not token.strip():
        raise ServerError(t("server.token_empty", host=host))
    return token


def start_voila(
    folder: Path,
    db_url: str,
    host: str,
    port: int,
    token: str | None = None,
    log_path: Path | None = None,
    extra_env: dict[str, str] | None = None,
    slides_dir: Path | None = None,
) -> VoilaServer:
    """Start a Voila server for ``folder``; returns once it answers HTTP."""
    token = trainer_token(host, token)
    env = dict(extra_env or {}, **_slides_env(slides_dir))
    command = voila_command(folder, host, port, token, slides_dir, trainer_host_names(host))
    server = _launch(command, db_url, host, port, token, log_path, env)
    return _started([server])[0]


def _wait_until_up(server: VoilaServer, timeout: float) -> None:
    # Up means: *this* process answers. Between the port check and its bind another program (a
    # second `serve` that was still building slides) may take the port; its answers do not count,
    # and this process then stops because its port is taken.
    deadline = time.monotonic() + timeout
    probe = f"{server.base_url}/api/status" + (f"?token={server.token}" if server.token else "")
    port = server.base_url.rsplit(":", 1)[1]
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            hint = t("server.see_log", path=server.log_path) if server.log_path else ""
            raise ServerError(t("server.stopped_at_once", port=port, hint=hint))
        try:
            with urllib.request.urlopen(probe, timeout=2) as answer:
                headers = answer.headers
        except urllib.error.HTTPError as answer:
            headers = answer.headers  # it answers (a 403 or 404 too)
        except OSError:
            time.sleep(0.25)
            continue
        if not server.instance or headers.get(INSTANCE_HEADER) == server.instance:
            return
        time.sleep(0.25)  # someone else's server: wait for ours to answer or to stop
    raise ServerError(t("server.no_answer", seconds=f"{timeout:.0f}", url=server.base_url))


def _slides_env(slides_dir: Path | None) -> dict[str, str]:
    # The trainer kernels look up the deck of the current meeting in this folder.
    return {"PZTRAINING_SLIDES": str(slides_dir)} if slides_dir else {}


def serve(
    db_url: str,
    host: str = "127.0.0.1",
    port: int = 8866,
    participant_port: int = 8867,
    trainer_host: str = "127.0.0.1",
    token: str | None = None,
    log_dir: Path | None = None,
    slides_dir: Path | None = None,
) -> Apps:
    """Start the room server (on ``host``) and the trainer server (on ``trainer_host``)."""
    folder = notebooks_dir()
    log = (lambda name: log_dir / f"voila-{name}.log") if log_dir else (lambda name: None)
    token = trainer_token(trainer_host, token)
    require_free_ports(serve_ports(host, port, participant_port, trainer_host))
    room = _launch(
        room_command(folder / "facilitator.ipynb", host, participant_port),
        db_url,
        host,
        participant_port,
        "",
        log("room"),
        None,
    )
    command = voila_command(folder, trainer_host, port, token, slides_dir, trainer_host_names(trainer_host))
    trainer = _launch(
        command,
        db_url,
        trainer_host,
        port,
        token,
        log("trainer"),
        {"PZTRAINING_PARTICIPANT_URL": room.base_url + "/", **_slides_env(slides_dir)},
    )
    try:
        servers = _started([room, trainer])
    except ServerError:
        # Another program took a port after the check (a second serve still building its
        # slides): name that port, as the check would have.
        _check_ports(serve_ports(host, port, participant_port, trainer_host))
        raise
    return Apps(trainer=trainer, room=room, servers=servers)
