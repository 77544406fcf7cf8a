"""Several room server processes on one port: every core serves phones.

One Python process uses one core: 200 phones opening the page at once waited for it. With
``--workers N`` the room server forks N worker processes after its imports (they share the
loaded code) and each listens on the same port with ``SO_REUSEPORT``; the kernel spreads the
connections. A small parent process only forwards a stop to the workers and starts a worker
again when one dies.

**Which worker a connection reaches is chosen by the client's address**, not at random (a
classic BPF program on the port: source address modulo N). So one phone, tablet or client
always talks to the same worker, which keeps three things true that a random spread breaks:
a facilitator's Rollenspel kernel lives in one worker and its tablet's websocket must reach
it; the wrong-code limiter and the stream caps per address count a client in one place (a
guesser cannot get N times the attempts); and a phone's few seconds of cached look-ups stay
its own. Everything else is shared through the store: each worker's watcher reads the
version counters, so a form the trainer opens reaches the phones of every worker (SQLite in
WAL mode and PostgreSQL alike). Where the steering program cannot be attached (not Linux),
the kernel's own spread is used and the log says so.

Behind a proxy every connection comes from the proxy's address, so one worker would get them
all: a hub service runs one worker by default (``--room-copies`` spreads those).
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Sequence

log = logging.getLogger(__name__)

#: More would only cost memory (~100 MB each) on the machines this runs on.
MAX_WORKERS = 64
#: setsockopt option of Linux: a classic BPF program choosing the socket of a SO_REUSEPORT group.
SO_ATTACH_REUSEPORT_CBPF = 51
#: Classic BPF: offsets from this reach into the network (IP) header, whatever the socket reads.
SKF_NET_OFF = -0x100000
#: A worker that dies within this many seconds of its start is not started again at once.
RESTART_PAUSE_SECONDS = 1.0


def cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def worker_count(
    argv: Sequence[str], setting: int = 0, behind_proxy: bool = False, one_writer: bool = False
) -> tuple[int, list[str]]:
    """The number of workers asked for and ``argv`` without ``--workers``.

    ``--workers N`` (or ``--workers=N``), else the setting ``room_workers``
    (``$PZTRAINING_ROOM_WORKERS``) when not 0, else one per core; behind a proxy (a hub service)
    one, as every connection comes from one address there; on a database with one writer at a
    time (SQLite, ``one_writer``) one as well: measured, two workers there made a write's p95 ten
    times slower (benchmarks/results-scale.txt), as they take turns at the write lock in growing
    sleeps. Not a number, or below 1: 1.
    """
    wanted: str | None = None
    rest: list[str] = []
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--workers" and args:
            wanted = args.pop(0)
        elif arg.startswith("--workers="):
            wanted = arg.partition("=")[2]
        else:
            rest.append(arg)
    if wanted is None:
        wanted = str(setting or (1 if behind_proxy or one_writer else cores()))
    try:
        count = int(wanted)
    except ValueError:
        count = 1
    return min(MAX_WORKERS, max(1, count)), rest


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(_SockFilter))]


def steering_program(family: int, workers: int) -> list[tuple[int, int, int, int]]:
    """The classic BPF program: the last 32 bits of the client's address, modulo ``workers``."""
    source = 12 if family == socket.AF_INET else 8 + 12  # IPv4 source; the last word of IPv6's
    load_word = 0x20  # BPF_LD | BPF_W | BPF_ABS
    modulo = 0x94  # BPF_ALU | BPF_MOD | BPF_K
    return_a = 0x16  # BPF_RET | BPF_A
    return [(load_word, 0, 0, (SKF_NET_OFF + source) & 0xFFFFFFFF), (modulo, 0, 0, workers), (return_a, 0, 0, 0)]


def steer_by_address(sock: socket.socket, workers: int) -> bool:
    """Send each client address to the same worker of ``sock``'s group; False where impossible."""
    program = steering_program(sock.family, workers)
    filters = (_SockFilter * len(program))(*(_SockFilter(*line) for line in program))
    fprog = _SockFprog(len(program), ctypes.cast(filters, ctypes.POINTER(_SockFilter)))
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, bytes(fprog))  # the kernel copies it
    except OSError as exc:
        log.warning("room workers: connections are spread by the kernel, not by client address (%s)", exc)
        return False
    return True


def fork_workers(count: int) -> int:
    """Fork ``count`` workers; returns the worker's number (0 … count-1) in each worker.

    The parent never returns: it forwards SIGTERM and SIGINT to the workers as a clean stop,
    starts a worker again that died on its own, and exits when all have stopped (with the
    first non-zero exit status of a worker, if any).
    """
    children: dict[int, tuple[int, float]] = {}  # pid → (worker number, started)
    stopping = [False]

    def start(number: int) -> int | None:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            return number
        children[pid] = (number, time.monotonic())
        return None

    for number in range(count):
        if start(number) is not None:
            return number

    def stop(_signum, _frame) -> None:
        stopping[0] = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)  # also for Ctrl+C: a clean stop stores waiting answers
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    status = 0
    while children:
        try:
            pid, wait_status = os.wait()
        except ChildProcessError:
            break
        if pid not in children:
            continue
        number, started = children.pop(pid)
        code = os.waitstatus_to_exitcode(wait_status)
        if stopping[0]:
            status = status or (code if code > 0 else 0)
            continue
        log.warning("room worker %d stopped (%d); starting it again", number, code)
        time.sleep(max(0.0, started + RESTART_PAUSE_SECONDS - time.monotonic()))
        if start(number) is not None:
            return number
    sys.exit(status)
