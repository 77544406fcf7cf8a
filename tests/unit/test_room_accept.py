"""The room server's accept loop out of file descriptors: it pauses instead of spinning, and a
shortage that lasts is answered 503 instead of leaving phones waiting."""

from __future__ import annotations

import asyncio
import errno
import json
import socket

from pztraining.core.texts import t
from pztraining.serving.room.accept import add_guarded_accept_handler
from tests.loops import run_async


class Starved(socket.socket):
    """A listening socket whose next ``failures`` accepts fail as a process out of descriptors does."""

    failures = 0
    calls = 0

    def accept(self):
        self.calls += 1
        if self.failures:
            self.failures -= 1
            raise OSError(errno.EMFILE, "Too many open files")
        return super().accept()


def listening(failures: int) -> Starved:
    sock = Starved(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    sock.failures = failures
    return sock


def test_out_of_descriptors_the_accept_loop_pauses_instead_of_spinning_and_then_serves():
    async def scenario():
        sock = listening(failures=1)
        served = []
        stop = add_guarded_accept_handler(sock, lambda conn, address: (served.append(address), conn.close()), pause=0.3)
        try:
            _reader, writer = await asyncio.open_connection(*sock.getsockname())
            await asyncio.sleep(0.15)  # within the pause: tornado's loop would have called accept() thousands of times
            calls_in_pause = sock.calls
            await asyncio.sleep(0.4)
            writer.close()
            return calls_in_pause, len(served)
        finally:
            stop()
            sock.close()

    calls_in_pause, served = run_async(scenario())
    assert calls_in_pause == 1
    assert served == 1  # the waiting phone is served once descriptors are free again


def test_a_shortage_that_lasts_answers_the_waiting_connections_503_in_dutch():
    async def scenario():
        sock = listening(failures=2)  # still out of descriptors right after the pause
        stop = add_guarded_accept_handler(sock, lambda conn, address: conn.close(), pause=0.1)
        try:
            reader, writer = await asyncio.open_connection(*sock.getsockname())
            writer.write(b"GET /pz/api/events?code=X HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = await asyncio.wait_for(reader.read(), 5)
            writer.close()
            return answer
        finally:
            stop()
            sock.close()

    head, body = run_async(scenario()).split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 503 ") and b"\r\nRetry-After: 2\r\n" in head
    assert json.loads(body) == {"error": t("room.error.no_descriptors")}
