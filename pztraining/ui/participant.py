"""The participant's page on their own phone: join with a code, then fill the open forms.

A participant sees only the forms the trainer opened for their training, and only their
own drafts and answers. This module must not import pandas (participant kernels are many).
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Callable
from urllib.parse import parse_qs

import ipywidgets as w

from ..clock import local, utc_now
from ..content import Form, library, load_form, load_program
from ..forms import form_spec, validate_answers
from ..store import FormClosed, FormSession, MissingEntry, Participant, Store, StoreError, Training
from ..texts import t
from .common import Message, Refresher, esc, named, open_page, stylesheet
from .device import DeviceKey, anonymous_key, device_hash
from .form_widget import FormWidget
from .request import wait_for_request

#: How often the list of open forms is re-read, in seconds (a newly opened form appears).
REFRESH_SECONDS = 3.0


class ParticipantApp:
    """The participant page. ``clock`` returns the current UTC time (injectable for tests)."""

    def __init__(self, store: Store, code: str = "", clock: Callable[[], datetime] = utc_now,
                 device: DeviceKey | None = None):
        self.store = store
        self.clock = clock
        self.training: Training | None = None
        self.participant: Participant | None = None
        self.current: tuple[FormSession, Form] | None = None
        self._shown_sessions: list[tuple] | None = None
        self._refresher = Refresher(self.refresh, REFRESH_SECONDS)
        self.device = device or DeviceKey()
        self.message = Message()
        self.header = named(w.HTML(), "participant-header")
        self.body = named(w.VBox(), "participant-body")
        self.root = named(w.VBox([stylesheet(), self.device, self.header, self.message, self.body]),
                          "participant-app", "pz-app")
        self._initial_code = code
        self.device.observe(lambda _: self._start(), names="token")
        self.body.children = [w.HTML(f"<p class='pz-note'>{esc(t('part.waiting'))}</p>")]
        if self.device.token:
            self._start()

    # ================================================================ joining

    def use_code(self, code: str) -> None:
        """The join code from the URL, known once the request arrived."""
        self._initial_code = code
        self._start()

    def _start(self) -> None:
        if not self.device.token or self.training is not None:
            return
        if self._initial_code:
            self._join(self._initial_code)
        else:
            self._ask_code()

    def _ask_code(self) -> None:
        code = named(w.Text(placeholder=t("part.code.placeholder"), description=t("part.code"),
                            style={"description_width": "initial"}), "join-code")
        go = named(w.Button(description=t("part.code.go"), button_style="primary",
                            layout=w.Layout(height="3em", width="auto")), "join")
        go.on_click(lambda _: self._join(code.value))
        self.body.children = [code, w.HTML(f"<p class='pz-note'>{esc(t('part.code.hint'))}</p>"), go]

    def _join(self, code: str) -> None:
        try:
            self.training = self.store.find_training_by_code(code)
        except MissingEntry as exc:
            self.message.error(str(exc))
            self._ask_code()
            return
        self.message.clear()
        self.participant = self.store.find_participant(self.training.id, device_hash(self.device.token))
        self._render_header()
        if self.participant is None:
            self._ask_name()
        else:
            self.show_overview()

    def _ask_name(self) -> None:
        name = named(w.Text(description=t("part.name"), style={"description_width": "initial"},
                            layout=w.Layout(width="min(100%, 420px)")), "participant-name")
        go = named(w.Button(description=t("part.name.go"), button_style="primary",
                            layout=w.Layout(height="3em", width="auto")), "register")
        go.on_click(lambda _: self._register(name.value))
        self.body.children = [name, w.HTML(f"<p class='pz-note'>{esc(t('part.name.hint'))}</p>"), go]

    def _register(self, name: str) -> None:
        assert self.training
        try:
            self.participant = self.store.add_participant(self.training.id, name, device_hash(self.device.token),
                                                          self.clock())
        except StoreError as exc:
            self.message.error(str(exc))
            return
        self.message.clear()
        self._render_header()
        self.show_overview()

    def _render_header(self) -> None:
        assert self.training
        hello = f"<div class='pz-sub'>{esc(t('part.hello', name=self.participant.name))}</div>" if self.participant else ""
        self.header.value = f"<h1>{esc(self.training.name)}</h1>{hello}"

    # ================================================================ forms

    def _open_sessions(self) -> list[FormSession]:
        assert self.training
        program = load_program(self.training.program_id)
        known = {f for m in program.meetings for f in m.form_ids()}
        return [s for s in self.store.form_sessions(self.training.id) if s.is_open and s.form_id in known]

    def _respondent_key(self, session: FormSession) -> str:
        assert self.participant and self.training
        if session.anonymous:
            return anonymous_key(self.device.token, self.training.id, session.meeting, session.form_id)
        return f"p:{self.participant.id}"

    def show_overview(self) -> None:
        """The list of forms open for this participant."""
        self.current = None
        sessions = self._open_sessions()
        self._shown_sessions = [(s.meeting, s.form_id, s.anonymous) for s in sessions]
        if not sessions:
            self.body.children = [named(w.HTML(f"<p>{esc(t('part.no_forms'))}</p>"), "no-forms")]
        else:
            buttons = [w.HTML(f"<h2>{esc(t('part.forms'))}</h2>")]
            for session in sessions:
                buttons.append(self._form_button(session))
            self.body.children = buttons
        self._refresher.start()

    def _form_button(self, session: FormSession) -> w.Button:
        assert self.training
        form = load_form(session.form_id)
        key = self._respondent_key(session)
        if self.store.load_submission(self.training.id, session.meeting, session.form_id, key) is not None:
            state = t("part.form.done")
        elif self.store.load_draft(self.training.id, session.meeting, session.form_id, key):
            state = t("part.form.draft")
        else:
            state = t("part.form.new")
        extra = f" · {t('part.form.anonymous')}" if session.anonymous else ""
        button = named(w.Button(description=f"{form.title} — {state}{extra}",
                                layout=w.Layout(width="100%", height="auto", min_height="3.4em")),
                       "form-link")
        button.add_class(f"pz-form-link-{form.id}")
        button.on_click(lambda _: self.show_form(session))
        return button

    def show_form(self, session: FormSession) -> None:
        """One form, restored from a draft or an earlier submission."""
        assert self.training
        form = load_form(session.form_id)
        key = self._respondent_key(session)
        training_id, meeting = self.training.id, session.meeting
        submitted = self.store.load_submission(training_id, meeting, form.id, key)
        draft = self.store.load_draft(training_id, meeting, form.id, key)
        values = draft if draft is not None else (submitted or {})
        status = "submitted" if submitted is not None and draft is None else "draft"

        def on_draft(new_values: dict) -> tuple[bool, str]:
            try:
                self.store.save_draft(training_id, meeting, form.id, key, new_values, self.clock())
            except StoreError:
                return False, t("form.unsaved")  # the browser keeps its copy and tries again
            return True, t("form.saved", time=f"{local(self.clock()):%H:%M:%S}")

        def on_submit(new_values: dict) -> tuple[str, dict]:
            result = validate_answers(form, new_values)
            if not result.ok:
                on_draft(new_values)
                return "invalid", result.errors
            try:
                self.store.submit(training_id, meeting, form.id, key, result.values, self.clock(),
                                  participant_id=self.participant.id)
            except FormClosed:
                return "closed", {}
            except StoreError:
                return "error", {}  # nothing stored: the page keeps the answers and tries again
            return "submitted", {}

        self.current = (session, form)
        widget = FormWidget(form_spec(form), values, f"pz-draft-{training_id}-{meeting}-{form.id}", status,
                            on_draft, on_submit)
        back = named(w.Button(description=t("part.back"), icon="arrow-left",
                              layout=w.Layout(width="auto", height="2.8em")), "back")
        back.on_click(lambda _: self.show_overview())
        self.form_widget = widget
        self.notice = named(w.HTML(), "new-form-notice")
        self.body.children = [back, self.notice, widget]

    # ================================================================ live refresh

    def refresh(self) -> None:
        """Show newly opened forms on the overview; mark the shown form closed when it closes."""
        if self.training is None or self.participant is None:
            return
        if self.current is None:
            sessions = self._open_sessions()
            if [(s.meeting, s.form_id, s.anonymous) for s in sessions] != self._shown_sessions:
                self.show_overview()
            return
        session, form = self.current
        latest = self.store.form_session(self.training.id, session.meeting, form.id)
        if latest is not None and not latest.is_open and self.form_widget.status != "closed":
            self.form_widget.status = "closed"
        opened = {(s.meeting, s.form_id) for s in self._open_sessions()}
        shown = {(m, f) for m, f, _ in self._shown_sessions or []}
        notice = f"<p class='pz-message-ok'>{esc(t('part.new_form'))}</p>" if opened - shown else ""
        if self.notice.value != notice:
            self.notice.value = notice



def participant_app(db: str | None = None) -> w.Widget:
    """The participant page (what ``notebooks/participant.ipynb`` shows).

    With preheated kernels the notebook runs before anyone asks for it. Everything that
    does not depend on the URL (imports, opening the database, validating the content,
    building the widgets) happens before we wait for the request; after it, only the join
    code is read, so a phone gets its page without waiting for that work.
    """
    library()  # validate the content now, not while a phone waits
    apps: list[ParticipantApp] = []

    def build(store: Store) -> ParticipantApp:
        apps.append(ParticipantApp(store))
        return apps[0]

    page = open_page(build, db)
    wait_for_request()
    if apps:
        apps[0].use_code(parse_qs(os.environ.get("QUERY_STRING", "")).get("code", [""])[0])
    return page
