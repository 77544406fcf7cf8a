"""A second `pztraining serve` on busy ports says which port is taken, in Dutch, before printing any address."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pztraining.cli.main import main
from pztraining.serving import server as server_module
from tests.processes import free_port


class _FirstInstance(BaseHTTPRequestHandler):
    """What the first `serve` answers on its ports: anything, with 200."""

    def do_GET(self) -> None:  # http.server API
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        return


@contextmanager
def first_instance(port: int):
    server = ThreadingHTTPServer(("127.0.0.1", port), _FirstInstance)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "busy, option, server", [("port", "--port", "trainerserver"), ("participant", "--participant-port", "zaalserver")]
)
def test_a_second_serve_on_a_busy_port_names_it_in_dutch_and_prints_no_address(capsys, tmp_path, busy, option, server):
    ports = {"port": free_port(), "participant": free_port()}
    with first_instance(ports[busy]):
        status = main(
            [
                "serve",
                "--port",
                str(ports["port"]),
                "--participant-port",
                str(ports["participant"]),
                "--data-dir",
                str(tmp_path),
            ]
        )
    out, err = capsys.readouterr()
    assert status == 1 and out == "", out  # no "Klaar", no address of the first instance
    assert err == (
        f"Fout: Poort {ports[busy]} ({server}) is al in gebruik, misschien door een andere "
        f"'pztraining serve'. Stop die eerst, of kies een andere poort met {option}.\n"
    )


@pytest.mark.subprocess  # the room server really starts; only the trainer port is taken
def test_a_port_taken_between_the_check_and_the_start_is_named_and_no_address_is_printed(capsys, tmp_path, monkeypatch):
    # Two serves started together: both checks find the ports free, then the other one binds
    # the trainer port first. Its answers must not be taken for ours ("Klaar" with its address).
    ports = {"port": free_port(), "participant": free_port()}
    monkeypatch.setattr(server_module, "require_free_ports", lambda ports: None)
    with first_instance(ports["port"]):
        status = main(
            [
                "serve",
                "--port",
                str(ports["port"]),
                "--participant-port",
                str(ports["participant"]),
                "--data-dir",
                str(tmp_path),
            ]
        )
    out, err = capsys.readouterr()
    assert status == 1 and "Klaar" not in out and "http://" not in out, out
    assert err == (
        f"Fout: Poort {ports['port']} (trainerserver) is al in gebruik, misschien door een andere "
        "'pztraining serve'. Stop die eerst, of kies een andere poort met --port.\n"
    )
