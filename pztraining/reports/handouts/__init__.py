"""Printable handouts for a training: cards, case sheets, paper forms, checklist, attendance.

Each handout is an HTML page with print CSS for A4, and a PDF printed by headless Chromium
when this computer has one. Everything is rendered from the shipped content files.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from pztraining import content
from pztraining.core.errors import PztrainingError
from pztraining.core.files import WriteError, write_folder
from pztraining.core.texts import t
from pztraining.reports.handouts.pages import (
    CARDS_PER_PAGE,
    Handout,
    TrainingInfo,
    attendance_list,
    card_sheet,
    case_sheets,
    checklist_sheet,
    index_page,
    paper_form,
    region_sheet,
)
from pztraining.reports.handouts.pdf import PdfError, find_chromium, print_pdf

__all__ = ["Handout", "HandoutsError", "HandoutsReport", "TrainingInfo", "handouts_for", "write_handouts"]


class HandoutsError(PztrainingError):
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


def handouts_for(
    program: content.Program, training: TrainingInfo | None, copies: int, lib: content.Library | None = None
) -> list[Handout]:
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


def write_handouts(
    handouts: list[Handout], out: Path, title: str, pdf: bool = True, *, now: datetime, overwrite: bool = False
) -> HandoutsReport:
    """Write each handout as HTML (and PDF when asked and possible) plus an index page.

    The files go into ``out``, or into a new subfolder of it (``hand-outs-<date>``, ``now`` in
    local time) when ``out`` holds other files; ``report.out`` says where. A handout of the same
    name is replaced only when ``overwrite`` (else :class:`~pztraining.core.files.AlreadyExists`, and
    nothing is written). Nothing else in the folder is touched.
    """
    chromium = find_chromium() if pdf else None
    warnings = [] if chromium or not pdf else [t("handout.no_chromium")]
    writers: dict[str, Callable[[Path], object]] = {}
    with tempfile.TemporaryDirectory(prefix="pz-hand-outs-") as scratch:
        for handout in handouts:
            writers[f"{handout.name}.html"] = _text_writer(handout.html)
            if chromium:
                # Printed from a private copy first: the PDF joins the set only when Chromium made it.
                page, printed = Path(scratch) / f"{handout.name}.html", Path(scratch) / f"{handout.name}.pdf"
                page.write_text(handout.html, encoding="utf-8")
                try:
                    print_pdf(chromium, page, printed)
                    writers[f"{handout.name}.pdf"] = partial(shutil.copyfile, printed)
                except PdfError as exc:
                    warnings.append(str(exc))
        writers["index.html"] = _text_writer(index_page(title, handouts, with_pdf=chromium is not None))
        try:
            folder = write_folder(Path(out), writers, t("handout.folder"), now, overwrite=overwrite)
        except WriteError as exc:
            raise HandoutsError(t("handout.cannot_write", path=exc.path, reason=exc.reason)) from None
    return HandoutsReport(folder, [folder / name for name in writers], warnings)


def _text_writer(text: str) -> Callable[[Path], object]:
    return lambda target: target.write_text(text, encoding="utf-8")
