"""The countdown: an anywidget whose JavaScript derives the shown time from a deadline."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import anywidget
import traitlets

from pztraining.core.texts import t

_HERE = Path(__file__).parent


def epoch_ms(moment: datetime) -> float:
    """Milliseconds since the Unix epoch of an aware datetime."""
    return moment.timestamp() * 1000.0


class Countdown(anywidget.AnyWidget):
    """Shows time left until ``deadline_ms``, amber from ``warn_seconds``, red and counting up after."""

    _esm = _HERE / "countdown.js"
    _css = _HERE / "countdown.css"

    deadline_ms = traitlets.Float(0.0).tag(sync=True)
    paused_remaining_ms = traitlets.Float(None, allow_none=True).tag(sync=True)
    warn_seconds = traitlets.Int(120).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    over_label = traitlets.Unicode("").tag(sync=True)
    #: Lines shown when time is up (e.g. the reflection questions), as plain text.
    over_lines = traitlets.List(traitlets.Unicode(), default_value=[]).tag(sync=True)
    #: Beep when time is up (Web Audio); the page has a mute button then.
    sound = traitlets.Bool(False).tag(sync=True)
    mute_label = traitlets.Unicode(t("countdown.sound_off")).tag(sync=True)
    unmute_label = traitlets.Unicode(t("countdown.sound_on")).tag(sync=True)

    def __init__(self, clock=time.time, **kwargs):
        super().__init__(**kwargs)
        self.add_class("pz-countdown")
        self._clock = clock  # seconds since the epoch; the edge where the widget reads time
        self.on_msg(self._answer_ping)

    def _answer_ping(self, _widget, content, _buffers) -> None:
        # The browser measures its clock against ours (see countdown.js).
        if isinstance(content, dict) and content.get("type") == "ping":
            self.send({"type": "pong", "t0": content.get("t0"), "server": self._clock() * 1000.0})

    def count_to(self, deadline: datetime, label: str = "") -> None:
        """Run towards ``deadline`` (aware datetime)."""
        with self.hold_sync():
            self.paused_remaining_ms = None
            self.deadline_ms = epoch_ms(deadline)
            self.label = label

    def pause_at(self, remaining_seconds: float) -> None:
        """Show a frozen remaining time (a paused turn)."""
        self.paused_remaining_ms = remaining_seconds * 1000.0

    def clear(self) -> None:
        """Show no time."""
        with self.hold_sync():
            self.deadline_ms = 0.0
            self.paused_remaining_ms = None
            self.label = ""
