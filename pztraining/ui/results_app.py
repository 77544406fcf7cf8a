"""The results page (trainer side): counts live, charts, tables, exports and paper forms.

A thin view over :mod:`pztraining.services.results`, :mod:`pztraining.reports.export` and the store.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime

import ipywidgets as w
import pandas as pd

from pztraining.content import library, load_form, load_program
from pztraining.core.clock import local, utc_now
from pztraining.core.errors import ExportError, ScopeError
from pztraining.core.texts import t
from pztraining.domain.forms import form_spec
from pztraining.reports import export
from pztraining.services import access, participation, results
from pztraining.services.access import AccessDenied, User
from pztraining.store import Store, StoreError
from pztraining.ui.common import (
    Message,
    Refresher,
    esc,
    named,
    open_page,
    page_user,
    set_options,
    stylesheet,
    training_options,
)
from pztraining.ui.download import Downloads
from pztraining.ui.form_widget import FormWidget

REFRESH_SECONDS = 5.0


def _table(frame: pd.DataFrame) -> str:
    """A frame as an escaped HTML table with Dutch headers."""
    if frame.empty:
        return f"<p class='pz-note'>{esc(t('html.no_answers'))}</p>"
    labelled = frame.rename(columns={c: t(f"col.{c}") for c in frame.columns if f"col.{c}" in _labels()})
    return export.html_table(labelled, "pz-table")


def _labels() -> set[str]:
    from pztraining.core.texts import NL

    return set(NL)


class ResultsApp:
    """The results page. ``clock`` returns the current UTC time (injectable for tests).

    ``user`` defaults to who the hosting layer logged in: a trainer or kartrekker sees its
    organisation's results, a coordinator every organisation's, never with names.
    """

    def __init__(self, store: Store, clock: Callable[[], datetime] = utc_now, user: User | None = None):
        self.store = store
        self.clock = clock
        self.user = page_user(store, user)
        self.pseudonymized = access.must_pseudonymize(self.user)
        self.bundle: results.Bundle | None = None
        self._refresher = Refresher(self.refresh, REFRESH_SECONDS)
        self.message = Message()
        # Wide enough for a training's name with its programme on a 1024 px tablet (cut off at 460 px).
        wide = w.Layout(width="min(100%, 760px)")
        self.mode = named(
            w.ToggleButtons(options=[(t("res.scope.training"), "training"), (t("res.scope.period"), "period")]),
            "scope-mode",
        )
        self.training_select = named(w.Dropdown(description=t("training.choose"), layout=wide), "training-select")
        self.meeting_select = named(w.Dropdown(description=t("meeting.choose"), layout=wide), "meeting")
        self.form_select = named(w.Dropdown(description=t("col.form"), layout=wide), "form-select")
        self.program_select = named(
            w.Dropdown(
                description=t("training.program"),
                layout=wide,
                options=[(p.title, p.id) for p in library().programs.values()],
            ),
            "program",
        )
        self.date_from = named(w.DatePicker(description=t("res.from")), "from")
        self.date_to = named(w.DatePicker(description=t("res.to")), "to")
        self.show_button = named(w.Button(description=t("res.show"), button_style="primary", icon="bar-chart"), "show")
        self.show_button.on_click(lambda _: self.show())
        self.training_box = w.VBox([self.training_select, self.meeting_select, self.form_select])
        self.period_box = w.VBox(
            [self.program_select, w.HBox([self.date_from, self.date_to])], layout=w.Layout(display="none")
        )
        self.mode.observe(lambda _: self._on_mode(), names="value")
        self.training_select.observe(lambda _: self._on_training(), names="value")
        self.meeting_select.observe(lambda _: self._on_meeting(), names="value")
        self.live_counts = named(w.HTML(), "live-counts")
        self.output = named(w.HTML(), "results")
        self.export_format = named(
            w.Dropdown(options=["xlsx", "csv", "html"], description=t("res.format")), "export-format"
        )
        self.with_names = named(w.Checkbox(description=t("cli.opt.with_names"), indent=False), "with-names")
        self.export_button = named(w.Button(description=t("res.export"), icon="download"), "export")
        self.export_button.on_click(lambda _: self.export())
        self.download = named(w.HTML(), "download")
        self.downloads = Downloads()
        self.paper_button = named(w.Button(description=t("res.paper"), icon="pencil"), "paper")
        self.paper_button.on_click(lambda _: self.start_paper())
        self.paper_box = named(w.VBox(), "paper-form")
        self.paper_message = Message("paper-message")
        subtitle = t("access.pseudonymized") if self.pseudonymized else t("app.results.subtitle")
        if self.pseudonymized:  # names are never shown or exported to a coordinator, not even when asked
            self.with_names.layout.display = "none"
        self.root = named(
            w.VBox(
                [
                    stylesheet(),
                    w.HTML(f"<h1>{esc(t('app.results.title'))}</h1><div class='pz-sub'>{esc(subtitle)}</div>"),
                    self.mode,
                    self.training_box,
                    self.period_box,
                    self.show_button,
                    self.message,
                    self.live_counts,
                    named(
                        w.HBox(
                            [self.export_format, self.with_names, self.export_button],
                            layout=w.Layout(flex_flow="row wrap"),
                        ),
                        "export-bar",
                    ),
                    self.download,
                    self.output,
                    named(
                        w.VBox(
                            [self.paper_button, self.paper_message, self.paper_box],
                            layout=w.Layout(display="none" if self.pseudonymized else None),
                        ),
                        "paper-entry",
                        "pz-card",
                    ),
                ]
            ),
            "results-app",
            "pz-app",
        )
        self._fill_trainings()

    # ================================================================ choosing

    def _fill_trainings(self) -> None:
        """The trainings this user may read; the page opens on the one where something happened last."""
        trainings = access.visible_trainings(self.user, self.store.list_trainings(), access.can_read_results)
        set_options(self.training_select, training_options(trainings))
        visible = {training.id for training in trainings}
        activity = {key: at for key, at in self.store.last_activity().items() if key in visible}
        if activity:
            self.training_select.value = max(activity, key=lambda training_id: (activity[training_id], training_id))
        self._on_training()

    def _on_mode(self) -> None:
        training = self.mode.value == "training"
        self.training_box.layout.display = None if training else "none"
        self.period_box.layout.display = "none" if training else None

    def _on_training(self) -> None:
        if self.training_select.value is None:
            return
        training = self.store.find_training(self.training_select.value)
        program = load_program(training.program_id)
        set_options(
            self.meeting_select,
            [(t("res.all_meetings"), 0)]
            + [
                (t("meeting.option", number=m.number, title=m.title, minutes=m.minutes), m.number)
                for m in program.meetings
            ],
        )
        self._on_meeting()
        self._refresher.start()

    def _on_meeting(self) -> None:
        training = self.store.find_training(self.training_select.value) if self.training_select.value else None
        if training is None:
            return
        program = load_program(training.program_id)
        meetings = [program.meeting(self.meeting_select.value)] if self.meeting_select.value else program.meetings
        forms = list(dict.fromkeys(f for m in meetings for f in m.form_ids()))
        set_options(self.form_select, [(t("res.all_forms"), "")] + [(load_form(f).title, f) for f in forms])
        self.refresh()

    def scope(self) -> results.Scope:
        """What the page's choices cover: only trainings this user may read (AccessDenied otherwise)."""
        if self.mode.value == "period":
            scope = results.program_scope(
                self.store, self.program_select.value, self.date_from.value, self.date_to.value
            )
            readable = access.visible_trainings(self.user, scope.trainings, access.can_read_results)
            return dataclasses.replace(scope, trainings=tuple(readable))
        if self.training_select.value is None:
            raise ScopeError(t("training.none"))
        training = self._readable(self.training_select.value)
        return results.Scope(
            (training,), training.name, self.meeting_select.value or None, self.form_select.value or None
        )

    def _readable(self, training_id: int):
        return access.permitted_training(self.store, self.user, training_id, access.can_read_results, "results")

    @property
    def with_names_wanted(self) -> bool:
        """Names in the export: only when asked for, and never for a coordinator."""
        return self.with_names.value and not self.pseudonymized

    # ================================================================ showing

    def show(self) -> None:
        """Build the report for the current choice and show charts and tables."""
        try:
            self.bundle = results.build(self.store, self.scope())
        except (ScopeError, StoreError, AccessDenied) as exc:
            self.message.error(str(exc))
            return
        self.message.clear()
        bundle = self.bundle
        open_list = "".join(
            f"<li><b>{esc(row.item_text)}</b> "
            f"<span class='pz-note'>({esc(row.participant or t('res.anonymous'))})</span>: "
            f"{esc(row.value_text)}</li>"
            for row in bundle.open.itertuples()
        )
        paper = bundle.tidy.loc[bundle.tidy["paper"], "submission"].nunique() if not bundle.tidy.empty else 0
        notes = "".join(
            f"<p class='pz-note'>{esc(note)}</p>"
            for note in bundle.notes + ([t("res.paper.in_results", count=paper)] if paper else [])
        )
        self.output.value = (
            f"<div class='pz-results-body'>{notes}{export.chart_section(bundle)}"
            f"<h3>{esc(t('sheet.items'))}</h3>{_table(bundle.summary)}"
            f"<h3>{esc(t('res.before_after'))}</h3>{_table(bundle.before_after)}"
            f"<h3>{esc(t('res.open_answers'))}</h3><ul class='pz-open-answers'>{open_list}</ul>"
            f"<h3>{esc(t('res.response'))}</h3>{_table(bundle.response)}"
            f"<h3>{esc(t('res.roleplay'))}</h3>{_table(bundle.roleplay)}</div>"
        )

    def refresh(self) -> None:
        """The live count of answers per form for the chosen training and meeting."""
        if self.training_select.value is None:
            self.live_counts.value = ""
            return
        training = self.store.find_training(self.training_select.value)
        program = load_program(training.program_id)
        meetings = [self.meeting_select.value] if self.meeting_select.value else [m.number for m in program.meetings]
        counts = []
        for number in meetings:
            for form_id, count in sorted(self.store.response_counts(training.id, number).items()):
                counts.append(f"{load_form(form_id).title}: {count}")
        value = f"<p class='pz-live'>{esc(t('res.counts', counts=', '.join(counts) or '0'))}</p>"
        if self.live_counts.value != value:
            self.live_counts.value = value

    # ================================================================ exporting

    def export(self) -> None:
        """Write the chosen export and offer it as a download link under a fresh name (no file server needed)."""
        fmt = self.export_format.value
        now = local(self.clock())
        try:
            bundle = results.build(self.store, self.scope(), with_names=self.with_names_wanted)
            link = self.downloads.link(
                lambda target: export.write(bundle, fmt, target, self.with_names_wanted, now),
                fmt,
                "pztraining",
                now,
                lambda name: t("res.download", name=name),
            )
        except (ScopeError, ExportError, StoreError, AccessDenied) as exc:
            self.message.error(str(exc))
            return
        self.download.value = link

    # ================================================================ paper forms

    def start_paper(self) -> None:
        """Enter a printed form through the same form screen, marked as from paper."""
        if self.pseudonymized:  # a coordinator reads across organisations and enters nothing
            return
        if not self.training_select.value or not self.form_select.value:
            self.paper_message.error(t("res.paper.choose"))
            return
        training_id = self.training_select.value
        form = load_form(self.form_select.value)
        try:
            program = load_program(self._readable(training_id).program_id)
        except AccessDenied as exc:
            self.paper_message.error(str(exc))
            return
        meeting = self.meeting_select.value or next((m.number for m in program.meetings if form.id in m.form_ids()), 1)
        key = participation.new_paper_key()

        def on_submit(values: dict) -> tuple[str, dict]:
            try:
                outcome = participation.submit_paper(self.store, training_id, meeting, form, values, self.clock(), key)
                entered = self.store.response_counts(training_id, meeting).get(form.id, 0)
            except StoreError as exc:
                # Not stored: say so, and keep what was typed on the screen to send again.
                self.paper_form.values = dict(values)
                self.paper_message.error(t("res.paper.not_saved", error=exc))
                return "error", {}
            if outcome.status != "submitted":
                return outcome.status, outcome.errors
            saved = t("res.paper.saved", count=entered)
            if outcome.gaps:
                saved += " " + t("res.paper.gaps", count=len(outcome.gaps))
            self.paper_message.ok(saved)
            self.refresh()
            return "submitted", {}

        self.paper_form = FormWidget(
            form_spec(form), {}, f"pz-paper-{key}", "draft", lambda values: (True, ""), on_submit
        )
        self.paper_box.children = [self.paper_form]

    # ================================================================ live refresh


def results_app(db: str | None = None) -> w.Widget:
    """The results page as a widget (what ``notebooks/results.ipynb`` shows)."""
    return open_page(ResultsApp, db)
