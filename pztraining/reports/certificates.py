"""Certificates of participation for accreditation: one A4 page per participant who attended every meeting.

Who attended comes from two places (see :mod:`pztraining.store.paperwork`): the room (a named
form sent in a meeting) and the paper attendance list entered afterwards, which counts over the
room's record. Names are matched as written, ignoring case and extra spaces. Nobody who missed a
meeting gets a page; :attr:`Attendance.incomplete` says who misses which meeting.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pztraining import content
from pztraining.core.errors import PztrainingError
from pztraining.core.files import atomic_file
from pztraining.core.text_input import clean_name
from pztraining.core.texts import t
from pztraining.reports.handouts.pages import _render
from pztraining.reports.handouts.pdf import find_chromium, print_pdf
from pztraining.store import Store, Training, TrainingDetails


class CertificateError(PztrainingError):
    """No certificates can be made (nobody attended everything, no Chromium); the message is Dutch."""


@dataclass(frozen=True)
class Person:
    """One name on the training's lists and the meetings it attended and missed (numbers, 1-based)."""

    name: str
    attended: tuple[int, ...]
    missing: tuple[int, ...]


@dataclass(frozen=True)
class Attendance:
    """Everyone seen in a training, split into who attended every meeting and who did not."""

    meetings: tuple[int, ...]
    people: tuple[Person, ...]

    @property
    def complete(self) -> tuple[Person, ...]:
        """Who attended every meeting: they get a certificate."""
        return tuple(person for person in self.people if not person.missing)

    @property
    def incomplete(self) -> tuple[Person, ...]:
        """Who missed at least one meeting: no certificate."""
        return tuple(person for person in self.people if person.missing)


def _key(name: str) -> str:
    return clean_name(name).casefold()


def attendance(
    meetings: Sequence[int],
    roster: Iterable[str],
    room: Mapping[int, Iterable[str]],
    paper: Mapping[int, Mapping[str, bool]],
) -> Attendance:
    """Who attended which of ``meetings``: ``room`` per meeting the names seen in the room, ``paper`` per
    meeting the names entered from the paper list (present True, absent False; paper counts over the room).

    ``roster`` (the training's participants) comes first, in its order; names seen only on paper follow.
    """
    spelled: dict[str, str] = {}
    for name in [
        *roster,
        *(n for names in room.values() for n in names),
        *(n for names in paper.values() for n in names),
    ]:
        if clean_name(name):
            spelled.setdefault(_key(name), clean_name(name))
    present: dict[int, set[str]] = {number: {_key(n) for n in room.get(number, ())} for number in meetings}
    for number in meetings:
        for name, was_there in paper.get(number, {}).items():
            (present[number].add if was_there else present[number].discard)(_key(name))
    people = tuple(
        Person(
            name, tuple(m for m in meetings if key in present[m]), tuple(m for m in meetings if key not in present[m])
        )
        for key, name in spelled.items()
    )
    return Attendance(tuple(meetings), people)


def training_attendance(store: Store, training: Training, program: content.Program) -> Attendance:
    """The attendance of ``training`` as stored (room and paper)."""
    roster = [p.name for p in store.list_participants(training.id)]
    return attendance(
        [m.number for m in program.meetings],
        roster,
        store.room_attendance(training.id),
        store.paper_attendance(training.id),
    )


def _day(day: date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else t("cert.no_date")


def hours_text(program: content.Program) -> str:
    """The hours of the whole programme, Dutch style ("4,5 uur")."""
    minutes = sum(meeting.minutes for meeting in program.meetings)
    hours = f"{minutes / 60:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return t("cert.hours_value", hours=hours)


def missing_lines(found: Attendance, training: Training) -> list[str]:
    """One Dutch line per person without a certificate: which meetings (and their dates) they miss."""
    lines = []
    for person in found.incomplete:
        meetings = ", ".join(
            t("cert.meeting_on", number=m, date=_day(training.meeting_date(m))) for m in person.missing
        )
        lines.append(t("cert.misses", name=person.name, meetings=meetings))
    return lines


def certificates_html(
    training: Training, program: content.Program, details: TrainingDetails, names: Sequence[str]
) -> str:
    """The certificates of ``names`` as one HTML document, one A4 page each."""
    dates = ", ".join(_day(training.meeting_date(m.number)) for m in program.meetings)
    return _render(
        "certificate.html.j2",
        "certificate",
        t("cert.file_title", name=training.name),
        people=list(names),
        program=program,
        training=training,
        details=details,
        dates=dates,
        hours=hours_text(program),
    )


def write_certificates(store: Store, training: Training, out: Path, *, overwrite: bool = False) -> Attendance:
    """Write the certificates of ``training`` as one PDF to ``out``; returns the attendance they follow.

    Never over an existing file unless ``overwrite``. CertificateError (Dutch, naming who misses
    what) when nobody attended every meeting, or when this computer has no Chromium to print with.
    """
    program = content.load_program(training.program_id)
    found = training_attendance(store, training, program)
    if not found.complete:
        lines = missing_lines(found, training) or [t("cert.nobody_seen")]
        raise CertificateError("\n".join([t("cert.none_complete"), *lines]))
    chromium = find_chromium()
    if chromium is None:
        raise CertificateError(t("cert.no_chromium"))
    html = certificates_html(
        training, program, store.training_details(training.id), [person.name for person in found.complete]
    )
    with tempfile.TemporaryDirectory(prefix="pz-certificates-") as scratch:
        page = Path(scratch) / "certificaten.html"
        page.write_text(html, encoding="utf-8")
        # A failing print leaves nothing behind (files.atomic_file); its Dutch reason is in the WriteError.
        atomic_file(Path(out), lambda target: print_pdf(chromium, page, target), overwrite=overwrite)
    return found
