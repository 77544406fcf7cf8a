"""Read the URL of the request a preheated Voila kernel is serving.

Voila starts participant kernels before anyone asks (preheating) and tells a kernel about
the request over a websocket once a phone opens the page. ``voila.utils.wait_for_request``
does this, but importing it loads Voila's whole server package into every participant
kernel (about 33 MB and 3 s each). This is the same protocol, for voila 0.5, without that.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading


def _query_url() -> str:
    protocol = os.getenv("VOILA_WS_PROTOCOL", "ws")
    ip = os.getenv("VOILA_APP_IP", "127.0.0.1")
    port = os.getenv("VOILA_APP_PORT", "8866")
    base = os.getenv("VOILA_WS_BASE_URL", os.getenv("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{ip}:{port}{base}voila/query/{os.getenv('VOILA_KERNEL_ID')}"


async def _receive(url: str) -> str | None:
    import websockets

    try:
        async with websockets.connect(url, open_timeout=5) as socket:
            return await socket.recv()
    except (OSError, TimeoutError, asyncio.TimeoutError, websockets.WebSocketException):
        return None


def wait_for_request() -> None:
    """Block until Voila hands this preheated kernel a request; put its info in ``os.environ``.

    Without preheating (``VOILA_PREHEAT`` unset or "False") the request info is already
    in the environment and this returns at once.
    """
    if os.getenv("VOILA_PREHEAT", "False") == "False":
        return
    info: list[str | None] = [None]

    def run() -> None:  # its own loop: the kernel's loop is busy running this cell
        info[0] = asyncio.new_event_loop().run_until_complete(_receive(_query_url()))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if info[0]:
        os.environ.update({key: str(value) for key, value in json.loads(info[0]).items()})
