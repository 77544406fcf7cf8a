"""The agreed actions of a casuïstiekbespreking: record them, and see the earlier ones still open.

Shown on the Draaiboek for a recurring program (a series of discussions of one team). Every
change (record, mark done, remove) is one store transaction; the lists are then read again, so
two laptops converge on what the store holds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import ipywidgets as w

from pztraining.content import Meeting, Program
from pztraining.core.errors import InputRefused
from pztraining.core.texts import t
from pztraining.services.discussions import carried_over, checked_action
from pztraining.store import CaseAction, Store, StoreError, Training
from pztraining.ui.common import Message, esc, named


def _line(action: CaseAction, with_meeting: bool = False) -> str:
    """One action as escaped HTML: text, who, due date (and where it was agreed)."""
    if action.due:
        text = t("actions.line_due", text=action.text, who=action.who, due=action.due.strftime("%d-%m-%Y"))
    else:
        text = t("actions.line", text=action.text, who=action.who)
    where = (
        f" <span class='pz-note'>({esc(t('actions.from_meeting', number=action.meeting))})</span>"
        if with_meeting
        else ""
    )
    return f"<span class='pz-action-line'>{esc(text)}</span>{where}"


class ActionsPanel:
    """Record agreed actions; the previous discussions' open actions above them, to tick off."""

    def __init__(self, store: Store, clock: Callable[[], datetime]):
        self.store, self.clock = store, clock
        self.training: Training | None = None
        self.meeting: Meeting | None = None
        self.message = Message("actions-message")
        self.title = w.HTML(f"<h3>{esc(t('actions.panel'))}</h3>")
        self.previous = named(w.VBox(), "actions-previous")
        self.current = named(w.VBox(), "actions-current")
        self.text = named(
            w.Textarea(
                placeholder=t("actions.text_placeholder"),
                description=t("actions.text"),
                layout=w.Layout(width="auto", min_width="320px"),
            ),
            "action-text",
        )
        self.who = named(w.Text(placeholder=t("actions.who_placeholder"), description=t("actions.who")), "action-who")
        self.due = named(w.DatePicker(description=t("actions.due")), "action-due")
        self.add_button = named(
            w.Button(description=t("actions.add"), button_style="primary", icon="plus"), "action-add"
        )
        self.add_button.on_click(lambda _: self._add())
        self.root = named(
            w.VBox(
                [
                    self.title,
                    w.HTML(f"<h4>{esc(t('actions.previous'))}</h4>"),
                    self.previous,
                    w.HTML(f"<h4>{esc(t('actions.title'))}</h4>"),
                    self.current,
                    w.VBox([self.text, w.HBox([self.who, self.due]), self.add_button]),
                    self.message,
                ]
            ),
            "actions-panel",
            "pz-card",
        )
        self.root.layout.display = "none"

    def show(self, training: Training | None, program: Program | None, meeting: Meeting | None) -> None:
        """Show the actions of ``meeting``; hidden unless the program is a recurring meeting."""
        recurring = program is not None and program.recurrence is not None
        self.training, self.meeting = (training, meeting) if recurring else (None, None)
        self.root.layout.display = None if recurring and training and meeting else "none"
        if self.training and self.meeting:
            self.refresh()

    def refresh(self) -> None:
        """Re-read the actions from the store."""
        if self.training is None or self.meeting is None:
            return
        actions = self.store.list_case_actions(self.training.id)
        earlier = carried_over(actions, self.meeting.number)
        mine = [a for a in actions if a.meeting == self.meeting.number]
        self.previous.children = [self._row(a, with_meeting=True) for a in earlier] or [
            w.HTML(f"<span class='pz-note'>{esc(t('actions.previous_none'))}</span>")
        ]
        self.current.children = [self._row(a, removable=True) for a in mine] or [
            w.HTML(f"<span class='pz-note'>{esc(t('actions.none'))}</span>")
        ]

    def _row(self, action: CaseAction, with_meeting: bool = False, removable: bool = False) -> w.HBox:
        done = named(
            w.Checkbox(value=action.done, description=t("actions.done"), indent=False, layout=w.Layout(width="auto")),
            "action-done",
        )
        done.action_id = action.id
        done.observe(
            lambda change: self._change(lambda: self.store.set_case_action_done(action.id, change["new"])),
            names="value",
        )
        parts = [named(w.HTML(_line(action, with_meeting)), "action"), done]
        if removable:
            remove = named(w.Button(description=t("actions.remove"), icon="trash"), "action-remove")
            remove.on_click(lambda _: self._change(lambda: self.store.remove_case_action(action.id)))
            parts.append(remove)
        return named(w.HBox(parts), "action-row")

    def _change(self, change: Callable[[], object]) -> None:
        self.message.attempt(change)  # a failure (removed on another laptop) is said in Dutch
        self.refresh()

    def _add(self) -> None:
        if self.training is None or self.meeting is None:
            return
        training_id, number = self.training.id, self.meeting.number
        try:
            text, who = checked_action(self.text.value, self.who.value)
            self.store.add_case_action(training_id, number, text, who, self.due.value, self.clock())
        except (InputRefused, StoreError) as exc:
            self.message.error(str(exc))  # what was typed stays in the fields
            return
        self.text.value = self.who.value = ""
        self.due.value = None
        self.message.ok(t("actions.added"))
        self.refresh()
