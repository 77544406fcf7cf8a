"""Small helpers every screen uses: stylesheet, messages, stable CSS classes."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TypeVar

import ipywidgets as w

W = TypeVar("W", bound=w.DOMWidget)

_STYLE = (Path(__file__).parent / "style.css").read_text(encoding="utf-8")


def stylesheet() -> w.HTML:
    """An invisible widget carrying the apps' CSS."""
    return w.HTML(f"<style>{_STYLE}</style>", layout=w.Layout(display="none"))


def named(widget: W, name: str, *more: str) -> W:
    """Give ``widget`` the stable CSS class ``pz-<name>`` (and any extra classes)."""
    widget.add_class(f"pz-{name}")
    for extra in more:
        widget.add_class(extra)
    return widget


def esc(text: object) -> str:
    """Escape user or content text for HTML."""
    return html.escape(str(text), quote=True)


class Message(w.HTML):
    """A line for errors and confirmations, always escaped."""

    def __init__(self, name: str = "message"):
        super().__init__("")
        named(self, name)

    def error(self, text: str) -> None:
        self.value = f'<div class="pz-message-error" role="alert">{esc(text)}</div>'

    def ok(self, text: str) -> None:
        self.value = f'<div class="pz-message-ok" role="status">{esc(text)}</div>'

    def clear(self) -> None:
        self.value = ""


def set_options(dropdown: w.Dropdown, options: list[tuple[str, object]]) -> None:
    """Replace a dropdown's options and keep a valid selection (the first when needed).

    ipywidgets 8 leaves a dropdown without a value after its options change; our pages
    always want something chosen when there is something to choose.
    """
    current = dropdown.value
    dropdown.options = options
    values = [value for _, value in options]
    if values and current not in values:
        dropdown.value = values[0]
    elif values and dropdown.value != current:
        dropdown.value = current
