"""A button whose press carries the version of the state the page showed when it was pressed.

An ipywidgets Button sends a bare "click": the kernel handles a double click as two
presses, each on the state the first one left behind. This button sends no press for the
second click of a double click (the browser's click count), whenever the kernel answers the
first; and each press carries the version the browser last received, so two presses made on
the same screen (a stale page, two tabs) carry the same version and the store acts on the
first only (``Store.update_run``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import anywidget
import traitlets

_HERE = Path(__file__).parent


class PressButton(anywidget.AnyWidget):
    """A button (CSS class ``pz-<name>`` on the ``<button>``) that reports ``press(version)``."""

    _esm = _HERE / "press_button.js"

    name = traitlets.Unicode("").tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    button_style = traitlets.Unicode("").tag(sync=True)  # "", "primary", "success", "danger"
    icon = traitlets.Unicode("").tag(sync=True)  # a Font Awesome name, as for ipywidgets
    disabled = traitlets.Bool(False).tag(sync=True)
    #: The version of the state the page shows; sent back with every press.
    version = traitlets.Int(0).tag(sync=True)

    def __init__(self, name: str, description: str, **kwargs):
        super().__init__(name=name, description=description, **kwargs)
        self._handlers: list[Callable[[int], object]] = []
        self.on_msg(self._message)

    def on_press(self, handler: Callable[[int], object]) -> None:
        """Call ``handler(version)`` on every press."""
        self._handlers.append(handler)

    def _message(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict) or content.get("type") != "press" or self.disabled:
            return
        version = content.get("version")
        if isinstance(version, int) and not isinstance(version, bool):
            for handler in self._handlers:
                handler(version)

    def click(self, version: int | None = None) -> None:
        """What a press in the browser does (for tests): with the version shown, or ``version``."""
        self._message(self, {"type": "press", "version": self.version if version is None else version}, [])
