"""Tab "Randvoorwaarden": score every implementation condition, see progress and what comes first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import ipywidgets as w

from pztraining.core.clock import local
from pztraining.core.texts import t
from pztraining.services.kartrekker import conditions as logic
from pztraining.services.kartrekker.gather import conditions_for
from pztraining.store import Store
from pztraining.ui.common import Message, esc, named


def _when(moment: datetime) -> str:
    return f"{local(moment):%d-%m-%Y %H:%M}"


class ConditionsView:
    """One row per condition: a score (niet / gedeeltelijk / wel), a remark, and how it went last time."""

    def __init__(self, store: Store, clock: Callable[[], datetime]):
        self.store, self.clock = store, clock
        self.organisation, self.program_id = "", ""
        self.message = Message("conditions-message")
        self.summary = named(w.HTML(), "conditions-summary")
        self.rows = named(w.VBox(), "conditions")
        self.save_button = named(
            w.Button(description=t("kt.cond.save"), button_style="primary", icon="save"), "condition-save"
        )
        self.save_button.on_click(lambda _: self.save())
        self.history = named(w.HTML(), "conditions-history")
        self.root = w.VBox([self.summary, self.rows, self.save_button, self.message, self.history])
        self._scores: dict[str, w.ToggleButtons] = {}
        self._remarks: dict[str, w.Text] = {}
        self._notes: dict[str, w.HTML] = {}
        self._shown_for: str | None = None

    def show(self, organisation: str, program_id: str) -> None:
        """Show the checklist of ``program_id`` with the organisation's latest scores filled in."""
        self.organisation, self.program_id = organisation, program_id
        checklist = conditions_for(program_id)
        if self._shown_for != checklist.id:
            self._build(checklist)
        progress = logic.progress(checklist, self.store.condition_scores(organisation, program_id))
        for status in progress.statuses:
            self._scores[status.id].value = status.score
            self._remarks[status.id].value = status.remark
        self._describe(progress)

    def _build(self, checklist) -> None:
        rows, group = [], None
        self._scores, self._remarks, self._notes = {}, {}, {}
        options = [(t(f"kt.score.{score}"), score) for score in logic.CONDITION_SCORES]
        for condition in checklist.conditions:
            if condition.group != group:
                group = condition.group
                rows.append(w.HTML(f"<h3>{esc(group)}</h3>"))
            score = named(
                w.ToggleButtons(options=options, value=None, style={"button_width": "auto"}), "condition-score"
            )
            remark = named(
                w.Text(placeholder=t("kt.cond.remark"), layout=w.Layout(width="min(100%, 420px)")), "condition-remark"
            )
            note = named(w.HTML(), "condition-note")
            self._scores[condition.id], self._remarks[condition.id], self._notes[condition.id] = score, remark, note
            rows.append(
                named(
                    w.VBox(
                        [
                            w.HTML(f"<div class='pz-condition-text'>{esc(condition.text)}</div>"),
                            w.HBox([score, remark], layout=w.Layout(flex_flow="row wrap")),
                            note,
                        ]
                    ),
                    "condition",
                    f"pz-condition-{condition.id}",
                    "pz-card",
                )
            )
        self.rows.children = rows
        self._shown_for = checklist.id

    def _describe(self, progress: logic.Progress) -> None:
        counts = progress.counts()
        parts = [f"<p>{esc(t('kt.cond.summary', **counts))}</p>"]
        if progress.rounds:
            parts.append(f"<p class='pz-note'>{esc(t('kt.cond.last', when=_when(progress.rounds[-1].scored_at)))}</p>")
            attention = progress.attention()
            if attention:
                items = "".join(
                    f"<li>{esc(s.text)} <span class='pz-note'>"
                    f"({esc(t(f'kt.score.{s.score}') if s.score else t('kt.score.open'))})</span></li>"
                    for s in attention[:5]
                )
                parts.append(f"<h3>{esc(t('kt.cond.attention'))}</h3><ol class='pz-attention'>{items}</ol>")
            else:
                parts.append(f"<p>{esc(t('kt.cond.all_met'))}</p>")
        else:
            parts.append(f"<p class='pz-note'>{esc(t('kt.cond.never'))}</p>")
        parts += [
            f"<p class='pz-message-error'>{esc(t('kt.cond.dropped', text=text))}</p>" for _cid, text in progress.dropped
        ]
        self.summary.value = "".join(parts)
        version = conditions_for(self.program_id).version
        for status in progress.statuses:
            notes = []
            if status.previous:
                assert status.change is not None  # set whenever there is a previous score
                trend = {1: "kt.cond.better", -1: "kt.cond.worse", 0: "kt.cond.same"}[status.change]
                notes.append(f"{t('kt.cond.previous', score=t(f'kt.score.{status.previous}'))} – {t(trend)}")
            if status.old_text is not None:
                notes.append(t("kt.cond.changed", old=status.old_version, new=version, text=status.old_text))
            self._notes[status.id].value = "".join(f"<div class='pz-note'>{esc(n)}</div>" for n in notes)
        rounds = "".join(
            f"<li>{esc(t('kt.cond.round', when=_when(r.scored_at), **r.counts))}</li>"
            for r in reversed(progress.rounds)
        )
        self.history.value = f"<h3>{esc(t('kt.cond.history'))}</h3><ul>{rounds}</ul>" if rounds else ""

    def save(self) -> None:
        """Keep this scoring round (every condition that has a score) with today's moment."""
        checklist = conditions_for(self.program_id)
        scores = [
            (c.id, checklist.version, c.text, self._scores[c.id].value, self._remarks[c.id].value)
            for c in checklist.conditions
            if self._scores[c.id].value
        ]
        if not scores:
            self.message.error(t("kt.cond.nothing"))
            return
        now = self.clock()
        if self.message.attempt(
            lambda: self.store.add_condition_scores(
                self.organisation, self.program_id, logic.checked_round(scores), now
            )
        ):
            self.show(self.organisation, self.program_id)
            self.message.ok(t("kt.cond.saved", count=len(scores), when=_when(now)))
