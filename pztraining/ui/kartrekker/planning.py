"""Tab "Planning": the programme's implementation planning month by month, trainings placed on it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import ipywidgets as w

from pztraining.content import library
from pztraining.core.clock import local, local_zone
from pztraining.core.texts import t
from pztraining.services.kartrekker import planning as logic
from pztraining.services.kartrekker.gather import plan_choice, planned_trainings, plannings_for
from pztraining.store import Store, StoreError
from pztraining.ui.common import esc, named, set_options


class PlanningView:
    """A chosen planning from a chosen month: a row per activity, a row of stored trainings."""

    def __init__(self, store: Store, clock: Callable[[], datetime]):
        self.store, self.clock = store, clock
        self.organisation, self.program_id = "", ""
        self.plan_select = named(
            w.Dropdown(description=t("kt.plan.choose"), layout=w.Layout(width="min(100%, 560px)")), "planning-choice"
        )
        self.start_select = named(w.Dropdown(description=t("kt.plan.start")), "plan-start")
        self.plan_select.observe(lambda _: self._chosen(), names="value")
        self.start_select.observe(lambda _: self._chosen(), names="value")
        self.saved_note = named(w.HTML(), "plan-saved")
        self.timeline = named(w.HTML(), "timeline")
        self.root = w.VBox(
            [
                w.HBox([self.plan_select, self.start_select, self.saved_note], layout=w.Layout(flex_flow="row wrap")),
                self.timeline,
            ]
        )
        self._trainings: list[logic.PlannedTraining] = []
        self._quiet = False

    def show(self, organisation: str, program_id: str) -> None:
        self.organisation, self.program_id = organisation, program_id
        today = local(self.clock()).date()
        self._trainings = planned_trainings(self.store, organisation, program_id, local_zone())
        choice = plan_choice(self.store, organisation, program_id, [tr.day for tr in self._trainings], today)
        assert choice is not None  # every programme is offered every shipped planning
        self._quiet = True  # one drawing below, not one per changed choice, and nothing saved
        try:
            set_options(self.plan_select, [(p.title, p.id) for p in plannings_for(program_id)])
            self.plan_select.value = choice.plan.id
            first = choice.start
            earliest = min(first, logic.add_months(today.replace(day=1), -24))
            months = [logic.add_months(earliest, i) for i in range(logic.month_number(earliest, today) + 24)]
            set_options(self.start_select, [(logic.month_label(m), m) for m in months])
            self.start_select.value = first
        finally:
            self._quiet = False
        self.saved_note.value = (
            f"<span class='pz-note'>{esc(t('kt.plan.saved_start'))}</span>"
            if choice.saved
            else f"<span class='pz-note'>{esc(t('kt.plan.default_start'))}</span>"
        )
        self.render()

    def _chosen(self) -> None:
        """The kartrekker chose a planning or start month: keep it, then draw."""
        if self._quiet or not self.plan_select.value or self.start_select.value is None:
            return
        try:
            self.store.set_plan_start(
                self.organisation, self.program_id, self.plan_select.value, self.start_select.value, self.clock()
            )
        except StoreError as exc:
            self.saved_note.value = f"<span class='pz-message-error' role='alert'>{esc(str(exc))}</span>"
        else:
            saved = t("kt.plan.saved", month=logic.month_label(self.start_select.value))
            self.saved_note.value = f"<span class='pz-note'>{esc(saved)}</span>"
        self.render()

    def render(self) -> None:
        """Draw the timeline for the chosen planning and start month."""
        if self._quiet or not self.plan_select.value or self.start_select.value is None:
            return
        plan = library().plannings[self.plan_select.value]
        line = logic.timeline(plan, self.start_select.value, self._trainings, local(self.clock()).date())
        head = "".join(
            f"<th class='{'pz-month-now' if i + 1 == line.current else ''}'>{esc(logic.month_label(m))}</th>"
            for i, m in enumerate(line.months)
        )
        body = []
        for row in line.rows:
            state = " pz-overdue" if row.overdue else (" pz-done" if row.done else "")
            cells = "".join(
                f"<td class='pz-plan-cell{' pz-planned' if m in row.months else ''}'>"
                f"{'■' if m in row.months else ''}</td>"
                for m in range(1, len(line.months) + 1)
            )
            flag = (
                f" <b class='pz-overdue-flag'>⚠ {esc(t('kt.plan.overdue'))}</b>"
                if row.overdue
                else (f" <span class='pz-note'>✓ {esc(t('kt.plan.done'))}</span>" if row.done else "")
            )
            body.append(
                f"<tr class='pz-plan-row{state}'><td><span class='pz-note'>{esc(row.phase)}</span><br>"
                f"{esc(row.text)}{flag}</td>{cells}</tr>"
            )
        trainings = "".join(
            "<td class='pz-plan-training'>" + "<br>".join(esc(tr.name) for tr in line.trainings.get(m, ())) + "</td>"
            for m in range(1, len(line.months) + 1)
        )
        body.append(f"<tr class='pz-plan-trainings'><td><b>{esc(t('kt.plan.trainings'))}</b></td>{trainings}</tr>")
        notes = []
        if not self._trainings:
            notes.append(t("kt.plan.none"))
        if line.outside:
            notes.append(t("kt.plan.outside", names=", ".join(f"{tr.name} ({tr.day:%d-%m-%Y})" for tr in line.outside)))
        if plan.trainings_per_year:
            notes.append(t("kt.plan.target", count=plan.trainings_per_year))
        self.timeline.value = (
            "".join(f"<p class='pz-note'>{esc(n)}</p>" for n in notes)
            + "<div class='pz-timeline-scroll'><table class='pz-table pz-timeline'>"
            f"<tr><th>{esc(t('kt.plan.activity'))}</th>{head}</tr>{''.join(body)}</table></div>"
        )
