"""The trainer's live draaiboek: choose a training and meeting, plan it, and run it.

A thin view: timing comes from :mod:`pztraining.schedule`, tables from
:mod:`pztraining.agenda`, and every change goes through the store first, so another
tab, a reload or a server restart shows the same run.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Callable

import ipywidgets as w

from .. import schedule
from ..agenda import leads_label, parse_clock, plan_meeting
from ..clock import local, utc_now
from ..content import Meeting, Program, load_case, load_checklist, load_program, programs
from ..schedule import Projection, Run, ScheduleError
from ..store import Store, StoreError, Training
from ..texts import t
from .case_view import screen_html
from .common import Message, Refresher, esc, named, open_page, stylesheet, training_options
from .countdown import Countdown
from .forms_panel import FormsPanel
from .slides_link import slides_link_html

#: How often a running page re-reads the store (another tab may have moved on) and
#: refreshes the re-planned times, in seconds. The countdown itself runs in the browser.
REFRESH_SECONDS = 5.0


def _hhmm(moment: datetime) -> str:
    return f"{local(moment):%H:%M}"


def _minutes_text(seconds: int) -> str:
    return str(round(abs(seconds) / 60))


class TrainerApp:
    """The trainer page. ``clock`` returns the current UTC time (injectable for tests)."""

    def __init__(self, store: Store, clock: Callable[[], datetime] = utc_now):
        self.store = store
        self.clock = clock
        self.training: Training | None = None
        self.program: Program | None = None
        self.run: Run | None = None
        self._checklist_for: int | None = None  # training whose checkboxes are shown
        self._syncing_ticks = False  # True while boxes are set from the store, not by a click
        self._refresher = Refresher(self.refresh, REFRESH_SECONDS)

        self.message = Message()
        self.slides_link = named(w.HTML(), "slides-link")
        self._build_training_picker()
        self._build_new_training_form()
        self._build_planner()
        self._build_runner()
        self.forms = FormsPanel(store, clock)
        self.root = named(w.VBox([
            stylesheet(),
            w.HTML(f"<h1>{esc(t('app.trainer.title'))}</h1>"
                   f"<div class='pz-sub'>{esc(t('app.trainer.subtitle'))}</div>"),
            w.HBox([self.training_select, self.new_training_button]),
            self.new_training_box,
            self.message,
            self.slides_link,
            self.planner,
            self.runner,
            self.forms.root,
        ]), "trainer-app", "pz-app")
        self._refresh_trainings()

    # ================================================================ building

    def _build_training_picker(self) -> None:
        self.training_select = named(w.Dropdown(description=t("training.choose"),
                                                layout=w.Layout(width="auto", min_width="320px")),
                                     "training-select")
        self.training_select.observe(self._on_training_chosen, names="value")
        self.new_training_button = named(w.Button(description=t("training.new"), icon="plus"),
                                         "new-training")
        self.new_training_button.on_click(lambda _: self._show_new_training(True))

    def _build_new_training_form(self) -> None:
        options = [(p.title, p.id) for p in sorted(programs().values(), key=lambda p: p.title)]
        self.program_select = named(w.Dropdown(options=options, description=t("training.program")),
                                    "program")
        self.group_name = named(w.Text(description=t("training.name"),
                                       placeholder=t("training.name.placeholder")), "group-name")
        self.organisation = named(w.Text(description=t("training.organisation")), "organisation")
        self.dates_box = named(w.VBox(), "meeting-dates")
        self.dates_hint = w.HTML()
        self.create_button = named(w.Button(description=t("training.create"), button_style="primary"),
                                   "create-training")
        self.cancel_button = named(w.Button(description=t("training.cancel")), "cancel-training")
        self.create_button.on_click(self._on_create_training)
        self.cancel_button.on_click(lambda _: self._show_new_training(False))
        self.program_select.observe(lambda _: self._rebuild_date_pickers(), names="value")
        style = {"description_width": "140px"}
        for widget in (self.program_select, self.group_name, self.organisation):
            widget.style = style
            widget.layout = w.Layout(width="min(100%, 520px)")
        self.new_training_box = named(w.VBox([
            w.HTML(f"<h3>{esc(t('training.new.title'))}</h3>"),
            self.program_select, self.group_name, self.organisation, self.dates_box, self.dates_hint,
            w.HBox([self.create_button, self.cancel_button]),
        ], layout=w.Layout(display="none")), "new-training-form", "pz-card")
        self._rebuild_date_pickers()

    def _rebuild_date_pickers(self) -> None:
        program = load_program(self.program_select.value)
        pickers = []
        for meeting in program.meetings:
            picker = named(w.DatePicker(description=t("training.meeting_date", number=meeting.number),
                                        style={"description_width": "140px"}), "meeting-date")
            pickers.append(picker)
        self.dates_box.children = pickers
        gaps = {m.weeks_after_previous for m in program.meetings if m.weeks_after_previous}
        self.dates_hint.value = (f"<div class='pz-note'>{esc(t('training.dates_hint', weeks=max(gaps)))}</div>"
                                 if gaps else "")

    def _build_planner(self) -> None:
        self.meeting_select = named(w.Dropdown(description=t("meeting.choose"),
                                               layout=w.Layout(width="min(100%, 520px)")), "meeting")
        self.meeting_select.observe(lambda _: self._on_meeting_chosen(), names="value")
        self.target = named(w.IntText(description=t("meeting.target"), layout=w.Layout(width="220px"),
                                      style={"description_width": "initial"}), "target")
        self.start_time = named(w.Text(description=t("meeting.start_time"), layout=w.Layout(width="220px"),
                                       style={"description_width": "initial"}), "start-time")
        self.target.observe(lambda _: self._render_plan(), names="value")
        self.start_time.observe(lambda _: self._render_plan(), names="value")
        self.plan_note = w.HTML()
        self.plan_message = Message("plan-message")
        self.timeline = named(w.HTML(), "timeline")
        self.start_button = named(w.Button(description=t("meeting.start"), button_style="success",
                                           icon="play", layout=w.Layout(width="auto", height="3em")),
                                  "start")
        self.start_button.on_click(self._on_start)
        self.checklist_title = w.HTML()
        self.checklist_box = named(w.VBox(), "checklist")
        self.planner = named(w.VBox([
            self.meeting_select,
            w.HBox([self.target, self.start_time], layout=w.Layout(flex_flow="row wrap")),
            self.plan_note, self.plan_message, self.timeline, self.start_button,
            w.HTML("<hr>"), self.checklist_title, self.checklist_box,
        ], layout=w.Layout(display="none")), "planner", "pz-card")

    def _build_runner(self) -> None:
        self.block_header = named(w.HTML(), "block-position")
        self.countdown = Countdown(warn_seconds=120, over_label=t("countdown.over"))
        self.current_block = named(w.HTML(), "current-block")
        self.next_button = named(w.Button(description=t("run.next"), button_style="primary",
                                          icon="forward"), "next")
        self.extend_button = named(w.Button(description=t("run.extend"), icon="clock-o"), "extend")
        self.skip_button = named(w.Button(description=t("run.skip"), icon="step-forward"), "skip")
        self.keep_end = named(w.ToggleButton(description=t("run.keep_end"), icon="lock"), "keep-end")
        self.reset_button = named(w.Button(description=t("run.reset"), button_style="danger"), "reset")
        for button in (self.next_button, self.extend_button, self.skip_button, self.keep_end,
                       self.reset_button):
            button.layout = w.Layout(width="auto", min_width="8em")
        self.next_button.on_click(lambda _: self._dispatch(schedule.advance))
        self.extend_button.on_click(lambda _: self._dispatch(lambda run, now: schedule.extend(run, now, 5)))
        self.skip_button.on_click(lambda _: self._dispatch(self._skip_next))
        self.keep_end.observe(self._on_keep_end, names="value")
        self.reset_button.on_click(self._on_reset)
        self.show_case = named(w.ToggleButton(description=t("case.show"), icon="eye",
                                              layout=w.Layout(width="auto")), "show-case")
        self.show_case.observe(lambda _: self._render_case(), names="value")
        self.case_screen = named(w.HTML(), "case-screen")
        self.end_summary = named(w.HTML(), "end-summary")
        self.upcoming = named(w.HTML(), "upcoming")
        self.run_message = Message("run-message")
        self.live = w.VBox([
            self.block_header, self.countdown, self.current_block,
            named(w.HBox([self.next_button, self.extend_button, self.skip_button, self.keep_end],
                         layout=w.Layout(flex_flow="row wrap")), "run-buttons", "pz-buttons"),
            self.run_message, self.show_case, self.case_screen, self.end_summary, self.upcoming,
            self.reset_button,
        ])
        self.finished = named(w.HTML(), "finished")
        self.again_button = named(w.Button(description=t("run.again")), "again")
        self.again_button.on_click(self._on_reset)
        self.done = w.VBox([self.finished, self.again_button])
        self.runner = named(w.VBox([self.live, self.done], layout=w.Layout(display="none")),
                            "runner", "pz-card")

    # ================================================================ training choice

    def _refresh_trainings(self, select: int | None = None) -> None:
        trainings = self.store.list_trainings()
        options = training_options(trainings)
        self.training_select.options = options
        if not options:
            self.message.ok(t("training.none"))
            self._show_new_training(True)
            self._show_training(None)
            return
        wanted = select if select is not None else (self.training.id if self.training else options[0][1])
        if wanted not in [value for _, value in options]:
            wanted = options[0][1]
        if self.training_select.value == wanted:
            self._show_training(wanted)
        else:
            self.training_select.value = wanted  # triggers _on_training_chosen

    def _on_training_chosen(self, change) -> None:
        self._show_training(change["new"])

    def _show_training(self, training_id: int | None) -> None:
        if training_id is None:
            self.training = self.program = None
            self.planner.layout.display = "none"
            self.runner.layout.display = "none"
            self.forms.show(None, None)
            self.slides_link.value = ""
            return
        try:
            self.training = self.store.find_training(training_id)
            self.program = load_program(self.training.program_id)
        except (StoreError, KeyError) as exc:
            self.message.error(str(exc))
            return
        options = [(t("meeting.option", number=m.number, title=m.title, minutes=m.minutes), m.number)
                   for m in self.program.meetings]
        self.meeting_select.options = options
        self.meeting_select.value = self._default_meeting()
        self._on_meeting_chosen()
        self._render_checklist()

    def _default_meeting(self) -> int:
        """A meeting that is running, else the first one dated today or later, else 1."""
        assert self.training and self.program
        for meeting in self.program.meetings:
            saved = self.store.load_run(self.training.id, meeting.number)
            if saved and saved.get("current") is not None:
                return meeting.number
        today = local(self.clock()).date()
        for meeting in self.program.meetings:
            day = self.training.meeting_date(meeting.number)
            if day and day >= today:
                return meeting.number
        return 1

    def _show_new_training(self, show: bool) -> None:
        self.new_training_box.layout.display = None if show else "none"

    def _on_create_training(self, _button) -> None:
        name = self.group_name.value.strip()
        if not name:
            self.message.error(t("training.name_missing"))
            return
        dates: tuple[date | None, ...] = tuple(p.value for p in self.dates_box.children)
        try:
            training = self.store.add_training(name, self.program_select.value, self.clock(),
                                               self.organisation.value, dates)
        except StoreError as exc:
            self.message.error(str(exc))
            return
        self.group_name.value = self.organisation.value = ""
        self._show_new_training(False)
        self.message.ok(t("training.created", name=training.name))
        self._refresh_trainings(select=training.id)

    # ================================================================ planning

    @property
    def meeting(self) -> Meeting | None:
        if self.program is None or self.meeting_select.value is None:
            return None
        return self.program.meeting(self.meeting_select.value)

    def _on_meeting_chosen(self) -> None:
        meeting = self.meeting
        if meeting is None:
            return
        self.target.value = meeting.minutes
        self.forms.show(self.training, meeting)
        self.slides_link.value = slides_link_html(self.program.id, meeting.number)
        now = local(self.clock())
        rounded = (now + timedelta(minutes=4)).replace(second=0, microsecond=0)
        rounded -= timedelta(minutes=rounded.minute % 5)
        self.start_time.value = f"{rounded:%H:%M}"
        self._load_run_and_render()

    def _target_minutes(self, meeting: Meeting) -> int | None:
        value = self.target.value
        if not meeting.minimum_minutes <= value <= meeting.minutes:
            self.plan_message.error(t("meeting.target.invalid", minimum=meeting.minimum_minutes,
                                      planned=meeting.minutes))
            return None
        return value

    def _render_plan(self) -> None:
        meeting = self.meeting
        if meeting is None or self.training is None:
            return
        day = self.training.meeting_date(meeting.number)
        note = t("meeting.target.hint", minimum=meeting.minimum_minutes, planned=meeting.minutes)
        if day:
            note = f"{t('meeting.date', date=f'{day:%d-%m-%Y}')} · {note}"
        self.plan_note.value = f"<div class='pz-note'>{esc(note)}</div>"
        target = self._target_minutes(meeting)
        try:
            clock = parse_clock(self.start_time.value)
        except ScheduleError as exc:
            self.plan_message.error(str(exc))
            self.start_button.disabled = True
            return
        if target is None:
            self.start_button.disabled = True
            return
        self.plan_message.clear()
        self.start_button.disabled = False
        start = datetime.combine(day or local(self.clock()).date(), clock)
        rows = plan_meeting(meeting, start, target)
        body = "".join(
            f"<tr><td>{r.start:%H:%M}–{r.end:%H:%M}</td><td class='pz-num'>{r.minutes}"
            + (f" <span class='pz-note'>({esc(t('table.was', minutes=r.block.minutes))})</span>"
               if r.shortened_by else "")
            + f"</td><td>{esc(r.block.title)}</td><td>{esc(leads_label(r.block))}</td></tr>"
            for r in rows)
        self.timeline.value = (
            f"<table class='pz-table'><thead><tr><th>{esc(t('table.time'))}</th>"
            f"<th class='pz-num'>{esc(t('table.minutes'))}</th><th>{esc(t('table.block'))}</th>"
            f"<th>{esc(t('table.leads'))}</th></tr></thead><tbody>{body}</tbody></table>"
            f"<p><b>{esc(t('meeting.total', minutes=target, end=f'{rows[-1].end:%H:%M}'))}</b></p>")

    def _render_checklist(self) -> None:
        """The preparation checklist of the chosen training, ticks as stored.

        The checkboxes are made once per training and then only updated: a page that
        re-selects the same training (a dropdown echo from the browser) must not replace a
        box the trainer is clicking at that moment.
        """
        assert self.training
        checklist = load_checklist(self.training.program_id)
        if checklist is None:
            self.checklist_title.value = ""
            self.checklist_box.children = ()
            self._checklist_for = None
            return
        if self._checklist_for != self.training.id:
            boxes = []
            for item in checklist.items:
                label = item.text + (f" ({item.when})" if item.when else "")
                box = named(w.Checkbox(description=label, indent=False, layout=w.Layout(width="auto")),
                            "checklist-item")
                box.observe(lambda change, item_id=item.id: self._on_tick(item_id, change["new"]), names="value")
                box.item_id = item.id
                boxes.append(box)
            self.checklist_box.children = boxes
            self._checklist_for = self.training.id
        self._show_ticks()

    def _show_ticks(self) -> None:
        """Make the boxes and the count agree with the ticks in the store."""
        assert self.training
        ticks = self.store.checklist_ticks(self.training.id)
        self._syncing_ticks = True
        try:
            for box in self.checklist_box.children:
                if box.value != (box.item_id in ticks):
                    box.value = box.item_id in ticks
        finally:
            self._syncing_ticks = False
        done = sum(1 for box in self.checklist_box.children if box.item_id in ticks)
        self.checklist_title.value = (
            f"<h3>{esc(t('checklist.title', done=done, total=len(self.checklist_box.children)))}</h3>")

    def _on_tick(self, item_id: str, ticked: bool) -> None:
        if self.training is None or self._syncing_ticks:
            return
        try:
            self.store.set_checklist_tick(self.training.id, item_id, ticked, self.clock())
        except StoreError as exc:
            self.message.error(str(exc))
        self._show_ticks()

    # ================================================================ running

    def _on_start(self, _button) -> None:
        meeting = self.meeting
        if meeting is None or self.training is None:
            return
        target = self._target_minutes(meeting)
        if target is None:
            return
        now = self.clock()
        run = schedule.start(*meeting.lengths(), target, now)
        try:
            self.store.save_run(self.training.id, meeting.number, run.to_dict(), now)
        except StoreError as exc:
            self.plan_message.error(str(exc))
            return
        self.run = run
        self._render_run()

    def _load_run_and_render(self) -> None:
        meeting = self.meeting
        if self.training is None or meeting is None:
            return
        saved = self.store.load_run(self.training.id, meeting.number)
        self.run = Run.from_dict(saved) if saved else None
        self._render_run()

    def _dispatch(self, action: Callable[[Run, datetime], Run]) -> None:
        """Apply ``action`` to the latest stored run, save it, and show it."""
        meeting = self.meeting
        if self.training is None or meeting is None:
            return
        now = self.clock()
        try:
            saved = self.store.load_run(self.training.id, meeting.number)
            if saved is None:
                self._load_run_and_render()
                return
            run = action(Run.from_dict(saved), now)
            self.store.save_run(self.training.id, meeting.number, run.to_dict(), now)
        except (ScheduleError, StoreError) as exc:
            self.run_message.error(str(exc))
            return
        self.run_message.clear()
        self.run = run
        self._render_run()

    @staticmethod
    def _skip_next(run: Run, now: datetime) -> Run:
        upcoming = schedule.project(run, now).upcoming
        if not upcoming:
            raise ScheduleError(t("run.nothing_next"))
        return schedule.skip(run, upcoming[0].index, now)

    def _on_keep_end(self, change) -> None:
        if self.run is not None and self.run.keep_end != change["new"]:
            self._dispatch(lambda run, now: schedule.set_keep_end(run, change["new"]))

    def _on_reset(self, button) -> None:
        meeting = self.meeting
        if self.training is None or meeting is None:
            return
        if button is self.reset_button and button.description != t("run.reset.confirm"):
            button.description = t("run.reset.confirm")  # a second click is needed
            return
        self.reset_button.description = t("run.reset")
        try:
            self.store.remove_run(self.training.id, meeting.number)
        except StoreError as exc:
            self.run_message.error(str(exc))
            return
        self.run = None
        self._render_run()

    def _render_run(self) -> None:
        running = self.run is not None
        self.planner.layout.display = "none" if running else None
        self.runner.layout.display = None if running else "none"
        self.training_select.disabled = self.meeting_select.disabled = running
        if not running:
            self._refresher.stop()
            self.countdown.clear()
            self._render_plan()
            return
        assert self.run is not None
        if self.run.is_over:
            self._refresher.stop()
            self.live.layout.display = "none"
            self.done.layout.display = None
            self.countdown.clear()
            self.finished.value = self._finished_html(self.run)
            return
        self.live.layout.display = None
        self.done.layout.display = "none"
        self._render_live(self.clock())
        self._refresher.start()

    def _render_live(self, now: datetime) -> None:
        run, meeting = self.run, self.meeting
        assert run is not None and meeting is not None and run.current is not None
        projection = schedule.project(run, now)
        block = meeting.blocks[run.current]
        self.block_header.value = (
            f"<div class='pz-note'>{esc(t('run.block_of', number=run.current + 1, total=len(meeting.blocks)))}"
            f" · {_hhmm(projection.current.start)}–{_hhmm(projection.current.end)}</div>")
        self.countdown.count_to(projection.current.end, label=block.title)
        self.current_block.value = self._block_html(block)
        is_last = not projection.upcoming
        self.next_button.description = t("run.last") if is_last else t("run.next")
        self.skip_button.disabled = is_last
        if self.keep_end.value != run.keep_end:
            self.keep_end.value = run.keep_end
        self.end_summary.value = self._end_html(projection)
        self.upcoming.value = self._upcoming_html(meeting, projection)
        self.show_case.layout.display = None if block.cases else "none"
        self._render_case()

    def _render_case(self) -> None:
        """The cases of the current block, for the screen (plenary), with links for the simulant."""
        meeting, run = self.meeting, self.run
        block = meeting.blocks[run.current] if meeting and run and run.current is not None else None
        self.show_case.description = t("case.hide") if self.show_case.value else t("case.show")
        if block is None or not block.cases or not self.show_case.value:
            self.case_screen.value = ""
            return
        parts = []
        for case_id in block.cases:
            case = load_case(case_id)
            link = f"case.ipynb?case={case.id}&view=simulant"
            parts.append(screen_html(case) + f"<p><a href='{esc(link)}' target='_blank'>"
                         f"{esc(t('case.simulant'))}: {esc(case.title)}</a></p>")
        self.case_screen.value = "<hr>".join(parts)

    @staticmethod
    def _block_html(block) -> str:
        items = "".join(f"<li>{esc(line)}</li>" for line in block.instructions)
        materials = "".join(f"<li>{esc(line)}</li>" for line in block.materials)
        return (
            f"<div class='pz-block'><div class='pz-block-title'>{esc(block.title)}</div>"
            f"<div class='pz-block-meta'><b>{esc(t('run.leads'))}:</b> {esc(leads_label(block))}</div>"
            f"<div class='pz-block-meta'><b>{esc(t('run.goal'))}:</b> {esc(block.goal)}</div>"
            f"<div class='pz-block-meta'><b>{esc(t('run.instructions'))}:</b></div><ul>{items}</ul>"
            + (f"<div class='pz-block-meta'><b>{esc(t('run.materials'))}:</b></div><ul>{materials}</ul>"
               if materials else "")
            + "</div>")

    @staticmethod
    def _end_html(projection: Projection) -> str:
        planned = _hhmm(projection.end_at)
        late = projection.late_seconds
        if projection.keep_end and late > 0:
            status = f"<span class='pz-late'>{esc(t('run.cannot_keep', planned=planned, minutes=_minutes_text(late)))}</span>"
        elif late >= 60:
            status = f"<span class='pz-late'>{esc(t('run.late', minutes=_minutes_text(late), planned=planned))}</span>"
        elif late <= -60:
            status = f"<span class='pz-early'>{esc(t('run.early', minutes=_minutes_text(late), planned=planned))}</span>"
        else:
            status = esc(t("run.on_time"))
        return f"<div class='pz-block-meta'><b>{esc(t('run.ends_at', end=_hhmm(projection.end)))}</b> · {status}</div>"

    @staticmethod
    def _upcoming_html(meeting: Meeting, projection: Projection) -> str:
        if not projection.upcoming:
            return f"<p class='pz-note'>{esc(t('run.nothing_next'))}</p>"
        rows = []
        for slot in projection.upcoming:
            block = meeting.blocks[slot.index]
            was = (f" <span class='pz-note'>({esc(t('table.was', minutes=block.minutes))})</span>"
                   if slot.minutes != block.minutes else "")
            rows.append(f"<tr><td>{_hhmm(slot.start)}–{_hhmm(slot.end)}</td>"
                        f"<td class='pz-num'>{slot.minutes}{was}</td><td>{esc(block.title)}</td>"
                        f"<td>{esc(leads_label(block))}</td></tr>")
        return (f"<h3>{esc(t('run.upcoming'))}</h3><table class='pz-table'><thead><tr>"
                f"<th>{esc(t('table.time'))}</th><th class='pz-num'>{esc(t('table.minutes'))}</th>"
                f"<th>{esc(t('table.block'))}</th><th>{esc(t('table.leads'))}</th></tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>")

    def _finished_html(self, run: Run) -> str:
        meeting = self.meeting
        assert meeting is not None
        rows = []
        for done in run.finished:
            block = meeting.blocks[done.index]
            minutes = round((done.end - done.start).total_seconds() / 60)
            actual = esc(t("table.skipped")) if done.skipped and minutes == 0 else f"{minutes}"
            rows.append(f"<tr class='{'pz-row-skipped' if done.skipped else ''}'>"
                        f"<td>{_hhmm(done.start)}–{_hhmm(done.end)}</td><td>{esc(block.title)}</td>"
                        f"<td class='pz-num'>{run.planned[done.index]}</td><td class='pz-num'>{actual}</td></tr>")
        for index in sorted(run.skipped - {d.index for d in run.finished}):
            rows.append(f"<tr class='pz-row-skipped'><td></td><td>{esc(meeting.blocks[index].title)}</td>"
                        f"<td class='pz-num'>{run.planned[index]}</td><td>{esc(t('table.skipped'))}</td></tr>")
        ended = _hhmm(run.ended_at or run.current_started_at)
        return (f"<h2>{esc(t('run.over', time=ended))}</h2><table class='pz-table'><thead><tr>"
                f"<th>{esc(t('table.time'))}</th><th>{esc(t('table.block'))}</th>"
                f"<th class='pz-num'>{esc(t('table.minutes'))}</th><th class='pz-num'>{esc(t('table.actual'))}</th>"
                f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")

    # ================================================================ live refresh

    def refresh(self) -> None:
        """Re-read the run from the store and re-render (another tab may have changed it)."""
        meeting = self.meeting
        if self.training is None or meeting is None:
            return
        saved = self.store.load_run(self.training.id, meeting.number)
        if (saved or None) != (self.run.to_dict() if self.run else None):
            self.run = Run.from_dict(saved) if saved else None
            self._render_run()
        elif self.run is not None and not self.run.is_over:
            # The times of later blocks depend on "now" while a block runs over.
            now = self.clock()
            projection = schedule.project(self.run, now)
            self.end_summary.value = self._end_html(projection)
            self.upcoming.value = self._upcoming_html(meeting, projection)



def trainer_app(db: str | None = None) -> w.Widget:
    """The trainer page as a widget (what ``notebooks/trainer.ipynb`` shows)."""
    return open_page(TrainerApp, db)


__all__ = ["TrainerApp", "trainer_app"]
