"""Running a coroutine from a test, whatever owns the test thread's event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def run_async(coroutine: Coroutine[Any, Any, Any], timeout: float = 60) -> Any:
    """``asyncio.run(coroutine)`` in a thread of its own: once the browser tests ran, Playwright's
    sync API owns the main thread's loop and ``asyncio.run`` there would refuse."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=timeout)
