"""Planning a meeting: the meeting, its target length and start time, the timeline, "Start"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import ipywidgets as w

from pztraining.content import Meeting
from pztraining.core.clock import local
from pztraining.core.texts import t
from pztraining.domain.agenda import leads_label, parse_clock, plan_meeting
from pztraining.domain.schedule import ScheduleError
from pztraining.store import Training
from pztraining.ui.common import Message, esc, named
from pztraining.ui.press_button import PressButton
from pztraining.ui.trainer.checklist import Checklist


class Planner:
    """The plan of the chosen meeting; "Start" calls ``on_start(target minutes, version shown)``."""

    def __init__(self, clock: Callable[[], datetime], checklist: Checklist, on_start: Callable[[int, int], None]):
        self.clock, self.on_start = clock, on_start
        self.training: Training | None = None
        self.meeting: Meeting | None = None
        self.meeting_select = named(
            w.Dropdown(description=t("meeting.choose"), layout=w.Layout(width="min(100%, 520px)")), "meeting"
        )
        self.target = named(
            w.IntText(
                description=t("meeting.target"), layout=w.Layout(width="220px"), style={"description_width": "initial"}
            ),
            "target",
        )
        self.start_time = named(
            w.Text(
                description=t("meeting.start_time"),
                layout=w.Layout(width="220px"),
                style={"description_width": "initial"},
            ),
            "start-time",
        )
        self.target.observe(lambda _: self.render(), names="value")
        self.start_time.observe(lambda _: self.render(), names="value")
        self.plan_note = w.HTML()
        self.plan_message = Message("plan-message")
        self.timeline = named(w.HTML(), "timeline")
        self.start_button = PressButton(
            "start",
            t("meeting.start"),
            button_style="success",
            icon="play",
            layout=w.Layout(width="auto", height="3em"),
        )
        self.start_button.on_press(self._on_start)
        self.root = named(
            w.VBox(
                [
                    self.meeting_select,
                    w.HBox([self.target, self.start_time], layout=w.Layout(flex_flow="row wrap")),
                    self.plan_note,
                    self.plan_message,
                    self.timeline,
                    self.start_button,
                    w.HTML("<hr>"),
                    checklist.root,
                ],
                layout=w.Layout(display="none"),
            ),
            "planner",
            "pz-card",
        )

    def show(self, training: Training, meeting: Meeting) -> None:
        """Plan ``meeting``: its full length, starting at the next five minutes from now."""
        self.training, self.meeting = training, meeting
        self.target.value = meeting.minutes
        rounded = (local(self.clock()) + timedelta(minutes=4)).replace(second=0, microsecond=0)
        rounded -= timedelta(minutes=rounded.minute % 5)
        self.start_time.value = f"{rounded:%H:%M}"
        self.render()

    def target_minutes(self) -> int | None:
        """The target length, or None (with the reason shown) when the meeting cannot be that short."""
        meeting = self.meeting
        assert meeting is not None
        value = self.target.value
        if not meeting.minimum_minutes <= value <= meeting.minutes:
            self.plan_message.error(
                t("meeting.target.invalid", minimum=meeting.minimum_minutes, planned=meeting.minutes)
            )
            return None
        return value

    def render(self) -> None:
        """The timeline for the target and start time as typed."""
        meeting = self.meeting
        if meeting is None or self.training is None:
            return
        day = self.training.meeting_date(meeting.number)
        note = t("meeting.target.hint", minimum=meeting.minimum_minutes, planned=meeting.minutes)
        if day:
            note = f"{t('meeting.date', date=f'{day:%d-%m-%Y}')} · {note}"
        self.plan_note.value = f"<div class='pz-note'>{esc(note)}</div>"
        target = self.target_minutes()
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
            + (
                f" <span class='pz-note'>({esc(t('table.was', minutes=r.block.minutes))})</span>"
                if r.shortened_by
                else ""
            )
            + f"</td><td>{esc(r.block.title)}</td><td>{esc(leads_label(r.block))}</td></tr>"
            for r in rows
        )
        self.timeline.value = (
            f"<table class='pz-table'><thead><tr><th>{esc(t('table.time'))}</th>"
            f"<th class='pz-num'>{esc(t('table.minutes'))}</th><th>{esc(t('table.block'))}</th>"
            f"<th>{esc(t('table.leads'))}</th></tr></thead><tbody>{body}</tbody></table>"
            f"<p><b>{esc(t('meeting.total', minutes=target, end=f'{rows[-1].end:%H:%M}'))}</b></p>"
        )

    def _on_start(self, version: int) -> None:
        if self.meeting is None:
            return
        target = self.target_minutes()
        if target is not None:
            self.on_start(target, version)
