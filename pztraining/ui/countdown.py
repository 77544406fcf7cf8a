"""The countdown: an anywidget whose JavaScript derives the shown time from a deadline."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import anywidget
import traitlets

_HERE = Path(__file__).parent


def epoch_ms(moment: datetime) -> float:
    """Milliseconds since the Unix epoch of an aware datetime."""
    return moment.timestamp() * 1000.0


class Countdown(anywidget.AnyWidget):
    """Shows time left until ``deadline_ms``, amber from ``warn_seconds``, red and counting up after."""

    _esm = _HERE / "countdown.js"
    _css = _HERE / "countdown.css"

    deadline_ms = traitlets.Float(0.0).tag(sync=True)
    server_now_ms = traitlets.Float(0.0).tag(sync=True)
    paused_remaining_ms = traitlets.Float(None, allow_none=True).tag(sync=True)
    warn_seconds = traitlets.Int(120).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    over_label = traitlets.Unicode("").tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add_class("pz-countdown")

    def count_to(self, deadline: datetime, now: datetime, label: str = "") -> None:
        """Run towards ``deadline``; ``now`` is the kernel's clock, used to correct browser skew."""
        with self.hold_sync():
            self.paused_remaining_ms = None
            self.server_now_ms = epoch_ms(now)
            self.deadline_ms = epoch_ms(deadline)
            self.label = label

    def clear(self) -> None:
        """Show no time."""
        with self.hold_sync():
            self.deadline_ms = 0.0
            self.paused_remaining_ms = None
            self.label = ""
