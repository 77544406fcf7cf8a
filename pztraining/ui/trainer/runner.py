"""Running a meeting: the current block with its countdown, the buttons, what is next, the end.

Every press is one versioned store transaction (``Store.update_run``) with an action of
:mod:`pztraining.domain.schedule`; "Volgende blok" and "overslaan" carry the version the browser
showed (:class:`PressButton`), so a double click moves on once. The page re-reads the run
every few seconds, so another tab, a reload or a server restart shows the same run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import ipywidgets as w

from pztraining.content import Meeting, load_case
from pztraining.core.texts import t
from pztraining.domain import schedule
from pztraining.domain.schedule import Run, ScheduleError
from pztraining.store import Store, StoreError
from pztraining.ui.case_view import screen_html
from pztraining.ui.common import Message, Refresher, esc, named
from pztraining.ui.countdown import Countdown
from pztraining.ui.press_button import PressButton
from pztraining.ui.trainer.tables import block_html, end_html, finished_html, hhmm, upcoming_html

#: How often a running page re-reads the store (another tab may have moved on) and
#: refreshes the re-planned times, in seconds. The countdown itself runs in the browser.
REFRESH_SECONDS = 5.0


class Runner:
    """The run of one meeting. ``on_change()`` is called whenever the shown run changed."""

    def __init__(self, store: Store, clock: Callable[[], datetime], on_change: Callable[[], None]):
        self.store, self.clock, self.on_change = store, clock, on_change
        self.training_id: int | None = None
        self.meeting: Meeting | None = None
        self.run: Run | None = None
        self.version = 0  # of the run shown (Store.update_run); 0 when never run
        self._refresher = Refresher(self.refresh, REFRESH_SECONDS)
        self.block_header = named(w.HTML(), "block-position")
        self.countdown = Countdown(warn_seconds=120, over_label=t("countdown.over"))
        self.current_block = named(w.HTML(), "current-block")
        self.next_button = PressButton("next", t("run.next"), button_style="primary", icon="forward")
        self.extend_button = named(w.Button(description=t("run.extend"), icon="clock-o"), "extend")
        self.skip_button = PressButton("skip", t("run.skip"), icon="step-forward")
        self.keep_end = named(w.ToggleButton(description=t("run.keep_end"), icon="lock"), "keep-end")
        self.reset_button = named(w.Button(description=t("run.reset"), button_style="danger"), "reset")
        for button in (self.next_button, self.extend_button, self.skip_button, self.keep_end, self.reset_button):
            button.layout = w.Layout(width="auto", min_width="8em")
        #: Buttons whose press is about the state shown: they carry its version.
        self.versioned: list[PressButton] = [self.next_button, self.skip_button]
        self.next_button.on_press(lambda version: self.dispatch(schedule.Advance(), version))
        self.skip_button.on_press(lambda version: self.dispatch(schedule.SkipNext(), version))
        self.extend_button.on_click(lambda _: self.dispatch(schedule.Extend(5)))
        self.keep_end.observe(self._on_keep_end, names="value")
        self.reset_button.on_click(self._on_reset)
        self.show_case = named(
            w.ToggleButton(description=t("case.show"), icon="eye", layout=w.Layout(width="auto")), "show-case"
        )
        self.show_case.observe(lambda _: self._render_case(), names="value")
        self.case_screen = named(w.HTML(), "case-screen")
        self.end_summary = named(w.HTML(), "end-summary")
        self.upcoming = named(w.HTML(), "upcoming")
        self.run_message = Message("run-message")
        #: Beside the countdown: what the phones do (the app puts the forms panel's summary here).
        self.side = named(w.VBox(), "run-side")
        # On a beamer laptop (1280x720) the countdown, "Volgende blok", the phones and the
        # current block share the first screen: two columns, the block scrolling in its own box
        # (style.css), so the trainer never scrolls the countdown away to reach a button.
        main = named(
            w.VBox(
                [
                    self.countdown,
                    named(
                        w.HBox(
                            [self.next_button, self.extend_button, self.skip_button, self.keep_end],
                            layout=w.Layout(flex_flow="row wrap"),
                        ),
                        "run-buttons",
                        "pz-buttons",
                    ),
                    self.run_message,
                    self.side,
                ]
            ),
            "live-main",
        )
        self.live = w.VBox(
            [
                self.block_header,
                named(w.HBox([main, named(w.VBox([self.current_block, self.show_case]), "live-block")]), "live-grid"),
                self.case_screen,
                self.end_summary,
                self.upcoming,
                self.reset_button,
            ]
        )
        self.finished = named(w.HTML(), "finished")
        self.again_button = named(w.Button(description=t("run.again")), "again")
        self.again_button.on_click(self._on_reset)
        self.done = w.VBox([self.finished, self.again_button])
        self.root = named(w.VBox([self.live, self.done], layout=w.Layout(display="none")), "runner", "pz-card")

    # ================================================================ store

    def show(self, training_id: int | None, meeting: Meeting | None) -> None:
        """Show the stored run of a training's meeting (nothing when there is none)."""
        self.training_id, self.meeting = training_id, meeting
        state, version = (
            (None, 0) if training_id is None or meeting is None else self.store.find_run(training_id, meeting.number)
        )
        self._show(state, version)

    def dispatch(self, action: schedule.Action, version: int | None = None, message: Message | None = None) -> bool:
        """Apply ``action`` to the latest stored run in one store transaction; True when applied.

        ``version`` is the version of the run the page showed when the button was pressed;
        it is checked only for positional actions (:func:`schedule.checks_version`).
        """
        message = message or self.run_message
        if self.training_id is None or self.meeting is None:
            return False
        now = self.clock()
        try:
            state, latest, applied = self.store.update_run(
                self.training_id,
                self.meeting.number,
                lambda old: schedule.step(old, action, now),
                now,
                expected_version=version if schedule.checks_version(action) else None,
            )
        except (ScheduleError, StoreError) as exc:
            message.error(str(exc))
            return False
        message.clear()
        if applied:
            self.run_message.clear()
        else:  # said with the run the page now shows (the planner may be gone)
            self.run_message.error(t("run.conflict"))
        self._show(state, latest)
        return applied

    def refresh(self) -> None:
        """Re-read the run from the store and re-render (another tab may have changed it)."""
        if self.training_id is None or self.meeting is None:
            return
        state, version = self.store.find_run(self.training_id, self.meeting.number)
        if version != self.version:
            self._show(state, version)
        elif self.run is not None and not self.run.is_over:
            # The times of later blocks depend on "now" while a block runs over.
            projection = schedule.project(self.run, self.clock())
            self.end_summary.value = end_html(projection)
            self.upcoming.value = upcoming_html(self.meeting, projection)

    def _on_keep_end(self, change) -> None:
        if self.run is not None and self.run.keep_end != change["new"]:
            self.dispatch(schedule.KeepEnd(change["new"]))

    def _on_reset(self, button) -> None:
        if button is self.reset_button and button.description != t("run.reset.confirm"):
            button.description = t("run.reset.confirm")  # a second click is needed
            return
        self.reset_button.description = t("run.reset")
        self.dispatch(schedule.Reset(), self.version)

    # ================================================================ rendering

    def _show(self, state: dict | None, version: int) -> None:
        self.run = Run.from_dict(state) if state else None
        self.version = version
        for button in self.versioned:
            button.version = version
        self._render()
        self.on_change()

    def _render(self) -> None:
        run = self.run
        self.root.layout.display = "none" if run is None else None
        if run is None or run.is_over:
            self._refresher.stop()
            self.countdown.clear()
        if run is None:
            return
        if run.is_over:
            self.live.layout.display = "none"
            self.done.layout.display = None
            assert self.meeting is not None  # a run belongs to a meeting
            self.finished.value = finished_html(self.meeting, run)
            return
        self.live.layout.display = None
        self.done.layout.display = "none"
        self._render_live(self.clock())
        self._refresher.start()

    def _render_live(self, now: datetime) -> None:
        run, meeting = self.run, self.meeting
        assert run is not None and meeting is not None and run.current is not None
        projection = schedule.project(run, now)
        current = projection.current
        assert current is not None  # the run has a current block
        block = meeting.blocks[run.current]
        self.block_header.value = (
            f"<div class='pz-note'>{esc(t('run.block_of', number=run.current + 1, total=len(meeting.blocks)))}"
            f" · {hhmm(current.start)}–{hhmm(current.end)}</div>"
        )
        self.countdown.count_to(current.end, label=block.title)
        self.current_block.value = block_html(block)
        is_last = not projection.upcoming
        self.next_button.description = t("run.last") if is_last else t("run.next")
        self.skip_button.disabled = is_last
        if self.keep_end.value != run.keep_end:
            self.keep_end.value = run.keep_end
        self.end_summary.value = end_html(projection)
        self.upcoming.value = upcoming_html(meeting, projection)
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
            parts.append(
                screen_html(case) + f"<p><a href='{esc(link)}' target='_blank'>"
                f"{esc(t('case.simulant'))}: {esc(case.title)}</a></p>"
            )
        self.case_screen.value = "<hr>".join(parts)
