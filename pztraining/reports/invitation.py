"""Invitations for a training: an .ics calendar file (every meeting) and a printable poster with the QR code.

The calendar is made with ``icalendar``; each meeting with a date becomes an event at the start
time given (local zone, with its VTIMEZONE), with the location, and the join link (or the join
code) for the pre-assignment. The poster is an A4 page for the public meeting: what, when,
where, and the QR code phones scan to take part.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from pathlib import Path

from pztraining import content
from pztraining.core.errors import PztrainingError
from pztraining.core.files import atomic_file
from pztraining.core.texts import t
from pztraining.domain.links import participant_url, qr_svg
from pztraining.reports.handouts.pages import _render
from pztraining.reports.handouts.pdf import find_chromium, print_pdf
from pztraining.store import Training, TrainingDetails


class InvitationError(PztrainingError):
    """No invitation can be made (no meeting has a date); the message is Dutch."""


@dataclass(frozen=True)
class Slot:
    """One meeting of a training in time: its start and end (aware, local zone), or None without a date."""

    meeting: content.Meeting
    start: datetime | None
    end: datetime | None


def slots(training: Training, program: content.Program, start: time, zone: tzinfo) -> list[Slot]:
    """Every meeting of ``program`` at ``start`` o'clock on its date in ``training`` (``zone``: local)."""
    found = []
    for meeting in program.meetings:
        day = training.meeting_date(meeting.number)
        begin = datetime.combine(day, start, tzinfo=zone) if day else None
        found.append(Slot(meeting, begin, begin + timedelta(minutes=meeting.minutes) if begin else None))
    return found


def join_text(training: Training, url: str | None) -> str:
    """How a participant joins: the link with the code in it, or the code alone when the address is unknown."""
    return t("invite.join_url", url=url) if url else t("invite.join_code", code=training.join_code)


def _description(program: content.Program, meeting: content.Meeting, training: Training, url: str | None) -> str:
    lines = [
        program.title,
        t("handout.attendance.meeting", number=meeting.number, title=meeting.title),
        "",
        meeting.goal,
    ]
    if meeting.preparation_form:
        form = content.library().forms.get(meeting.preparation_form)
        lines += ["", t("invite.preparation", form=form.title if form else meeting.preparation_form)]
    if meeting.assignment is not None:
        lines += ["", t("invite.assignment", title=meeting.assignment.title)]
    lines += ["", join_text(training, url)]
    return "\n".join(lines)


def calendar_ics(
    training: Training,
    program: content.Program,
    details: TrainingDetails,
    url: str | None,
    start: time,
    zone: tzinfo,
    now: datetime,
) -> tuple[bytes, list[int]]:
    """The .ics of a training and the numbers of the meetings left out because they have no date.

    ``now`` (UTC) is the file's time stamp. InvitationError when no meeting has a date.
    """
    from icalendar import Calendar, Event

    times = slots(training, program, start, zone)
    dated = [slot for slot in times if slot.start is not None]
    if not dated:
        raise InvitationError(t("invite.no_dates", name=training.name))
    calendar = Calendar()
    calendar.add("prodid", "-//pztraining//pztraining//NL")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", training.name)
    for slot in dated:
        event = Event()
        # Stable per training and meeting: a calendar that imports the file again updates the event.
        event.add("uid", f"pztraining-{training.join_code or training.id}-{slot.meeting.number}@pztraining")
        event.add("dtstamp", now)
        event.add("dtstart", slot.start)
        event.add("dtend", slot.end)
        event.add(
            "summary", t("invite.summary", program=program.title, number=slot.meeting.number, title=slot.meeting.title)
        )
        if details.location:
            event.add("location", details.location)
        event.add("description", _description(program, slot.meeting, training, url))
        if url:
            event.add("url", url)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical(), [slot.meeting.number for slot in times if slot.start is None]


def poster_html(
    training: Training, program: content.Program, details: TrainingDetails, url: str | None, start: time, zone: tzinfo
) -> str:
    """The printable invitation (A4 poster) with the QR code of the join link when the address is known."""
    when = [
        t(
            "invite.poster.when",
            number=slot.meeting.number,
            date=slot.start.strftime("%d-%m-%Y"),
            start=slot.start.strftime("%H:%M"),
            end=slot.end.strftime("%H:%M"),
        )
        for slot in slots(training, program, start, zone)
        if slot.start and slot.end
    ]
    return _render(
        "poster.html.j2",
        "poster",
        t("invite.poster.title", name=training.name),
        program=program,
        training=training,
        details=details,
        when=when,
        url=url or "",
        qr=qr_svg(url) if url else "",
    )


def join_url(training: Training, base: str | None = None) -> str | None:
    """The link a participant opens for ``training`` (room server address from ``base`` or the setting)."""
    return participant_url(training.join_code, base) if training.join_code else None


def write_poster_pdf(html: str, out: Path, *, overwrite: bool = False) -> None:
    """Print the poster ``html`` to the PDF ``out`` with Chromium (never over a file unless ``overwrite``)."""
    chromium = find_chromium()
    if chromium is None:
        raise InvitationError(t("invite.no_chromium"))
    with tempfile.TemporaryDirectory(prefix="pz-poster-") as scratch:
        page = Path(scratch) / "uitnodiging.html"
        page.write_text(html, encoding="utf-8")
        atomic_file(out, lambda target: print_pdf(chromium, page, target), overwrite=overwrite)
