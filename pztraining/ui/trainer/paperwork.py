"""Papierwerk: a training's details, the paper attendance lists typed in, and the downloads
made from them (the invitation as .ics, the poster with the QR code, the certificates as PDF).

Every save is one store write, then the summary is read again from the store, so what the
page shows is what the certificates will follow.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import ipywidgets as w

from pztraining.content import Program
from pztraining.core.clock import local, local_zone
from pztraining.core.errors import PztrainingError
from pztraining.core.texts import t
from pztraining.domain.agenda import parse_clock
from pztraining.reports import certificates, invitation
from pztraining.store import Store, Training, TrainingDetails
from pztraining.ui.common import Message, esc, named
from pztraining.ui.download import Downloads

#: The detail fields in the order shown, with their text keys.
FIELDS = (
    ("location", "paper.location"),
    ("trainers", "paper.trainers"),
    ("register", "paper.register"),
    ("accreditation_number", "paper.number"),
    ("points", "paper.points"),
)


def parse_attendance(text: str) -> dict[str, bool]:
    """Names typed one a line: present; a line starting with "-" marks that name absent."""
    entered: dict[str, bool] = {}
    for line in text.splitlines():
        name = line.strip()
        absent = name.startswith("-")
        name = name.lstrip("-").strip()
        if name:
            entered[name] = not absent
    return entered


class PaperworkPanel:
    """Details, paper attendance and the three downloads of one training."""

    def __init__(self, store: Store, clock: Callable[[], datetime]):
        self.store, self.clock = store, clock
        self.training: Training | None = None
        self.program: Program | None = None
        self.downloads = Downloads()
        self.message = Message("paperwork-message")
        # Labels as wide as the longest ("Accreditatienr."), so none is cut off on a beamer laptop.
        label = {"description_width": "130px"}
        self.fields = {
            name: named(
                w.Text(description=t(key), style=label, layout=w.Layout(width="min(100%, 510px)")),
                f"paper-{name.replace('_', '-')}",
            )
            for name, key in FIELDS
        }
        self.save_details = named(w.Button(description=t("paper.save_details"), icon="save"), "paper-save-details")
        self.save_details.on_click(lambda _: self._save_details())
        self.meeting = named(w.Dropdown(description=t("meeting.choose")), "paper-meeting")
        self.meeting.observe(lambda _: self._show_attendance_text(), names="value")
        self.names = named(
            w.Textarea(
                placeholder=t("paper.names_placeholder"), layout=w.Layout(width="min(100%, 460px)", height="8em")
            ),
            "paper-names",
        )
        self.save_attendance = named(
            w.Button(description=t("paper.save_attendance"), icon="save"), "paper-save-attendance"
        )
        self.save_attendance.on_click(lambda _: self._save_attendance())
        self.summary = named(w.HTML(), "paper-summary")
        self.start = named(
            w.Text(value="09:00", description=t("paper.start"), layout=w.Layout(width="180px")), "paper-start"
        )
        self.buttons = {
            "ics": named(w.Button(description=t("paper.ics"), icon="calendar"), "paper-ics"),
            "poster": named(w.Button(description=t("paper.poster"), icon="qrcode"), "paper-poster"),
            "certificates": named(
                w.Button(description=t("paper.certificates"), icon="certificate"), "paper-certificates"
            ),
        }
        self.buttons["ics"].on_click(lambda _: self.download_ics())
        self.buttons["poster"].on_click(lambda _: self.download_poster())
        self.buttons["certificates"].on_click(lambda _: self.download_certificates())
        self.download = named(w.HTML(), "paper-download")
        self.root = named(
            w.VBox(
                [
                    w.HTML(f"<h3>{esc(t('paper.title'))}</h3><p class='pz-note'>{esc(t('paper.intro'))}</p>"),
                    *self.fields.values(),
                    self.save_details,
                    w.HTML(
                        f"<h4>{esc(t('paper.attendance'))}</h4><p class='pz-note'>{esc(t('paper.attendance_help'))}</p>"
                    ),
                    self.meeting,
                    self.names,
                    self.save_attendance,
                    self.summary,
                    w.HTML(f"<h4>{esc(t('paper.downloads'))}</h4>"),
                    w.HBox([self.start, *self.buttons.values()], layout=w.Layout(flex_flow="row wrap")),
                    self.message,
                    self.download,
                ]
            ),
            "paperwork-panel",
            "pz-card",
        )
        self.root.layout.display = "none"

    def show(self, training: Training | None, program: Program | None) -> None:
        """Show the paperwork of ``training`` (None hides the panel)."""
        self.training, self.program = training, program
        self.root.layout.display = "none" if training is None else None
        self.download.value = ""
        self.message.clear()
        if training is None or program is None:
            return
        details = self.store.training_details(training.id)
        for name, field in self.fields.items():
            field.value = getattr(details, name)
        self.meeting.options = [
            (t("meeting.option", number=m.number, title=m.title, minutes=m.minutes), m.number) for m in program.meetings
        ]
        self._show_attendance_text()
        self._show_summary()

    # ================================================================ details and attendance

    def _save_details(self) -> None:
        if self.training is None:
            return
        details = TrainingDetails(**{name: field.value for name, field in self.fields.items()})
        training_id = self.training.id
        if self.message.attempt(lambda: self.store.save_training_details(training_id, details, self.clock())):
            self.message.ok(t("paper.details_saved"))

    def _show_attendance_text(self) -> None:
        if self.training is None or self.meeting.value is None:
            return
        entered = self.store.paper_attendance(self.training.id).get(self.meeting.value, {})
        self.names.value = "\n".join(name if present else f"-{name}" for name, present in entered.items())

    def _save_attendance(self) -> None:
        if self.training is None or self.meeting.value is None:
            return
        entered = parse_attendance(self.names.value)
        training_id, number = self.training.id, self.meeting.value
        if self.message.attempt(lambda: self.store.set_paper_attendance(training_id, number, entered, self.clock())):
            self.message.ok(t("paper.attendance_saved", number=number, count=len(entered)))
        self._show_attendance_text()
        self._show_summary()

    def _show_summary(self) -> None:
        assert self.training is not None and self.program is not None
        found = certificates.training_attendance(self.store, self.training, self.program)
        complete = ", ".join(person.name for person in found.complete) or t("paper.nobody")
        missing = "".join(f"<li>{esc(line)}</li>" for line in certificates.missing_lines(found, self.training))
        self.summary.value = f"<p class='pz-paper-complete'>{esc(t('paper.complete', names=complete))}</p>" + (
            f"<p>{esc(t('cert.missing_title'))}</p><ul class='pz-paper-missing'>{missing}</ul>" if missing else ""
        )

    # ================================================================ downloads

    def _offer(self, write: Callable, fmt: str, stem: str) -> None:
        now = local(self.clock())
        try:
            self.download.value = self.downloads.link(write, fmt, stem, now, lambda name: t("res.download", name=name))
        except PztrainingError as exc:
            self.download.value = ""
            self.message.error(str(exc))
            return
        self.message.clear()

    def _invitation_parts(self):
        assert self.training is not None and self.program is not None
        start = parse_clock(self.start.value)
        return (
            self.training,
            self.program,
            self.store.training_details(self.training.id),
            invitation.join_url(self.training),
            start,
            local_zone(),
        )

    def download_ics(self) -> None:
        """Offer the training's calendar file."""
        if self.training is None:
            return

        def write(target):
            training, program, details, url, start, zone = self._invitation_parts()
            data, _skipped = invitation.calendar_ics(training, program, details, url, start, zone, self.clock())
            target.write_bytes(data)
            return target

        self._offer(write, "ics", "uitnodiging")

    def download_poster(self) -> None:
        """Offer the printable invitation with the QR code (HTML; the browser prints it)."""
        if self.training is None:
            return

        def write(target):
            target.write_text(invitation.poster_html(*self._invitation_parts()), encoding="utf-8")
            return target

        self._offer(write, "html", "uitnodiging")

    def download_certificates(self) -> None:
        """Offer the certificates PDF of everyone who attended every meeting."""
        if self.training is None:
            return
        training = self.training

        def write(target):
            certificates.write_certificates(self.store, training, target)
            return target

        self._offer(write, "pdf", "certificaten")
