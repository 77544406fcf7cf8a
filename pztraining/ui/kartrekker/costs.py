"""Tab "Kosten": the kartrekker's numbers in, every line and the total out, live, formula visible."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import ipywidgets as w

from pztraining.content import library
from pztraining.core.texts import t
from pztraining.services.kartrekker import costs as logic
from pztraining.services.kartrekker.gather import cost_formats_for
from pztraining.store import Store
from pztraining.ui.common import Message, esc, named, set_options


class CostsView:
    """A field per input with its message beside it; a table of lines; the total, or why there is none."""

    def __init__(self, store: Store, clock: Callable[[], datetime]):
        self.store, self.clock = store, clock
        self.organisation = ""
        self.format_select = named(
            w.Dropdown(description=t("kt.cost.format"), layout=w.Layout(width="min(100%, 560px)")), "cost-format"
        )
        # Only a real change of format reloads: a dropdown echo from the browser must not
        # replace the fields while the kartrekker is typing in them.
        self.format_select.observe(lambda _: self._load(), names="value")
        self._loaded_for: tuple[str, str] | None = None
        self.fields = named(w.VBox(), "cost-fields")
        self.lines = named(w.HTML(), "cost-lines")
        self.total = named(w.HTML(), "cost-total")
        self.message = Message("costs-message")
        self.save_button = named(w.Button(description=t("kt.cost.save"), icon="save"), "cost-save")
        self.save_button.on_click(lambda _: self.save())
        self.root = w.VBox([self.format_select, self.fields, self.lines, self.total, self.save_button, self.message])
        self._inputs: dict[str, w.Text] = {}
        self._errors: dict[str, w.HTML] = {}
        self._origins: dict[str, w.HTML] = {}
        self.estimate: logic.Estimate | None = None

    def show(self, organisation: str, program_id: str) -> None:
        """Offer the formats (the programme's first) and load the organisation's saved numbers."""
        self.organisation = organisation
        set_options(self.format_select, [(f.title, f.id) for f in cost_formats_for(program_id)])
        self._load()

    @property
    def format(self):
        return library().costs[self.format_select.value]

    def _load(self) -> None:
        if not self.format_select.value or self._loaded_for == (self.organisation, self.format_select.value):
            return
        fmt = self.format
        self._loaded_for = (self.organisation, fmt.id)
        typed = {**logic.default_inputs(fmt), **self.store.cost_inputs(self.organisation, fmt.id)}
        rows = []
        self._inputs, self._errors, self._origins = {}, {}, {}
        for spec in fmt.inputs:
            field = named(
                w.Text(value=typed[spec.id], continuous_update=True, layout=w.Layout(width="110px")),
                "cost-input",
                f"pz-cost-{spec.id}",
            )
            field.observe(lambda _: self.recompute(), names="value")
            error = named(w.HTML(), "cost-error")
            origin = named(w.HTML(), "cost-origin")
            unit = {"euro": "€", "uur": "uur", "minuten": "minuten", "weken": "weken"}.get(spec.unit, spec.word or "")
            rows.append(
                w.HBox(
                    [
                        w.HTML(
                            f"<label class='pz-cost-label'>{esc(spec.label)}</label>", layout=w.Layout(width="340px")
                        ),
                        field,
                        w.HTML(f"<span class='pz-note'>{esc(unit)}</span>"),
                        origin,
                        error,
                    ],
                    layout=w.Layout(flex_flow="row wrap", align_items="center"),
                )
            )
            self._inputs[spec.id], self._errors[spec.id], self._origins[spec.id] = field, error, origin
        legend = w.HTML(f"<p class='pz-note pz-cost-legend'>{esc(t('kt.cost.origin_legend'))}</p>")
        self.fields.children = [legend, *rows]
        self.message.clear()
        self.recompute()

    def typed(self) -> dict[str, str]:
        """The inputs as typed."""
        return {key: field.value for key, field in self._inputs.items()}

    def recompute(self) -> None:
        """Every line and the total for the numbers as they stand now."""
        fmt = self.format
        self.estimate = estimate = logic.estimate(fmt, self.typed())
        for key, parsed in estimate.inputs.items():
            self._errors[key].value = (
                f"<span class='pz-message-error' role='alert'>{esc(parsed.error)}</span>" if parsed.error else ""
            )
            origin = (estimate.origins or {}).get(key)
            self._origins[key].value = (
                f"<span class='pz-note pz-cost-origin-{origin}'>{esc(logic.origin_word(origin))}</span>"
                if origin
                else ""
            )
        rows = "".join(
            f"<tr><td>{esc(line.label)}</td><td class='pz-formula'>{esc(line.formula)}</td>"
            f"<td class='pz-cost-line-origin'>{esc(line.origin)}</td>"
            f"<td class='pz-num'>{esc(logic.show_euro(line.amount)) if line.amount is not None else '–'}</td></tr>"
            for line in estimate.lines
        )
        totals = "".join(
            f"<tr class='pz-cost-total-row'><td colspan='3'><b>{esc(label)}</b></td>"
            f"<td class='pz-num'><b>{esc(logic.show_euro(amount))}</b></td></tr>"
            for label, amount in logic.total_rows(estimate)
        )
        self.lines.value = (
            f"<table class='pz-table'><tr><th>{esc(t('kt.cost.line'))}</th>"
            f"<th>{esc(t('kt.cost.formula'))}</th><th>{esc(t('kt.cost.origin_col'))}</th>"
            f"<th>{esc(t('kt.cost.amount'))}</th></tr>{rows}{totals}</table>"
        )
        example = (
            f"<div class='pz-note'>{esc(t('kt.cost.example', total=logic.show_euro(fmt.example_total)))}</div>"
            if fmt.example_total
            else ""
        )
        relation = logic.relation(estimate)
        example += f"<div class='pz-cost-relation'>{esc(relation)}</div>" if relation else ""
        if fmt.example_note:
            example += f"<div class='pz-note pz-cost-example-note'>{esc(fmt.example_note)}</div>"
        if estimate.total is None:
            self.total.value = f"<div class='pz-message-error'>{esc(t('kt.cost.no_total'))}</div>{example}"
        else:
            total = t("kt.cost.total", total=logic.show_euro(estimate.total))
            self.total.value = f"<div class='pz-cost-sum'><b>{esc(total)}</b></div>{example}"

    def save(self) -> None:
        """Keep the numbers as typed (also a wrong one: it is kept to be corrected)."""
        if self.message.attempt(
            lambda: self.store.save_cost_inputs(self.organisation, self.format.id, self.typed(), self.clock())
        ):
            self.message.ok(t("kt.cost.saved"))
