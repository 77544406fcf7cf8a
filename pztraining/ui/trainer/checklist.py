"""The preparation checklist of a training, ticks as stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import ipywidgets as w

from pztraining.content import load_checklist
from pztraining.core.texts import t
from pztraining.store import Store, StoreError, Training
from pztraining.ui.common import Message, esc, named


class Checklist:
    """One checkbox per item; a tick is stored at once."""

    def __init__(self, store: Store, clock: Callable[[], datetime], message: Message):
        self.store, self.clock, self.message = store, clock, message
        self.training: Training | None = None
        self._boxes_for: int | None = None  # training whose checkboxes are shown
        self._syncing = False  # True while boxes are set from the store, not by a click
        self.title = w.HTML()
        self.box = named(w.VBox(), "checklist")
        self.root = w.VBox([self.title, self.box])

    def show(self, training: Training) -> None:
        """Show the checklist of ``training``.

        The checkboxes are made once per training and then only updated: a page that
        re-selects the same training (a dropdown echo from the browser) must not replace a
        box the trainer is clicking at that moment.
        """
        self.training = training
        checklist = load_checklist(training.program_id)
        if checklist is None:
            self.title.value = ""
            self.box.children = ()
            self._boxes_for = None
            return
        if self._boxes_for != training.id:
            boxes = []
            for item in checklist.items:
                label = item.text + (f" ({item.when})" if item.when else "")
                box = named(
                    w.Checkbox(description=label, indent=False, layout=w.Layout(width="auto")), "checklist-item"
                )
                box.observe(lambda change, item_id=item.id: self._on_tick(item_id, change["new"]), names="value")
                box.item_id = item.id
                boxes.append(box)
            self.box.children = boxes
            self._boxes_for = training.id
        self._show_ticks()

    def _show_ticks(self) -> None:
        """Make the boxes and the count agree with the ticks in the store."""
        assert self.training
        ticks = self.store.checklist_ticks(self.training.id)
        self._syncing = True
        try:
            for box in self.box.children:
                if box.value != (box.item_id in ticks):
                    box.value = box.item_id in ticks
        finally:
            self._syncing = False
        done = sum(1 for box in self.box.children if box.item_id in ticks)
        self.title.value = f"<h3>{esc(t('checklist.title', done=done, total=len(self.box.children)))}</h3>"

    def _on_tick(self, item_id: str, ticked: bool) -> None:
        if self.training is None or self._syncing:
            return
        try:
            self.store.set_checklist_tick(self.training.id, item_id, ticked, self.clock())
        except StoreError as exc:
            self.message.error(str(exc))
        self._show_ticks()
