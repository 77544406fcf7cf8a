"""The questionnaire widget: rendered and kept in the browser, validated and stored by the kernel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import anywidget
import traitlets

from pztraining.core.texts import t

_HERE = Path(__file__).parent

#: submit(values) -> (status, errors): "submitted", "invalid", "closed" or "error" (not stored).
SubmitHandler = Callable[[dict], tuple[str, dict]]
#: draft(values) -> (stored?, message shown under the form).
DraftHandler = Callable[[dict], tuple[bool, str]]


class FormWidget(anywidget.AnyWidget):
    """One form for one respondent. ``on_draft`` keeps drafts, ``on_submit`` checks and stores."""

    _esm = _HERE / "form.js"
    _css = _HERE / "form.css"

    form = traitlets.Dict().tag(sync=True)  # forms.form_spec(...)
    values = traitlets.Dict().tag(sync=True)  # item id → value: what the page starts from
    errors = traitlets.Dict().tag(sync=True)  # item id → Dutch message
    status = traitlets.Unicode("draft").tag(sync=True)  # draft|invalid|submitted|closed|error
    saved_message = traitlets.Unicode("").tag(sync=True)
    storage_key = traitlets.Unicode("").tag(sync=True)  # localStorage key of this draft
    texts = traitlets.Dict().tag(sync=True)

    def __init__(
        self,
        spec: dict,
        values: dict,
        storage_key: str,
        status: str,
        on_draft: DraftHandler,
        on_submit: SubmitHandler,
        **kwargs,
    ):
        super().__init__(
            form=spec,
            values=values,
            storage_key=storage_key,
            status=status,
            texts={
                key: t(f"form.{key}")
                for key in (
                    "submit",
                    "resubmit",
                    "submitted",
                    "closed",
                    "invalid",
                    "sending",
                    "saving",
                    "unsaved",
                    "offline",
                    "tree_restart",
                    "quiz_answer",
                    "quiz_right",
                    "quiz_wrong",
                    "required_note",
                    "required",
                )
            },
            **kwargs,
        )
        self.add_class("pz-form")
        self._on_draft = on_draft
        self._on_submit = on_submit
        self.on_msg(self._message)

    def _message(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "draft":
            self._draft(content.get("values") or {}, content.get("seq", 0))
        elif content.get("type") == "submit":
            self._submit(content.get("values") or {})

    def _draft(self, values: dict, seq: int) -> None:
        if self.status == "closed":
            self.send({"type": "saved", "seq": seq, "ok": False, "message": t("form.closed")})
            return
        stored, message = self._on_draft(dict(values))
        if stored:
            with self.hold_sync():
                self.values = dict(values)
                self.saved_message = message
                # An edit after sending (or after a refusal) is a draft again until it is sent.
                if self.status in ("invalid", "submitted", "error"):
                    self.status = "draft"
        self.send({"type": "saved", "seq": seq, "ok": stored, "message": message})

    def _submit(self, values: dict) -> None:
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

    def edit(self, values: dict, seq: int = 1) -> None:
        """What the browser sends after an edit (for tests without a browser)."""
        self._message(self, {"type": "draft", "values": values, "seq": seq}, [])
