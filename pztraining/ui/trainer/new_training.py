"""The form for a new training: program, group name, organisation and meeting dates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import ipywidgets as w

from pztraining.content import load_program, programs
from pztraining.core.text_input import clean_name
from pztraining.core.texts import t
from pztraining.services.access import User, new_training_organisation
from pztraining.store import Store, StoreError, Training
from pztraining.ui.common import Message, esc, named


class NewTrainingForm:
    """Creates a training in the store and reports it to ``on_created``."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime],
        message: Message,
        user: User,
        on_created: Callable[[Training], None],
    ):
        self.store, self.clock, self.message, self.on_created = store, clock, message, on_created
        self.user = user
        options = [(p.title, p.id) for p in sorted(programs().values(), key=lambda p: p.title)]
        self.program_select = named(w.Dropdown(options=options, description=t("training.program")), "program")
        self.group_name = named(
            w.Text(description=t("training.name"), placeholder=t("training.name.placeholder")), "group-name"
        )
        self.organisation = named(w.Text(description=t("training.organisation")), "organisation")
        if user.hosted:  # not a free field: a hosted trainer's trainings belong to its organisation
            self.organisation.value = new_training_organisation(user, "")
            self.organisation.disabled = True
            self.organisation.tooltip = t("access.organisation_fixed", organisation=self.organisation.value)
        self.dates_box = named(w.VBox(), "meeting-dates")
        self.dates_hint = w.HTML()
        self.create_button = named(
            w.Button(description=t("training.create"), button_style="primary"), "create-training"
        )
        self.cancel_button = named(w.Button(description=t("training.cancel")), "cancel-training")
        self.create_button.on_click(lambda _: self.create())
        self.cancel_button.on_click(lambda _: self.show(False))
        self.program_select.observe(lambda _: self._rebuild_date_pickers(), names="value")
        style = {"description_width": "140px"}
        for widget in (self.program_select, self.group_name, self.organisation):
            widget.style = style
            widget.layout = w.Layout(width="min(100%, 520px)")
        self.root = named(
            w.VBox(
                [
                    w.HTML(f"<h3>{esc(t('training.new.title'))}</h3>"),
                    self.program_select,
                    self.group_name,
                    self.organisation,
                    self.dates_box,
                    self.dates_hint,
                    w.HBox([self.create_button, self.cancel_button]),
                ],
                layout=w.Layout(display="none"),
            ),
            "new-training-form",
            "pz-card",
        )
        self._rebuild_date_pickers()

    def show(self, visible: bool) -> None:
        self.root.layout.display = None if visible else "none"

    def _rebuild_date_pickers(self) -> None:
        program = load_program(self.program_select.value)
        self.dates_box.children = [
            named(
                w.DatePicker(
                    description=t("training.meeting_date", number=meeting.number), style={"description_width": "140px"}
                ),
                "meeting-date",
            )
            for meeting in program.meetings
        ]
        gaps = {m.weeks_after_previous for m in program.meetings if m.weeks_after_previous}
        self.dates_hint.value = (
            f"<div class='pz-note'>{esc(t('training.dates_hint', weeks=max(gaps)))}</div>" if gaps else ""
        )

    def create(self) -> None:
        """Store the training as filled in (a group name is needed)."""
        name = clean_name(self.group_name.value)
        if not name and self.root.layout.display == "none":
            # The form was sent and closed a moment ago: this is the second click of a double
            # click, not a trainer who forgot the name (it would replace "created" by "name missing").
            return
        if not name:
            self.message.error(t("training.name_missing"))
            return
        dates: tuple[date | None, ...] = tuple(p.value for p in self.dates_box.children)
        try:
            training = self.store.add_training(
                name,
                self.program_select.value,
                self.clock(),
                new_training_organisation(self.user, self.organisation.value),
                dates,
            )
        except StoreError as exc:
            self.message.error(str(exc))
            return
        self.group_name.value = ""
        if not self.user.hosted:
            self.organisation.value = ""
        self.show(False)
        self.message.ok(t("training.created", name=training.name))
        self.on_created(training)
