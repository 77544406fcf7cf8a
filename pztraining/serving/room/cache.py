"""Lookups every phone request repeats and that rarely change, kept for a few seconds.

Each draft a phone sends used to look up its training by code and its participant by
device again: half of the database work of a write. Both change seldom (a code never, a
name only through this server), so the room server keeps them briefly (a participant for
a write, which needs only its id, longer: WRITER_SECONDS). Pure: time is passed in
(seconds, monotonic).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

#: How long a looked-up training or participant is used without asking the store again.
KEEP_SECONDS = 10.0
#: How long a participant looked up is used for a write, which needs only its id: an id never
#: changes and a participant is never removed on its own (only with the whole training, whose
#: code then stops working within KEEP_SECONDS). A phone writes every few seconds: asking the
#: store again after 10 s was a third of the store work of its writes.
WRITER_SECONDS = 15 * 60.0


@dataclass
class Recent:
    """Values by key, each used for ``seconds`` after it was put; at most ``size`` of them."""

    seconds: float = KEEP_SECONDS
    size: int = 10_000
    _entries: dict[Hashable, tuple[float, Any]] = field(default_factory=dict)

    def get(self, key: Hashable, now: float, seconds: float | None = None) -> Any | None:
        """The value put for ``key`` less than ``seconds`` (default: the cache's own) before
        ``now``, else None."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        age = now - entry[0]
        if age >= self.seconds:
            del self._entries[key]
            return None
        return entry[1] if seconds is None or age < seconds else None

    def put(self, key: Hashable, value: Any, now: float) -> None:
        """Keep ``value`` for ``key`` from ``now`` on (the oldest entry goes when full)."""
        self._entries.pop(key, None)
        if len(self._entries) >= self.size:
            self._entries.pop(next(iter(self._entries)))
        self._entries[key] = (now, value)
