"""How many wrong join codes one client may try: a sliding window. Pure: time is passed in."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

#: Wrong codes allowed per client in one window; a class of 20 mistyping all at once is
#: still far below it (each phone has its own address), guessing 31^6 codes is not.
MAX_WRONG_CODES = 20
WINDOW_SECONDS = 60.0


@dataclass
class AttemptLimiter:
    """Counts failed attempts per client over the last ``window`` seconds."""

    limit: int = MAX_WRONG_CODES
    window: float = WINDOW_SECONDS
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def _recent(self, client: str, now: float) -> deque[float]:
        failures = self._failures.get(client)
        if failures is None:
            return deque()
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            del self._failures[client]
        return failures

    def blocked(self, client: str, now: float) -> float:
        """Seconds ``client`` must wait before trying again (0: may try now). ``now`` in seconds."""
        failures = self._recent(client, now)
        if len(failures) < self.limit:
            return 0.0
        return max(0.0, failures[-self.limit] + self.window - now)

    def failed(self, client: str, now: float) -> None:
        """Record one wrong attempt of ``client`` at ``now`` (seconds)."""
        self._recent(client, now)
        self._failures.setdefault(client, deque()).append(now)
        if len(self._failures) > 10_000:  # never grow without bound under a scan
            self._failures.pop(next(iter(self._failures)))
