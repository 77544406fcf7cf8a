"""The mixing pool: anonymous answers are stored in batches, never one by one as they arrive.

A phone's anonymous answer is held in memory (never on disk) until at least ``batch_size``
answers of that form wait, then all of them are written in one transaction in a random order
(:meth:`pztraining.store.Store.store_anonymous_batch`). So the moment an anonymous answer
reaches the database says nothing about which phone sent it: the database, its write-ahead
log and PostgreSQL's transaction ids all place it in a batch of at least ``batch_size``. Fewer
wait only when the form closes (then they are stored once no answer came in for
``quiet_seconds``) and when the server stops cleanly. A server that is killed loses the pool;
the phones keep every answer until they hear it is stored, and send it again.

No clock here: ``now`` (monotonic seconds) is passed in.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pztraining.store import Store, StoreError

log = logging.getLogger(__name__)

#: Answers of one form that wait before they are stored together (the k of k-anonymity).
DEFAULT_BATCH_SIZE = 5
#: After a form closed: how long no answer may have come in before the rest is stored (s).
QUIET_SECONDS = 5.0

Form = tuple[int, int, str]  # (training id, meeting, form id)


@dataclass
class _Waiting:
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # respondent key → values
    newest: float = 0.0  # when the last one came in (monotonic seconds)


class Mixer:
    """Holds anonymous answers per form and stores them in batches (thread-safe)."""

    def __init__(self, store: Store, batch_size: int = DEFAULT_BATCH_SIZE, quiet_seconds: float = QUIET_SECONDS):
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.store = store
        self.batch_size = batch_size
        self.quiet_seconds = quiet_seconds
        self._lock = threading.Lock()
        self._waiting: dict[Form, _Waiting] = {}

    def add(self, form: Form, key: str, values: dict[str, Any], is_open: bool, now: float) -> bool:
        """Hold one answer (a newer one of the same key replaces it); True when it is stored now.

        An open form with ``batch_size`` answers waiting is stored at once, this one included.
        A database that is busy leaves the batch waiting (False); it is tried again later.
        """
        with self._lock:
            waiting = self._waiting.setdefault(form, _Waiting())
            if waiting.answers.get(key) != values:  # a phone resending what waits is no news:
                waiting.newest = now  # it must not hold a closed form's rest back for ever
            waiting.answers[key] = values
            full = is_open and len(waiting.answers) >= self.batch_size
        return full and key in self.flush(form)

    def waiting(self, form: Form, key: str) -> dict[str, Any] | None:
        """The values held for this key, or None."""
        with self._lock:
            found = self._waiting.get(form)
            return found.answers.get(key) if found else None

    def count(self) -> int:
        """How many answers wait, in all forms."""
        with self._lock:
            return sum(len(w.answers) for w in self._waiting.values())

    def flush(self, form: Form) -> set[str]:
        """Store every answer waiting for ``form`` as one batch; the keys stored.

        When the database refuses, the answers wait again (a newer answer of the same key,
        come in meanwhile, wins) and nothing is reported stored.
        """
        with self._lock:
            waiting = self._waiting.pop(form, None)
        if waiting is None or not waiting.answers:
            return set()
        try:
            stored: set[str] = self.store.store_anonymous_batch(*form, waiting.answers)
            return stored
        except StoreError as exc:
            log.warning("anonymous answers not stored yet (%d waiting): %s", len(waiting.answers), exc)
            with self._lock:
                again = self._waiting.setdefault(form, _Waiting())
                for key, values in waiting.answers.items():
                    again.answers.setdefault(key, values)
                again.newest = max(again.newest, waiting.newest)
            return set()

    def tick(self, is_open: Callable[[Form], bool], now: float) -> None:
        """Store what is due: full batches, and the rest of a closed form once quiet.

        ``is_open(form)`` reads whether the form still takes answers (False also when it is gone).
        """
        with self._lock:
            forms = [(form, len(w.answers), w.newest) for form, w in self._waiting.items()]
        for form, count, newest in forms:
            try:
                open_now = is_open(form)
            except StoreError:
                continue  # the database is away for now: ask again at the next tick
            if (open_now and count >= self.batch_size) or (not open_now and now - newest >= self.quiet_seconds):
                self.flush(form)

    def flush_all(self) -> None:
        """Store everything waiting, whatever the batch sizes (a clean stop of the server)."""
        with self._lock:
            forms = list(self._waiting)
        for form in forms:
            self.flush(form)
