"""How many room server workers: the option, the setting, the cores; one behind a proxy."""

from __future__ import annotations

import socket

from pztraining.core import settings
from pztraining.serving.room.workers import cores, steering_program, worker_count


def test_workers_come_from_the_option_the_setting_or_the_cores():
    assert worker_count(["x.ipynb", "--workers", "3", "--port=1"]) == (3, ["x.ipynb", "--port=1"])
    assert worker_count(["--workers=2"], setting=5) == (2, [])
    assert worker_count([], setting=5) == (5, [])
    assert worker_count([], settings.read({"PZTRAINING_ROOM_WORKERS": "5"}).room_workers) == (5, [])
    assert worker_count([], behind_proxy=True) == (1, [])  # every phone comes from the proxy's address
    assert worker_count(["--workers=2"], behind_proxy=True) == (2, [])
    assert worker_count(["--workers=nul"]) == (1, [])
    assert worker_count([]) == (cores(), [])
    # SQLite has one writer at a time: one worker unless asked (two made writes ten times slower).
    assert worker_count([], one_writer=True) == (1, [])
    assert worker_count(["--workers=2"], one_writer=True) == (2, [])


def test_the_port_sends_a_client_by_its_address_modulo_the_workers():
    ipv4 = steering_program(socket.AF_INET, 3)
    assert ipv4[0][3] == 0xFFF0000C  # the network header's source address (offset 12)
    assert ipv4[1][3] == 3
    assert steering_program(socket.AF_INET6, 2)[0][3] == 0xFFF00014  # the last word of the IPv6 source
