"""A server's log stays readable and small when the same line repeats thousands of times.

Under a flood (one client opening a thousand streams, a process out of file descriptors)
the same warning came thousands of times a second: the room server's log grew by 415 MB in
76 seconds. :class:`RepeatLimit` lets at most ``limit`` records of one kind through per
window and then says once how many it held back. A kind is the logger, the level and the
message *template* (``"%d %s %.2fms"``, not the formatted line), so lines that differ only
in their arguments count as one. Pure: the time is the record's own ``created``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from pztraining.core.texts import t

#: Records of one kind let through per window, and the window in seconds.
REPEATS_PER_WINDOW = 10
WINDOW_SECONDS = 60.0
#: Kinds remembered at once (the oldest window is closed early beyond this).
MAX_KINDS = 1_000

_VERDICT = "_pz_repeat_verdict"  # a record checked by a logger's filter and again by a handler's


@dataclass
class _Window:
    start: float
    name: str
    level: int
    template: str
    seen: int = 0
    held_back: int = 0


def _emit(record: logging.LogRecord) -> None:
    logging.getLogger(record.name).handle(record)


class RepeatLimit(logging.Filter):
    """At most ``limit`` records of a kind per ``window`` seconds, then one summary of the rest.

    The summary ("… N keer onderdrukt") is a record of the same logger and level, handed to
    ``emit`` when the first record after the window's end passes this filter.
    """

    def __init__(
        self,
        limit: int = REPEATS_PER_WINDOW,
        window: float = WINDOW_SECONDS,
        emit: Callable[[logging.LogRecord], None] = _emit,
        max_kinds: int = MAX_KINDS,
    ):
        super().__init__()
        self.limit, self.window, self.max_kinds = limit, window, max_kinds
        self._emit = emit
        self._windows: dict[tuple, _Window] = {}  # oldest window first

    def filter(self, record: logging.LogRecord) -> bool:
        verdict = getattr(record, _VERDICT, None)
        if verdict is not None:  # already counted on its way here
            return verdict
        now = record.created
        self._close_windows(now)
        template = record.msg if isinstance(record.msg, str) else type(record.msg).__name__
        key = (record.name, record.levelno, template)
        window = self._windows.get(key)
        if window is None:
            if len(self._windows) >= self.max_kinds:
                self._close(next(iter(self._windows)))
            window = self._windows[key] = _Window(now, record.name, record.levelno, template)
        window.seen += 1
        verdict = window.seen <= self.limit
        window.held_back += not verdict
        setattr(record, _VERDICT, verdict)
        return verdict

    def flush(self, now: float) -> None:
        """Say what was held back in windows that ended before ``now`` (seconds since the epoch)."""
        self._close_windows(now)

    def _close_windows(self, now: float) -> None:
        while self._windows:
            key, window = next(iter(self._windows.items()))
            if now - window.start < self.window:
                return
            self._close(key)

    def _close(self, key: tuple) -> None:
        window = self._windows.pop(key)
        if not window.held_back:
            return
        summary = logging.LogRecord(
            window.name,
            window.level,
            __file__,
            0,
            "%s",
            (
                t(
                    "log.repeats_suppressed",
                    count=window.held_back,
                    seconds=f"{self.window:g}",
                    template=window.template,
                ),
            ),
            None,
        )
        setattr(summary, _VERDICT, True)
        self._emit(summary)


#: Loggers of the room server whose records are limited (each also gets the filter on its handlers).
ROOM_LOGGERS = ("tornado.access", "tornado.application", "tornado.general", "asyncio", "pztraining")


def limit_repeats(*loggers: logging.Logger, names: tuple[str, ...] = ROOM_LOGGERS) -> RepeatLimit:
    """Put one :class:`RepeatLimit` on ``loggers``, the loggers ``names`` and their children
    (``pztraining.serving.room.accept``), and the handlers of all and of the root.

    A logger's filter sees only the records of that logger itself, and records that reach no
    handler are printed by Python's last resort, which has no filters: so on every logger.
    """
    limit = RepeatLimit()
    children = [
        logger
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger) and name.startswith(tuple(n + "." for n in names))
    ]
    chosen = (*loggers, *(logging.getLogger(name) for name in names), *children)
    for logger in chosen:
        logger.addFilter(limit)
    for logger in (*chosen, logging.getLogger()):
        for handler in logger.handlers:
            handler.addFilter(limit)
    return limit
