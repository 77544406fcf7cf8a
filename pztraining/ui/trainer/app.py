"""The trainer page: choose a training and a meeting; the views plan and run it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import parse_qs

import ipywidgets as w

from pztraining.content import Meeting, Program, load_program
from pztraining.core.clock import local, utc_now
from pztraining.core.settings import Context
from pztraining.core.text_input import whole_number
from pztraining.core.texts import t
from pztraining.domain import schedule
from pztraining.services import access
from pztraining.services.access import AccessDenied, User
from pztraining.store import Store, StoreError, Training
from pztraining.ui.common import Message, esc, named, open_page, page_user, stylesheet, training_options
from pztraining.ui.forms_panel import FormsPanel
from pztraining.ui.room_panel import RoomPanel
from pztraining.ui.slides_link import slides_link_html
from pztraining.ui.trainer.actions import ActionsPanel
from pztraining.ui.trainer.checklist import Checklist
from pztraining.ui.trainer.new_training import NewTrainingForm
from pztraining.ui.trainer.paperwork import PaperworkPanel
from pztraining.ui.trainer.planner import Planner
from pztraining.ui.trainer.runner import Runner


class TrainerApp:
    """The trainer page. ``clock`` returns the current UTC time (injectable for tests).

    ``user`` defaults to who the hosting layer logged in (localhost: the implicit trainer who
    sees everything); a hosted trainer sees and runs only its organisation's trainings.
    ``query`` defaults to the URL's query string: ``?training=ID`` opens that training.
    """

    def __init__(
        self, store: Store, clock: Callable[[], datetime] = utc_now, user: User | None = None, query: str | None = None
    ):
        self.store = store
        self.clock = clock
        self.user = page_user(store, user)
        if not access.may_run_trainings(self.user):
            raise AccessDenied(t("access.not_a_trainer", role=t(f"role.{self.user.role}")))
        self.training: Training | None = None
        self.program: Program | None = None
        self.message = Message()
        self.slides_link = named(w.HTML(), "slides-link")
        self.training_select = named(
            w.Dropdown(description=t("training.choose"), layout=w.Layout(width="auto", min_width="320px")),
            "training-select",
        )
        self.training_select.observe(lambda change: self._show_training(change["new"]), names="value")
        self.new_training_button = named(w.Button(description=t("training.new"), icon="plus"), "new-training")
        self.new_training = NewTrainingForm(
            store, clock, self.message, self.user, on_created=lambda tr: self._refresh_trainings(select=tr.id)
        )
        self.new_training_button.on_click(lambda _: self.new_training.show(True))
        self.checklist = Checklist(store, clock, self.message)
        self.planner = Planner(clock, self.checklist, on_start=self._on_start)
        self.planner.meeting_select.observe(lambda _: self._on_meeting_chosen(), names="value")
        self.runner = Runner(store, clock, on_change=self._on_run_changed)
        self.runner.versioned.append(self.planner.start_button)
        self.forms = FormsPanel(store, clock)
        self.actions = ActionsPanel(store, clock)
        self.room = RoomPanel(store, clock, on_facilitator_shown=self.forms.hide_qr)
        self.runner.side.children = [self.forms.status]
        self.paperwork = PaperworkPanel(store, clock)
        self.root = named(
            w.VBox(
                [
                    stylesheet(),
                    w.HTML(
                        f"<h1>{esc(t('app.trainer.title'))}</h1>"
                        f"<div class='pz-sub'>{esc(t('app.trainer.subtitle'))}</div>"
                    ),
                    w.HBox([self.training_select, self.new_training_button]),
                    self.new_training.root,
                    self.message,
                    self.slides_link,
                    self.planner.root,
                    self.runner.root,
                    self.actions.root,
                    self.forms.root,
                    self.room.root,
                    self.paperwork.root,
                ]
            ),
            "trainer-app",
            "pz-app",
        )
        params = parse_qs(Context.read().query if query is None else query)
        asked = params.get("training", [""])[0].strip()
        self._refresh_trainings(select=whole_number(asked))

    @property
    def meeting(self) -> Meeting | None:
        if self.program is None or self.planner.meeting_select.value is None:
            return None
        return self.program.meeting(self.planner.meeting_select.value)

    def refresh(self) -> None:
        """Re-read the run from the store (another tab may have changed it)."""
        self.runner.refresh()
        self.actions.refresh()

    # ================================================================ training choice

    def _refresh_trainings(self, select: int | None = None) -> None:
        refusal = None
        if select is not None:  # asked for by id (?training=ID): only when this user may run it
            try:
                access.permitted_training(self.store, self.user, select, access.can_run, "draaiboek")
            except (AccessDenied, StoreError) as exc:
                refusal, select = str(exc), None
        trainings = access.visible_trainings(self.user, self.store.list_trainings(), access.can_run)
        options = training_options(trainings)
        self.training_select.options = options
        if not options:
            self.message.ok(t("training.none"))
            self.new_training.show(True)
            self._show_training(None)
        else:
            wanted = select if select is not None else (self.training.id if self.training else options[0][1])
            if wanted not in [value for _, value in options]:
                wanted = options[0][1]
            if self.training_select.value == wanted:
                self._show_training(wanted)
            else:
                self.training_select.value = wanted  # shows it
        if refusal:
            self.message.error(refusal)

    def _show_training(self, training_id: int | None) -> None:
        if training_id is None:
            self.training = self.program = None
            self.planner.root.layout.display = "none"
            self.runner.show(None, None)
            self.forms.show(None, None)
            self.actions.show(None, None, None)
            self.room.show(None, None)
            self.paperwork.show(None, None)
            self.slides_link.value = ""
            return
        try:
            self.training = access.permitted_training(self.store, self.user, training_id, access.can_run, "draaiboek")
            self.program = load_program(self.training.program_id)
            runs = self.store.list_runs(training_id)
        except (StoreError, KeyError, AccessDenied) as exc:
            self.message.error(str(exc))
            return
        self.planner.meeting_select.options = [
            (t("meeting.option", number=m.number, title=m.title, minutes=m.minutes), m.number)
            for m in self.program.meetings
        ]
        dates = {m.number: self.training.meeting_date(m.number) for m in self.program.meetings}
        self.planner.meeting_select.value = schedule.default_meeting(dates, runs, local(self.clock()).date())
        self._on_meeting_chosen()
        self.checklist.show(self.training)
        self.paperwork.show(self.training, self.program)

    # ================================================================ meeting choice

    def _on_meeting_chosen(self) -> None:
        meeting = self.meeting
        if meeting is None or self.training is None:
            return
        self.forms.show(self.training, meeting)
        self.actions.show(self.training, self.program, meeting)
        self.room.show(self.training, meeting)
        assert self.program is not None  # a training has a programme
        self.slides_link.value = slides_link_html(self.program.id, meeting.number)
        self.planner.show(self.training, meeting)
        self.runner.show(self.training.id, meeting)

    def _on_start(self, target: int, version: int) -> None:
        meeting = self.meeting
        assert meeting is not None
        planned, minima = meeting.lengths()
        self.runner.dispatch(
            schedule.Start(tuple(planned), tuple(minima), target), version, message=self.planner.plan_message
        )

    def _on_run_changed(self) -> None:
        """The planner when nothing runs; the runner (and a fixed choice) while it does."""
        running = self.runner.run is not None
        self.planner.root.layout.display = "none" if running or self.training is None else None
        self.training_select.disabled = self.planner.meeting_select.disabled = running
        if not running:
            self.planner.render()


def trainer_app(db: str | None = None) -> w.Widget:
    """The trainer page as a widget (what ``notebooks/trainer.ipynb`` shows)."""
    return open_page(TrainerApp, db)
