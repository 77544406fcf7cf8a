"""Render each handout to one self-contained HTML page with print CSS (A4).

Everything comes from the content files, the same ones the apps use: the paper evaluation is
rendered from the same ``form_spec`` as the digital form, the cards and case sheets from their
YAML, so a printed text never drifts from what is on screen. Jinja autoescapes every value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from pztraining import content
from pztraining.core.texts import t
from pztraining.domain.forms import form_spec

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Cards per A4 page (2 × 2 A6) and attendance rows per A4 page.
CARDS_PER_PAGE = 4
ROWS_PER_PAGE = 15


@dataclass(frozen=True)
class Handout:
    """One printable document: its file name (without extension), title and HTML."""

    name: str
    title: str
    html: str
    #: The number of A4 pages when the layout fixes it (cards, attendance lists), else None.
    pages: int | None = None


@dataclass(frozen=True)
class Attendee:
    number: int
    name: str


@dataclass(frozen=True)
class TrainingInfo:
    """What a handout shows of a training (nothing else of the store reaches a page)."""

    name: str
    organisation: str
    meeting_dates: tuple[date | None, ...]
    participant_names: tuple[str, ...] = ()
    ticked: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["t"] = t
    env.globals["css"] = (TEMPLATES / "print.css").read_text(encoding="utf-8")
    return env


def _render(template: str, kind: str, title: str, **values) -> str:
    return _environment().get_template(template).render(kind=kind, title=title, **values)


def card_sheet(card: content.Card, copies: int) -> Handout:
    """``copies`` copies of a card, four A6 cards to an A4 page (rounded up to full pages)."""
    pages = max(1, math.ceil(copies / CARDS_PER_PAGE))
    sheets = [range(CARDS_PER_PAGE)] * pages
    html = _render("card.html.j2", "card", card.title, card=card, sheets=sheets)
    return Handout(card.id, card.title, html, pages)


def case_sheets(case: content.Case, program: content.Program) -> list[Handout]:
    """The participant's sheet of a case, and the simulant's when the case is played."""
    sheets = [
        Handout(
            f"casus-{case.id}-deelnemer",
            t("handout.case.title_participant", title=case.title),
            _render("case_participant.html.j2", "case-participant", case.title, case=case, program=program),
        )
    ]
    if case.simulant_briefing is not None:
        sheets.append(
            Handout(
                f"casus-{case.id}-simulant",
                t("handout.case.title_simulant", title=case.title),
                _render("case_simulant.html.j2", "case-simulant", case.title, case=case, program=program),
            )
        )
    return sheets


def paper_form(form: content.Form, program: content.Program, training: TrainingInfo | None) -> Handout:
    """A form on paper: the same items, in the same order, as the digital form."""
    html = _render(
        "form.html.j2", "form", form.title, form=form, spec=form_spec(form), program=program, training=training
    )
    return Handout(f"formulier-{form.id}", t("handout.form.title", title=form.title), html)


def checklist_sheet(checklist: content.Checklist, program: content.Program, training: TrainingInfo | None) -> Handout:
    """The preparation checklist, with what the trainer already ticked in the app."""
    html = _render(
        "checklist.html.j2",
        "checklist",
        checklist.title,
        checklist=checklist,
        program=program,
        training=training,
        ticked=training.ticked if training else frozenset(),
    )
    return Handout("checklist-voorbereiding", checklist.title, html)


def region_sheet(region: content.Region, program: content.Program) -> Handout:
    """Who is who in the region (from the region file in use): role, name, what they do, contact."""
    roles = [(t(f"region.role.{key}"), region.roles[key]) for key in content.REGION_ROLES]
    title = t("handout.region.title", name=region.title)
    html = _render("region.html.j2", "region", title, region=region, roles=roles, program=program)
    return Handout(f"regio-{region.id}", title, html)


def attendance_list(program: content.Program, meeting: content.Meeting, training: TrainingInfo | None) -> Handout:
    """The attendance list of a meeting (accreditation): names given or blank rows, full pages."""
    names = list(training.participant_names) if training else []
    rows = max(ROWS_PER_PAGE, math.ceil(len(names) / ROWS_PER_PAGE) * ROWS_PER_PAGE)
    if len(names) == rows:
        rows += ROWS_PER_PAGE  # always room for someone who was not registered
    attendees = [Attendee(n + 1, names[n] if n < len(names) else "") for n in range(rows)]
    pages = [attendees[i : i + ROWS_PER_PAGE] for i in range(0, rows, ROWS_PER_PAGE)]
    day = (
        training.meeting_dates[meeting.number - 1]
        if training and len(training.meeting_dates) >= meeting.number
        else None
    )
    title = t("handout.attendance.file_title", number=meeting.number)
    html = _render(
        "attendance.html.j2",
        "attendance",
        title,
        program=program,
        meeting=meeting,
        training=training,
        pages=pages,
        day=f"{day:%d-%m-%Y}" if day else "",
        hours=f"{meeting.minutes / 60:g}".replace(".", ","),
    )
    return Handout(f"presentielijst-bijeenkomst-{meeting.number}", title, html, len(pages))


def index_page(title: str, handouts: list[Handout], with_pdf: bool) -> str:
    rows = [{"name": h.name, "title": h.title, "has_pdf": with_pdf} for h in handouts]
    return _render("index.html.j2", "index", title, handouts=rows)
