"""Accepting connections when the process runs out of file descriptors, without spinning.

Tornado's ``add_accept_handler`` lets an ``accept()`` error other than "nothing waiting"
escape. Out of descriptors (EMFILE, or ENFILE for the whole system) the connection stays in
the listen queue, the socket stays readable, and the event loop calls the handler again at
once: one core at 100 % and a traceback per turn in the log (415 MB in 76 s), while every
other phone waited. Here, instead:

* one client address holds at most :func:`connections_per_address` connections; the next
  is answered ``429`` and closed (one client cannot take the connections of the room by
  opening idle ones, which no cap on streams sees);
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
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from tornado import gen
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.iostream import IOStream, StreamClosedError, UnsatisfiableReadError
from tornado.netutil import _DEFAULT_BACKLOG

from pztraining.core.texts import t

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
#: Connections one client address may hold: a room of 150 phones behind one NAT address,
#: each with its stream and a keep-alive connection or two for its requests (3 × 150), and
#: a third more; never more than half of all connections (:func:`connections_per_address`).
CONNECTIONS_PER_ADDRESS = 600
#: What a client over its share of connections is told to wait (seconds).
RETRY_AFTER_ADDRESS = 30
#: Connections answered 503 at once beyond the connection cap (each holds its descriptor
#: until its request is read, a moment; taken from the descriptors kept free).
REFUSING_MAX = 64
#: How long a refused connection's request is waited for before it is answered (seconds).
REFUSAL_READ_SECONDS = 0.5
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


def connections_per_address(connections: int) -> int:
    """The connections one address may hold when the server holds at most ``connections``."""
    return min(CONNECTIONS_PER_ADDRESS, connections // 2)


def refusal(status: int = 503, key: str = "room.error.no_descriptors", retry_after: int = RETRY_AFTER_SECONDS) -> bytes:
    """A whole HTTP answer with a Dutch message (``key``), sent before the request is read."""
    body = json.dumps({"error": t(key)}, ensure_ascii=False).encode()
    reason = {429: "Too Many Requests", 503: "Service Unavailable"}[status]
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=utf-8\r\n"
        f"Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nRetry-After: {retry_after}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
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


def add_guarded_accept_handler(
    sock: socket.socket,
    callback: Callable[[socket.socket, Any], None],
    full: Callable[[], bool] = lambda: False,
    refuse: Callable[[socket.socket, Any], None] | None = None,
    can_refuse: Callable[[], bool] = lambda: False,
    pause: float = PAUSE_SECONDS,
) -> Callable[[], None]:
    """Like ``tornado.netutil.add_accept_handler``, but never beyond ``full()`` or out of descriptors:
    then it pauses, and answers the waiting connections 503 when that lasts.

    At the cap (descriptors left) the waiting connections go to ``refuse`` while
    ``can_refuse()``, which answers them after reading their request; out of descriptors each
    is answered at once through the reserve descriptor (a request that arrives after that
    close may reset the connection before the answer is read: nothing better is possible then).
    Returns the function that stops accepting, as tornado's does.
    """
    io_loop = IOLoop.current()
    state = {"removed": False, "paused": False, "short": False}
    reserve = [_reserve()]
    answer = refusal()

    def resume() -> None:
        state["paused"] = False
        if not state["removed"]:
            io_loop.add_handler(sock, accept_handler, IOLoop.READ)

    def shed_politely() -> int:
        assert refuse is not None  # only called with one
        answered = 0
        while answered < _DEFAULT_BACKLOG and can_refuse():
            try:
                connection, address = sock.accept()
            except ConnectionAbortedError:
                continue
            except OSError:  # none waiting, or out of descriptors after all
                break
            refuse(connection, address)
            answered += 1
        return answered

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
        answered = 0
        if state["short"]:
            answered = shed_politely() if refuse is not None and reason == "connection cap" else shed()
        # The repeat limit on this logger keeps a lasting shortage to a few lines a minute.
        log.warning("not accepting (%s): pausing %.2f s, %d waiting connections answered 503", reason, pause, answered)
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
    most ``max_connections`` connections and ``per_address`` of one client address (not
    counted behind a proxy, where every connection comes from the proxy)."""

    def initialize(self, *args, max_connections: int = 1_000_000, per_address: int = 1_000_000, **kwargs) -> None:
        super().initialize(*args, **kwargs)
        self.max_connections, self.per_address = max_connections, per_address
        self._addresses: dict[Any, str] = {}  # stream → client address
        self._by_address: dict[str, int] = {}
        self._over_share = refusal(429, "room.error.streams_address", RETRY_AFTER_ADDRESS)
        self._busy = refusal()
        self._refusing = 0  # connections being answered 429/503: they hold descriptors too

    def _full(self) -> bool:
        return len(self._connections) + self._refusing >= self.max_connections

    def add_sockets(self, sockets: Iterable[socket.socket]) -> None:
        for sock in sockets:
            self._sockets[sock.fileno()] = sock
            self._handlers[sock.fileno()] = add_guarded_accept_handler(
                sock, self._handle_connection, self._full, self._refuse_connection, self._can_refuse
            )

    def _can_refuse(self) -> bool:
        return self._refusing < REFUSING_MAX

    def _refuse_connection(self, connection: socket.socket, address: Any) -> None:
        self._refusing += 1
        stream = IOStream(connection, max_buffer_size=self.max_buffer_size, read_chunk_size=self.read_chunk_size)
        IOLoop.current().add_callback(self._refuse, stream, self._busy)

    def handle_stream(self, stream: IOStream, address: Any) -> None:
        host = address[0] if isinstance(address, tuple) and not self.xheaders else None
        if host is not None:
            if self._by_address.get(host, 0) >= self.per_address:
                log.warning("%s holds %d connections: refused with 429", host, self.per_address)
                self._refusing += 1  # within the cap: _full() counts these too
                IOLoop.current().add_callback(self._refuse, stream, self._over_share)
                return
            self._by_address[host] = self._by_address.get(host, 0) + 1
            self._addresses[stream] = host
        super().handle_stream(stream, address)

    async def _refuse(self, stream: IOStream, answer: bytes) -> None:
        """Answer ``answer`` and close. The request is read first (a connection closed with a
        request unread is reset, and the client may lose the answer), but only briefly: a
        client that sends nothing gets the answer all the same."""
        try:
            try:
                await gen.with_timeout(
                    timedelta(seconds=REFUSAL_READ_SECONDS),
                    stream.read_until(b"\r\n\r\n", max_bytes=65536),
                    quiet_exceptions=(StreamClosedError, UnsatisfiableReadError),
                )
            except (gen.TimeoutError, UnsatisfiableReadError):
                pass
            await stream.write(answer)
        except StreamClosedError:
            pass
        finally:
            stream.close()
            self._refusing -= 1

    def on_close(self, server_conn: Any) -> None:
        host = self._addresses.pop(server_conn.stream, None)
        if host is not None:
            left = self._by_address[host] - 1
            if left:
                self._by_address[host] = left
            else:
                del self._by_address[host]
        super().on_close(server_conn)
