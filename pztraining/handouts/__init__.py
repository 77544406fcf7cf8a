"""Printable handouts for a training: cards, case sheets, paper forms, checklist, attendance.

Each handout is an HTML page with print CSS for A4, and a PDF printed by headless Chromium
when this computer has one. Everything is rendered from the shipped content files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from .. import content
from ..files import WriteError, atomic_text
from ..texts import t
from .pages import CARDS_PER_PAGE, Handout, TrainingInfo, attendance_list, card_sheet, case_sheets, \
    checklist_sheet, index_page, paper_form, region_sheet
from .pdf import PdfError, find_chromium, print_pdf

__all__ = ["Handout", "HandoutsError", "HandoutsReport", "TrainingInfo", "handouts_for", "write_handouts"]


class HandoutsError(Exception):
    """The handouts cannot be written at all (e.g. the folder is not writable); Dutch."""


@dataclass
class HandoutsReport:
    """What was written, and what could not be made (e.g. no PDF without Chromium)."""

    out: Path
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def card_copies(participants: int) -> int:
    """How many cards to print: one per participant, full A4 pages, at least one page."""
    return max(1, math.ceil(participants / CARDS_PER_PAGE)) * CARDS_PER_PAGE


def handouts_for(program: content.Program, training: TrainingInfo | None, copies: int,
                 lib: content.Library | None = None) -> list[Handout]:
    """Every handout of a program, in the order a trainer prepares them.

    ``lib`` is the content to print from (default: the shipped content). A case or form that
    is missing from it (a broken file, already named by :func:`content.load_library`) is left out.
    """
    lib = content.library() if lib is None else lib
    handouts = [card_sheet(card, copies) for card in content.of_program(lib.cards, program.id)]
    for case in content.of_program(lib.cases, program.id):
        handouts.extend(case_sheets(case, program))
    form_ids = dict.fromkeys(form_id for meeting in program.meetings for form_id in meeting.form_ids())
    handouts.extend(paper_form(lib.forms[form_id], program, training) for form_id in form_ids if form_id in lib.forms)
    checklist = lib.checklists.get(program.id)
    if checklist is not None:
        handouts.append(checklist_sheet(checklist, program, training))
    if program.region:
        handouts.append(region_sheet(content.active_region(), program))
    handouts.extend(attendance_list(program, meeting, training) for meeting in program.meetings)
    return handouts


def write_handouts(handouts: list[Handout], out: Path, title: str, pdf: bool = True) -> HandoutsReport:
    """Write each handout as HTML (and PDF when asked and possible) plus an index page."""
    report = HandoutsReport(out)
    chromium = find_chromium() if pdf else None
    if pdf and chromium is None:
        report.warnings.append(t("handout.no_chromium"))
    try:
        for handout in handouts:
            page = out / f"{handout.name}.html"
            atomic_text(page, handout.html)
            report.written.append(page)
            if chromium:
                try:
                    print_pdf(chromium, page, out / f"{handout.name}.pdf")
                    report.written.append(out / f"{handout.name}.pdf")
                except PdfError as exc:
                    report.warnings.append(str(exc))
        index = out / "index.html"
        atomic_text(index, index_page(title, handouts, with_pdf=chromium is not None))
        report.written.append(index)
    except WriteError as exc:
        raise HandoutsError(t("handout.cannot_write", path=exc.path, reason=exc.reason)) from None
    return report
