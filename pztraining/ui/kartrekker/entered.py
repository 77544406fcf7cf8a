"""Part of tab "Borging": enter an indicator the store cannot measure, per half-year or year."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import ipywidgets as w

from pztraining.core.errors import ScopeError
from pztraining.core.texts import t
from pztraining.domain.periods import check_span
from pztraining.services.kartrekker import entered as logic
from pztraining.services.kartrekker.indicators import Bucket
from pztraining.store import Store, StoreError
from pztraining.ui.common import Message, esc, named, set_options


class EnteredForm:
    """Indicator, period, number with unit and an optional remark; a Dutch message beside the number."""

    def __init__(self, store: Store, clock: Callable[[], datetime], saved: Callable[[], None]):
        self.store, self.clock, self.saved = store, clock, saved
        self.organisation, self.program_id = "", ""
        self._periods: dict[str, Bucket] = {}
        self.indicator = named(
            w.Dropdown(
                options=[(i.label, i.id) for i in logic.indicators_for(None)],
                description=t("kt.entered.indicator"),
                layout=w.Layout(width="min(100%, 420px)"),
            ),
            "entered-indicator",
        )
        self.period = named(w.Dropdown(description=t("kt.entered.period")), "entered-period")
        self.value = named(w.Text(description=t("kt.entered.value"), layout=w.Layout(width="180px")), "entered-value")
        self.unit = named(w.Dropdown(description=t("kt.entered.unit"), layout=w.Layout(width="220px")), "entered-unit")
        self.error = named(w.HTML(), "entered-error")
        self.remark = named(
            w.Textarea(description=t("kt.entered.remark"), layout=w.Layout(width="min(100%, 560px)")), "entered-remark"
        )
        self.save_button = named(w.Button(description=t("kt.entered.save"), icon="save"), "entered-save")
        self.save_button.on_click(lambda _: self.save())
        self.how = named(w.HTML(), "entered-how")
        self.message = Message("entered-message")
        self.indicator.observe(lambda _: self._units(), names="value")
        self._units()
        self.root = w.VBox(
            [
                w.HTML(f"<h3>{esc(t('kt.entered.title'))}</h3><p class='pz-note'>{esc(t('kt.entered.intro'))}</p>"),
                w.HBox([self.indicator, self.period], layout=w.Layout(flex_flow="row wrap")),
                self.how,
                w.HBox([self.value, self.unit, self.error], layout=w.Layout(flex_flow="row wrap")),
                self.remark,
                self.save_button,
                self.message,
            ]
        )
        self.root.add_class("pz-entered-form")

    def _units(self) -> None:
        if self.indicator.value is None:
            set_options(self.unit, [])
            self.how.value = ""
            return
        indicator = logic.all_indicators()[self.indicator.value]
        set_options(self.unit, [(u, u) for u in logic.units_of(indicator.id)])
        self.how.value = f"<p class='pz-note'>{esc(indicator.how)}</p>" if indicator.how else ""

    def show(self, organisation: str, periods: list[Bucket], program_id: str = "") -> None:
        """Offer the programme's indicators and the periods shown on the tab (the latest first selected)."""
        self.organisation, self.program_id = organisation, program_id
        set_options(self.indicator, [(i.label, i.id) for i in logic.indicators_for(program_id or None)])
        self.root.layout.display = "" if self.indicator.options else "none"
        self._periods = {p.label: p for p in periods}
        set_options(self.period, [(p.label, p.label) for p in periods])
        if periods and self.period.value is None:
            self.period.value = periods[-1].label

    def save(self) -> None:
        """Check the number; keep it with the moment entered, or say beside the field what is wrong."""
        bucket = self._periods.get(self.period.value)
        if self.indicator.value is None:
            return
        try:
            value = logic.parse_value(self.indicator.value, self.unit.value, self.value.value)
        except ValueError as exc:
            self.error.value = f"<span class='pz-message-error' role='alert'>{esc(str(exc))}</span>"
            self.message.clear()
            return
        self.error.value = ""
        if bucket is None:
            return
        try:
            check_span(bucket.start, bucket.end)
            self.store.add_entered_indicator(
                self.organisation,
                self.indicator.value,
                bucket.start,
                bucket.end,
                value,
                self.unit.value,
                self.remark.value,
                self.clock(),
                program_id=self.program_id,
            )
        except (ScopeError, StoreError) as exc:
            self.message.error(str(exc))
            return
        label = logic.all_indicators()[self.indicator.value].label
        self.message.ok(
            t("kt.entered.saved", label=label, period=bucket.label, value=logic.shown(value), unit=self.unit.value)
        )
        self.saved()
