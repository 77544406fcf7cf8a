"""Tab "Borging": the indicators per half-year or year, a chart per indicator, the management report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import ipywidgets as w

from pztraining.core.clock import local, local_zone
from pztraining.core.errors import ExportError, ScopeError
from pztraining.core.texts import t
from pztraining.domain import periods
from pztraining.reports import borging as export
from pztraining.services.kartrekker import gather, indicators
from pztraining.store import Store, StoreError
from pztraining.ui.common import Message, esc, named
from pztraining.ui.download import Downloads
from pztraining.ui.kartrekker.entered import EnteredForm


class BorgingView:
    """Choose a period and a division; see every indicator as a chart and a table; download the report."""

    def __init__(self, store: Store, clock: Callable[[], datetime]):
        self.store, self.clock = store, clock
        self.organisation, self.program_id = "", ""
        self.per = named(
            w.ToggleButtons(options=[(t(f"kt.period.{per}"), per) for per in periods.PERIODS]), "borging-per"
        )
        self.date_from = named(w.DatePicker(description=t("kt.borging.from")), "borging-from")
        self.date_to = named(w.DatePicker(description=t("kt.borging.to")), "borging-to")
        self.show_button = named(
            w.Button(description=t("kt.borging.show"), button_style="primary", icon="bar-chart"), "borging-show"
        )
        self.show_button.on_click(lambda _: self.render())
        self.per.observe(lambda _: self.render(), names="value")
        self.message = Message("borging-message")
        self.output = named(w.HTML(), "borging-output")
        self.export_format = named(
            w.Dropdown(options=list(export.FORMATS), description=t("res.format")), "borging-format"
        )
        self.export_button = named(w.Button(description=t("kt.borging.export"), icon="download"), "borging-export")
        self.export_button.on_click(lambda _: self.download())
        self.download_link = named(w.HTML(), "borging-download")
        self.downloads = Downloads()
        self.entered = EnteredForm(store, clock, self.render)
        self.root = w.VBox(
            [
                self.per,
                w.HBox([self.date_from, self.date_to, self.show_button], layout=w.Layout(flex_flow="row wrap")),
                self.message,
                w.HBox([self.export_format, self.export_button]),
                self.download_link,
                self.output,
                self.entered.root,
            ]
        )
        self.data: gather.Borging | None = None

    def show(self, organisation: str, program_id: str) -> None:
        """Show the last year and a half, in the division the programme's planning asks for."""
        self.organisation, self.program_id = organisation, program_id
        today = local(self.clock()).date()
        if self.date_from.value is None or self.date_to.value is None:
            start = indicators.bucket_of(date(today.year - 1, today.month, 1), "halfjaar").start
            self.date_from.value, self.date_to.value = start, indicators.bucket_of(today, "halfjaar").end
        wanted = periods.division(None, gather.planned_division(program_id))
        if self.per.value != wanted:
            self.per.value = wanted  # draws
        else:
            self.render()

    def _gather(self) -> gather.Borging:
        now = local(self.clock())
        return gather.borging(
            self.store,
            self.organisation,
            self.date_from.value,
            self.date_to.value,
            now.date(),
            local_zone(),
            program_id=self.program_id or None,
            per=self.per.value,
        )

    def render(self) -> None:
        """Gather the indicators for the chosen period and draw them."""
        if not self.organisation or self.date_from.value is None or self.date_to.value is None:
            return
        self.output.value = f"<p class='pz-note'>{esc(t('kt.borging.busy'))}</p>"  # a test can take seconds
        try:
            self.data = data = self._gather()
        except (ScopeError, StoreError) as exc:
            self.output.value = ""
            self.message.error(str(exc))
            return
        self.message.clear()
        self.entered.show(
            self.organisation, indicators.buckets(data.date_from, data.date_to, data.per), self.program_id
        )
        notes = "".join(f"<p class='pz-note'>{esc(n)}</p>" for n in data.notes)
        table = export.html_table_of(export.indicator_sheet(data))
        self.output.value = (
            f"{notes}<h3>{esc(t('kt.borging.charts'))}</h3>{export.chart_section(data)}"
            f"<h3>{esc(t('kt.borging.table'))}</h3>{table}"
            f"<h3>{esc(t('kt.entered.list'))}</h3>{export.html_table_of(export.entered_sheet(data))}"
            f"<h3>{esc(t('kt.sheet.before_after'))}</h3>{export.html_table_of(export.before_after_sheet(data))}"
        )

    def download(self) -> None:
        """Write the management report and offer it as a download link under a fresh name."""
        fmt = self.export_format.value
        now = local(self.clock())
        try:
            data = self._gather()
            link = self.downloads.link(
                lambda target: export.write(data, fmt, target, now),
                fmt,
                "borging",
                now,
                lambda name: t("kt.borging.download", name=name),
            )
        except (ScopeError, ExportError, StoreError) as exc:
            self.message.error(str(exc))
            return
        self.download_link.value = link
