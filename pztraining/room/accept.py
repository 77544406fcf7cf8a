"""Accepting connections when the process runs out of file descriptors, without spinning.

Tornado's ``add_accept_handler`` lets an ``accept()`` error other than "nothing waiting"
escape. Out of descriptors (EMFILE, or ENFILE for the whole system) the connection stays in
the listen queue, the socket stays readable, and the event loop calls the handler again at
once: one core at 100 % and a traceback per turn in the log (415 MB in 76 s), while every
other phone waited. Here, instead:

* connections are not accepted beyond :func:`max_connections` (like nginx's
  ``worker_connections``): the descriptors above it stay free for the database, the
  facilitators' kernels and files, which a burst of connections must never starve (the
  store could not even open the database, and phones got errors for a store that was fine);
* at that cap, or when ``accept()`` fails anyway, accepting pauses for
  :data:`PAUSE_SECONDS` (the socket leaves the event loop, so nothing spins): a burst of
  connections that are being answered frees descriptors within milliseconds, and the
  waiting phones are then served normally;
* when it is still full right after a pause, the shortage lasts, and waiting phones would
  only time out: each waiting connection is accepted and answered ``503`` with a Dutch
  message and ``Retry-After`` at once (out of descriptors, through one kept in reserve: the
  "idle descriptor" trick of libev and libuv), then accepting pauses again.

The room server also raises its own limit of open files to the hard limit at start
(:func:`raise_descriptor_limit`).
"""

from __future__ import annotations

import errno
import json
import logging
import os
import resource
import socket
from typing import Any, Callable, Iterable

from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import _DEFAULT_BACKLOG

from ..texts import t

log = logging.getLogger(__name__)

#: How long accepting pauses when the process is out of descriptors (seconds): long enough
#: that a flood costs no CPU, short enough that a phone hardly notices the wait.
PAUSE_SECONDS = 0.25
#: Connections the kernel keeps waiting for ``accept()``; tornado's default (128) drops the
#: connections of a full room arriving in the same instant (their phones retry after 1 s).
LISTEN_BACKLOG = 1024
#: What a connection answered 503 before its request is read is told to wait (seconds).
RETRY_AFTER_SECONDS = 2
#: Descriptors never used for connections: the database (SQLite: a few per store thread;
#: PostgreSQL: the pool), the facilitators' kernels (~30 each for ZeroMQ sockets and pipes,
#: a few tablets), the static files being read, and Python's own files.
FD_KEEP = 256
#: accept() errors that mean "no descriptor or memory now", not "this connection failed".
_OUT_OF_DESCRIPTORS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}


def raise_descriptor_limit() -> tuple[int, int]:
    """Raise this process's soft limit of open files to its hard limit: (before, now)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft == hard:
        return soft, soft
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ValueError, OSError):  # an infinite hard limit above the kernel's nr_open
        return soft, soft
    return soft, resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def max_connections(descriptors: int) -> int:
    """The connections the server holds at most with a limit of ``descriptors`` open files."""
    return max(descriptors // 2, descriptors - FD_KEEP)


def busy_answer() -> bytes:
    """A whole HTTP 503 with the Dutch "busy" message, sent before the request is read."""
    body = json.dumps({"error": t("room.error.no_descriptors")}, ensure_ascii=False).encode()
    head = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
            f"Cache-Control: no-store\r\nRetry-After: {RETRY_AFTER_SECONDS}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
    return head.encode() + body


def _reserve() -> int | None:
    try:
        return os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None


def _answer_busy(connection: socket.socket, answer: bytes) -> None:
    with connection:
        try:
            connection.setblocking(False)
            try:
                connection.recv(65536)  # a request already read is not answered by a reset
            except BlockingIOError:
                pass
            connection.send(answer)
            connection.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def add_guarded_accept_handler(sock: socket.socket, callback: Callable[[socket.socket, Any], None],
                               full: Callable[[], bool] = lambda: False,
                               pause: float = PAUSE_SECONDS) -> Callable[[], None]:
    """Like ``tornado.netutil.add_accept_handler``, but never beyond ``full()`` or out of descriptors:
    then it pauses, and answers the waiting connections 503 when that lasts.

    Returns the function that stops accepting, as tornado's does.
    """
    io_loop = IOLoop.current()
    state = {"removed": False, "paused": False, "short": False}
    reserve = [_reserve()]
    answer = busy_answer()

    def resume() -> None:
        state["paused"] = False
        if not state["removed"]:
            io_loop.add_handler(sock, accept_handler, IOLoop.READ)

    def shed() -> int:
        """Answer the waiting connections 503 through the reserve descriptor."""
        if reserve[0] is None:
            return 0
        os.close(reserve[0])
        answered = 0
        try:
            for _ in range(_DEFAULT_BACKLOG):
                try:
                    connection, _address = sock.accept()
                except ConnectionAbortedError:
                    continue
                except OSError:  # none waiting, or the freed descriptor was taken meanwhile
                    break
                _answer_busy(connection, answer)
                answered += 1
        finally:
            reserve[0] = _reserve()
        return answered

    def short(reason: str) -> None:
        answered = shed() if state["short"] else 0
        # The repeat limit on this logger keeps a lasting shortage to a few lines a minute.
        log.warning("not accepting (%s): pausing %.2f s, %d waiting connections answered 503",
                    reason, pause, answered)
        state["short"] = state["paused"] = True
        io_loop.remove_handler(sock)
        io_loop.call_later(pause, resume)

    def accept_handler(fd: Any, events: int) -> None:
        for _ in range(_DEFAULT_BACKLOG):  # as tornado: never starve the other callbacks
            if state["removed"] or state["paused"]:
                return
            if full():
                short("connection cap")
                return
            try:
                connection, address = sock.accept()
            except BlockingIOError:
                return
            except ConnectionAbortedError:
                continue
            except OSError as error:
                if error.errno not in _OUT_OF_DESCRIPTORS:
                    raise
                short(errno.errorcode.get(error.errno, str(error.errno)))
                return
            state["short"] = False
            callback(connection, address)

    def remove_handler() -> None:
        io_loop.remove_handler(sock)
        state["removed"] = True
        if reserve[0] is not None:
            os.close(reserve[0])
            reserve[0] = None

    io_loop.add_handler(sock, accept_handler, IOLoop.READ)
    return remove_handler


class GuardedHTTPServer(HTTPServer):
    """Tornado's HTTP server, accepting through :func:`add_guarded_accept_handler`, holding at
    most ``max_connections`` connections."""

    def initialize(self, *args, max_connections: int = 1_000_000, **kwargs) -> None:
        super().initialize(*args, **kwargs)
        self.max_connections = max_connections

    def _full(self) -> bool:
        return len(self._connections) >= self.max_connections

    def add_sockets(self, sockets: Iterable[socket.socket]) -> None:
        for sock in sockets:
            self._sockets[sock.fileno()] = sock
            self._handlers[sock.fileno()] = add_guarded_accept_handler(sock, self._handle_connection, self._full)
