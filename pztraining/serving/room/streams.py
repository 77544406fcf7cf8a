"""How many push streams (server-sent events) the room server holds, per device, per address, in all.

Every stream holds a file descriptor for as long as the phone listens. Without caps one
client opening a thousand streams used up all of them and the room went dark for everyone.
Pure bookkeeping: the handler asks before it streams and says when a stream ends; time is
passed in (seconds, monotonic) and only orders a device's streams.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

#: Streams one device may hold (a device is its browser's ``_xsrf`` cookie, which the page's
#: EventSource sends by itself). A phone needs one; a reload whose old connection has not
#: died yet (a phone that switched Wi-Fi leaves it half open for minutes) or a second tab
#: needs another. One more closes that device's *oldest* stream instead of refusing the new
#: one: the newest is the page the participant is looking at, so a reloading phone is never
#: locked out, and a device can never hold more than this.
STREAMS_PER_DEVICE = 4
#: Streams one client address may hold: a room of 150 phones behind one NAT address (a care
#: home's Wi-Fi, or a hub proxy's X-Real-IP) each with a stale stream or a second tab, so
#: 2 × 150. One client cannot take more than this, however many devices it pretends to be.
STREAMS_PER_ADDRESS = 300
#: File descriptors kept free for everything that is not a stream: the page loads and the
#: JSON POSTs of a full room over keep-alive connections (~2 per phone × 150), the database
#: (SQLite: a few per store thread; PostgreSQL: the pool's connections), the Voila kernels of
#: the facilitators' tablets (~30 each for ZeroMQ sockets and pipes, a few tablets), and
#: Python's own files.
FD_RESERVE = 512
#: Never more streams than this, however high the descriptor limit: each costs memory and a
#: message to send on every change (1,000 phones were measured at 141 MB for the server).
STREAMS_MAX = 10_000
#: Seconds a refused client is asked to wait (Retry-After): an address over its cap is a
#: flood or a very full room (its phones retry with their own backoff); a full server frees
#: streams as phones leave.
RETRY_AFTER_ADDRESS = 30
RETRY_AFTER_FULL = 10


def total_streams(descriptors: int) -> int:
    """The streams the server holds at most with a limit of ``descriptors`` open files."""
    return max(1, min(STREAMS_MAX, max(descriptors // 4, descriptors - FD_RESERVE)))


@dataclass(frozen=True)
class Admission:
    """The answer to one new stream: ``refused`` is "" (admitted), "address" or "total";
    ``evicted`` are the streams (of the same device) to close now to make room."""

    refused: str = ""
    evicted: tuple[Any, ...] = ()  # the keys the caller registered its streams under


@dataclass
class _Stream:
    address: str
    device: str | None
    opened: float


@dataclass
class StreamCaps:
    """The open streams, counted per device, per address and in all."""

    per_device: int = STREAMS_PER_DEVICE
    per_address: int = STREAMS_PER_ADDRESS
    total: int = STREAMS_MAX
    _streams: dict[Hashable, _Stream] = field(default_factory=dict)
    _by_address: dict[str, int] = field(default_factory=dict)
    _by_device: dict[str, dict[Hashable, float]] = field(default_factory=dict)

    @property
    def open_streams(self) -> int:
        """How many streams are open now."""
        return len(self._streams)

    def at(self, address: str) -> int:
        """How many streams ``address`` holds now."""
        return self._by_address.get(address, 0)

    def open(self, stream: Hashable, address: str, device: str | None, now: float) -> Admission:
        """Admit ``stream`` of ``address`` (and ``device``, None when unknown) at ``now`` (seconds).

        Refusal by address comes before refusal by total, so a flooding client is told it is
        the one over its share. A device at its cap makes room by giving up its oldest streams.
        """
        mine = self._by_device.get(device, {}) if device is not None else {}
        excess = len(mine) - self.per_device + 1
        evicted = tuple(sorted(mine, key=mine.__getitem__)[:excess]) if excess > 0 else ()
        from_here = sum(1 for old in evicted if self._streams[old].address == address)
        if self.at(address) - from_here >= self.per_address:
            return Admission(refused="address")
        if len(self._streams) - len(evicted) >= self.total:
            return Admission(refused="total")
        for old in evicted:
            self.close(old)
        self._streams[stream] = _Stream(address, device, now)
        self._by_address[address] = self.at(address) + 1
        if device is not None:
            self._by_device.setdefault(device, {})[stream] = now
        return Admission(evicted=evicted)

    def close(self, stream: Hashable) -> None:
        """Forget ``stream`` (it ended, or was evicted); unknown streams are ignored."""
        found = self._streams.pop(stream, None)
        if found is None:
            return
        left = self._by_address[found.address] - 1
        if left:
            self._by_address[found.address] = left
        else:
            del self._by_address[found.address]
        if found.device is not None:
            mine = self._by_device[found.device]
            del mine[stream]
            if not mine:
                del self._by_device[found.device]
