"""The trainer's side of the room: the facilitators' link of a meeting, and cases for the phones.

* **Rollenspel op tablets**: a QR code and link per meeting. It opens the Rollenspel page
  on the room server for this meeting only (its groups, its cases), never the trainer or
  results pages, nor another meeting or training. It stays hidden until the trainer opens it
  (and can be closed again): many trainers mirror the laptop on the beamer, and the room must
  not scan its way into the facilitators' page. While it is open the phones' QR code is left
  out (``on_facilitator_shown``), so the two are never on the screen together.
* **Casus voor deelnemers**: per case of the meeting, a button that shows (or hides) the
  participant briefing on the phones, the way a form appears there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import ipywidgets as w

from pztraining.content import Meeting, case_choices, load_case
from pztraining.core.texts import t
from pztraining.domain.links import facilitator_url, qr_svg
from pztraining.store import Store, StoreError, Training
from pztraining.ui.common import Message, esc, named


def meeting_cases(meeting: Meeting, program_id: str) -> list[str]:
    """The case ids the blocks of a meeting use, in order, once each; then the organisation's own of the programme."""
    return list(dict.fromkeys(c for block in meeting.blocks for c in case_choices(program_id, block.cases)))


class RoomPanel:
    """Facilitator link and case sharing for one meeting of a training."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime],
        on_facilitator_shown: Callable[[bool], None] = lambda shown: None,
    ):
        self.store = store
        self.clock = clock
        self.on_facilitator_shown = on_facilitator_shown
        self.training: Training | None = None
        self.meeting: Meeting | None = None
        self.facilitator_toggle = named(
            w.ToggleButton(description=t("roompanel.facilitator.show"), icon="eye", layout=w.Layout(width="auto")),
            "facilitator-toggle",
        )
        self.facilitator_toggle.observe(lambda _: self._render_facilitator(), names="value")
        self.facilitator = named(w.HTML(), "facilitator-link")
        self.cases = named(w.VBox(), "case-shares")
        self.message = Message("room-message")
        self._buttons: dict[str, w.Button] = {}
        self.root = named(
            w.VBox(
                [
                    w.HTML(f"<h3>{esc(t('roompanel.title'))}</h3>"),
                    self.facilitator_toggle,
                    self.facilitator,
                    self.message,
                    self.cases,
                ],
                layout=w.Layout(display="none"),
            ),
            "room-panel",
            "pz-card",
        )

    def show(self, training: Training | None, meeting: Meeting | None) -> None:
        """Show the panel for a training's meeting (or hide it)."""
        self.training, self.meeting = training, meeting
        self.facilitator_toggle.value = False  # another meeting: its code is hidden again
        self._render_facilitator()
        if training is None or meeting is None:
            self.root.layout.display = "none"
            return
        self.root.layout.display = None
        self._build_case_rows()
        self.refresh()

    def _render_facilitator(self) -> None:
        """The facilitators' code and link, only while the trainer has it open."""
        shown = bool(self.facilitator_toggle.value) and self.training is not None and self.meeting is not None
        self.facilitator_toggle.description = t("roompanel.facilitator.hide" if shown else "roompanel.facilitator.show")
        self.facilitator_toggle.icon = "eye-slash" if shown else "eye"
        self.on_facilitator_shown(shown)
        if not shown:
            self.facilitator.value = f"<p class='pz-note'>{esc(t('roompanel.facilitator.hidden'))}</p>"
            return
        assert self.training is not None and self.meeting is not None
        try:
            code = self.store.facilitator_code(self.training.id, self.meeting.number)
        except StoreError as exc:
            self.message.error(str(exc))
            code = ""
        url = facilitator_url(code) if code else None
        if url:
            self.facilitator.value = (
                f"<div class='pz-join'><div class='pz-qr pz-facilitator-qr'>{qr_svg(url)}</div><div>"
                f"<p>{esc(t('roompanel.facilitator', number=self.meeting.number))}</p>"
                f"<p><a class='pz-facilitator-url' href='{esc(url)}' target='_blank' rel='noopener'>{esc(url)}</a></p>"
                f"<p class='pz-note'>{esc(t('roompanel.facilitator.private'))}</p></div></div>"
            )
        else:
            self.facilitator.value = f"<p class='pz-note'>{esc(t('roompanel.no_room'))}</p>"

    def _build_case_rows(self) -> None:
        assert self.meeting
        self._buttons = {}
        rows = []
        assert self.training is not None
        for case_id in meeting_cases(self.meeting, self.training.program_id):
            button = named(w.Button(layout=w.Layout(width="auto")), "case-share", f"pz-case-share-{case_id}")
            button.on_click(lambda _, c=case_id: self.toggle(c))
            self._buttons[case_id] = button
            rows.append(
                w.HBox(
                    [w.HTML(f"<b>{esc(load_case(case_id).title)}</b>"), button],
                    layout=w.Layout(flex_flow="row wrap", align_items="center", grid_gap="0.6em"),
                )
            )
        if rows:
            rows.insert(0, w.HTML(f"<p class='pz-note'>{esc(t('roompanel.cases'))}</p>"))
        self.cases.children = rows

    def toggle(self, case_id: str) -> None:
        """Show a case's participant briefing on the phones, or stop showing it."""
        assert self.training and self.meeting
        training_id, meeting = self.training.id, self.meeting.number

        def change() -> None:
            shared = (meeting, case_id) in self.store.shared_cases(training_id)
            self.store.share_case(training_id, meeting, case_id, not shared, self.clock())

        if self.message.attempt(change):
            self.refresh()

    def refresh(self) -> None:
        """Show which cases the phones show now."""
        if self.training is None or self.meeting is None:
            return
        shared = {c for m, c in self.store.shared_cases(self.training.id, self.meeting.number)}
        for case_id, button in self._buttons.items():
            on = case_id in shared
            button.description = t("roompanel.case.hide") if on else t("roompanel.case.show")
            button.button_style = "warning" if on else ""
