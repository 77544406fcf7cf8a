"""The trainer's side of the forms: the join code and QR, open and close forms, live counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import ipywidgets as w

from pztraining.content import Meeting, load_form
from pztraining.core.texts import t
from pztraining.domain.forms import form_spec
from pztraining.domain.links import ROOM_PAGE, participant_url, qr_svg, trainer_page
from pztraining.services import forms
from pztraining.store import FormSession, Store, Training
from pztraining.ui.common import Message, Refresher, esc, named
from pztraining.ui.quiz_board import QuizBoard
from pztraining.ui.tree_board import TreeBoard

#: How often the counts are re-read while the panel is shown, in seconds.
REFRESH_SECONDS = 3.0


class FormsPanel:
    """Join instructions and one row per form of the chosen meeting."""

    def __init__(self, store: Store, clock: Callable[[], datetime]):
        self.store = store
        self.clock = clock
        self.training: Training | None = None
        self.meeting: Meeting | None = None
        self._refresher = Refresher(self.refresh, REFRESH_SECONDS)
        self.join = named(w.HTML(), "join-info")
        self.rows = named(w.VBox(), "form-rows")
        self.message = Message("forms-message")
        self.people = named(w.HTML(), "participant-count")
        #: A short summary of the phones (joined, open forms, answers) for beside the countdown.
        self.status = named(w.HTML(), "phone-status")
        #: The phones' QR code is left out while the facilitators' code is open (RoomPanel):
        #: the two must never be on a mirrored screen together.
        self.qr_hidden = False
        self.root = named(
            w.VBox(
                [w.HTML(f"<h3>{esc(t('panel.title'))}</h3>"), self.join, self.people, self.message, self.rows],
                layout=w.Layout(display="none"),
            ),
            "forms-panel",
            "pz-card",
        )
        self._widgets: dict[str, dict] = {}
        self._rows_for: tuple[int, int] | None = None

    def show(self, training: Training | None, meeting: Meeting | None) -> None:
        """Show the panel for a training's meeting (or hide it)."""
        self.training, self.meeting = training, meeting
        if training is None or meeting is None:
            self.root.layout.display = "none"
            self._refresher.stop()
            self._rows_for = None
            return
        self.root.layout.display = None
        self._render_join()
        if self._rows_for != (training.id, meeting.number):  # a re-show must not replace rows being clicked
            self._build_rows()
            self._rows_for = (training.id, meeting.number)
        self.refresh()
        self._refresher.start()

    def hide_qr(self, hidden: bool) -> None:
        """Leave the phones' QR code out (while the facilitators' code is shown), or show it again."""
        self.qr_hidden = hidden
        if self.training is not None:
            self._render_join()

    def _render_join(self) -> None:
        training = self.training
        assert training is not None
        url = participant_url(training.join_code)
        code = f"<b class='pz-join-code'>{esc(training.join_code)}</b>"
        if url and self.qr_hidden:
            self.join.value = (
                f"<p>{t('panel.join_code_only', code=code)}</p>"
                f"<p class='pz-note pz-qr-hidden'>{esc(t('panel.qr_hidden'))}</p>"
            )
        elif url:
            # The trainer's own server serves the beamer page (laptop and hub alike).
            beamer = trainer_page(f"{ROOM_PAGE}?training={training.id}")
            self.join.value = (
                f"<div class='pz-join'><div class='pz-qr'>{qr_svg(url)}</div><div>"
                f"<p>{t('panel.join', url=f'<b>{esc(url)}</b>', code=code)}</p>"
                f"<p><a class='pz-beamer-open' href='{esc(beamer)}' target='_blank' rel='noopener'>"
                f"{esc(t('panel.beamer'))}</a></p></div></div>"
            )
        else:
            self.join.value = f"<p>{t('panel.join_code_only', code=code)}</p>"

    def _build_rows(self) -> None:
        assert self.meeting
        self._widgets = {}
        rows = []
        for form_id in self.meeting.form_ids():
            form = load_form(form_id)
            status = named(w.HTML(), "form-status")
            anonymous = named(
                w.Checkbox(
                    description=t("panel.form.anonymous"),
                    value=form.anonymous_by_default,
                    indent=False,
                    layout=w.Layout(width="auto"),
                ),
                "form-anonymous",
            )
            toggle = named(w.Button(layout=w.Layout(width="auto", min_width="7em")), "form-toggle")
            toggle.on_click(lambda _, f=form_id: self.toggle(f))
            missing = named(w.HTML(), "form-missing")
            title = w.HTML(
                f"<b>{esc(form.title)}</b> <span class='pz-note'>({esc(t('panel.purpose.' + form.purpose))})</span>"
            )
            board = QuizBoard(self.store, self.clock, form) if any(i.type == "quiz" for i in form.items) else None
            # A decision tree is drawn for the beamer, with the routes the room took.
            trees = TreeBoard(self.store, form) if any(i.type == "tree" for i in form.items) else None
            extra = [part.root for part in (board, trees) if part is not None]
            row = named(
                w.VBox(
                    [
                        w.HBox([title, status], layout=w.Layout(flex_flow="row wrap")),
                        w.HBox([toggle, anonymous]),
                        missing,
                        *extra,
                    ]
                ),
                "form-row",
                f"pz-form-row-{form_id}",
            )
            self._widgets[form_id] = {
                "status": status,
                "anonymous": anonymous,
                "toggle": toggle,
                "missing": missing,
                "quiz": board,
                "trees": trees,
                "title": form.title,
            }
            rows.append(row)
        self.rows.children = rows

    def toggle(self, form_id: str) -> None:
        """Open a form (with the anonymity chosen) or close it."""
        assert self.training and self.meeting
        training_id, meeting = self.training.id, self.meeting.number

        def change() -> None:
            session = self.store.form_session(training_id, meeting, form_id)
            if session is not None and session.is_open:
                self.store.close_form(training_id, meeting, form_id, self.clock())
            else:
                anonymous = self._widgets[form_id]["anonymous"].value
                forms.open_form(
                    self.store,
                    training_id,
                    meeting,
                    form_id,
                    anonymous,
                    self.clock(),
                    spec=form_spec(load_form(form_id)),
                )

        if self.message.attempt(change):
            self.refresh()

    def refresh(self) -> None:
        """Re-read sessions, counts and who has not answered yet."""
        if self.training is None or self.meeting is None:
            return
        sessions = {s.form_id: s for s in self.store.form_sessions(self.training.id, self.meeting.number)}
        # Against the registered people only what their phones sent; paper is said apart
        # (it comes from people who may not be registered), so it never reads "5 van 3".
        counts = self.store.response_counts(self.training.id, self.meeting.number, paper=False)
        paper = self.store.response_counts(self.training.id, self.meeting.number, paper=True)
        people = self.store.list_participants(self.training.id)
        open_lines = []
        for form_id, parts in self._widgets.items():
            session: FormSession | None = sessions.get(form_id)
            count = counts.get(form_id, 0)
            state = (
                t("panel.form.never")
                if session is None
                else t("panel.form.open")
                if session.is_open
                else t("panel.form.closed")
            )
            counted = (
                t("panel.form.count_of", count=count, total=len(people))
                if people
                else t("panel.form.count", count=count)
            )
            if paper.get(form_id):
                counted += ", " + t("panel.form.paper", count=paper[form_id])
            if session is not None and session.is_open:
                open_lines.append(t("phones.status.open", form=parts["title"], counted=counted))
            _set(
                parts["status"],
                f"<span class='pz-form-state'> · {esc(state)} · "
                f"<span class='pz-form-count'>{esc(counted)}</span></span>",
            )
            parts["toggle"].description = t("panel.close") if session and session.is_open else t("panel.open")
            parts["toggle"].button_style = "warning" if session and session.is_open else "success"
            # Anonymity is fixed once the form is open or answered: then the box shows what is
            # stored. Until then it is the trainer's choice for the next opening, which a
            # refresh must not overwrite (it runs every few seconds).
            fixed = session is not None and (session.is_open or count + paper.get(form_id, 0) > 0)
            if fixed and session is not None and parts["anonymous"].value != session.anonymous:
                parts["anonymous"].value = session.anonymous
            parts["anonymous"].disabled = fixed
            # Who has not answered is never shown for an anonymous form.
            if session is not None and not session.anonymous and people:
                done = self.store.respondents(self.training.id, self.meeting.number, form_id)
                names = [p.name for p in people if p.id not in done]
                missing_text = t("panel.form.missing", names=", ".join(names))
                _set(parts["missing"], f"<div class='pz-note'>{esc(missing_text)}</div>" if names else "")
            elif session is not None and session.is_open:
                # Anonymous answers are stored in batches (pztraining.services.mixing): the count lags.
                _set(parts["missing"], f"<div class='pz-note pz-form-batches'>{esc(t('panel.form.batches'))}</div>")
            else:
                _set(parts["missing"], "")
            if parts["quiz"] is not None:
                parts["quiz"].refresh(self.training.id, self.meeting.number)
            if parts["trees"] is not None:
                parts["trees"].refresh(self.training.id, self.meeting.number)
        _set(self.people, f"<div class='pz-note'>{esc(t('panel.participants', count=len(people)))}</div>")
        lines = [t("phones.status.joined", count=len(people), code=self.training.join_code)]
        lines += open_lines or [t("phones.status.none_open")]
        _set(
            self.status,
            f"<div class='pz-phone-status-box' role='status'><b>{esc(t('phones.status.title'))}</b>"
            + "".join(f"<div class='pz-phone-status-line'>{esc(line)}</div>" for line in lines)
            + "</div>",
        )


def _set(widget: w.HTML, value: str) -> None:
    # Only send a change when something changed: these refresh every few seconds.
    if widget.value != value:
        widget.value = value
