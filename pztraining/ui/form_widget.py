"""The questionnaire widget: rendered and kept in the browser, validated and stored by the kernel."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import anywidget
import traitlets

from ..texts import t

_HERE = Path(__file__).parent

#: submit(values) -> (status, errors): status is "submitted", "invalid" or "closed".
SubmitHandler = Callable[[dict], tuple[str, dict]]


class FormWidget(anywidget.AnyWidget):
    """One form for one respondent. ``on_draft`` keeps drafts, ``on_submit`` checks and stores."""

    _esm = _HERE / "form.js"
    _css = _HERE / "form.css"

    form = traitlets.Dict().tag(sync=True)  # forms.form_spec(...)
    values = traitlets.Dict().tag(sync=True)  # item id → value, as the browser has it
    errors = traitlets.Dict().tag(sync=True)  # item id → Dutch message
    status = traitlets.Unicode("draft").tag(sync=True)  # draft|sending|invalid|submitted|closed
    saved_message = traitlets.Unicode("").tag(sync=True)
    storage_key = traitlets.Unicode("").tag(sync=True)  # localStorage key of this draft
    texts = traitlets.Dict().tag(sync=True)

    def __init__(self, spec: dict, values: dict, storage_key: str, status: str,
                 on_draft: Callable[[dict], str], on_submit: SubmitHandler, **kwargs):
        super().__init__(form=spec, values=values, storage_key=storage_key, status=status, texts={
            key: t(f"form.{key}") for key in
            ("submit", "resubmit", "submitted", "closed", "invalid", "sending", "saving")}, **kwargs)
        self.add_class("pz-form")
        self._on_draft = on_draft
        self._on_submit = on_submit
        self.observe(self._draft_changed, names="values")
        self.on_msg(self._message)

    def _draft_changed(self, change) -> None:
        if self.status == "closed":
            return
        self.saved_message = self._on_draft(dict(change["new"]))
        # An edit after sending (or after a refusal) is a draft again until it is sent.
        if self.status in ("invalid", "sending", "submitted"):
            self.status = "draft"

    def _message(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict) or content.get("type") != "submit":
            return
        values = content.get("values") or {}
        status, errors = self._on_submit(dict(values))
        with self.hold_sync():
            self.errors = errors
            self.status = status
        # Always answer, also when nothing changed (the same answers sent again): the
        # browser leaves its "sending" state on this reply, not on a change of status.
        self.send({"type": "handled", "status": status})

    def submit(self, values: dict) -> None:
        """What the browser's submit button does (for tests without a browser)."""
        self._message(self, {"type": "submit", "values": values}, [])
