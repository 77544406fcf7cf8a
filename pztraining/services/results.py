"""Gather what a report covers from the store into frames (the glue for the CLI and the app).

:func:`gather_answers` is the one path from the store to the answer frames: the exports, the
results page and ``pztraining.data`` (through :func:`build`) and the kartrekker's borging
report (:func:`pztraining.services.kartrekker.gather.borging`) all read answers through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from pztraining.content import library
from pztraining.core.errors import ScopeError
from pztraining.core.text_input import clean_name
from pztraining.core.texts import t as text
from pztraining.domain import aggregate as report
from pztraining.domain import periods
from pztraining.store import Store, Training, normalize_join_code


@dataclass(frozen=True)
class Scope:
    """Which answers a report covers."""

    trainings: tuple[Training, ...]
    title: str
    meeting: int | None = None
    form: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def training_by_reference(store: Store, ref: str) -> Training:
    """A training by a reference a person types: its id, join code or exact name; ScopeError
    (Dutch) when none or more than one fit.

    A reference that fits two trainings (a training named "3" and training number 3) is
    refused with both named, never resolved by guessing: ``remove`` deletes what it finds.
    """
    ref = ref.strip()
    # Names are stored cleaned (text_input.clean_name): a name pasted with a zero-width space still fits.
    found = [
        training
        for training in store.list_trainings()
        if ref in (str(training.id), training.name)
        or clean_name(ref) == training.name
        or normalize_join_code(ref) == training.join_code
    ]
    if not found:
        raise ScopeError(text("res.onbekende_training_geef_nummer", ref=ref))
    if len(found) > 1:
        candidates = "; ".join(
            text("scope.candidate", name=tr.name, id=tr.id, code=tr.join_code)
            for tr in sorted(found, key=lambda tr: tr.id)
        )
        raise ScopeError(text("scope.ambiguous", ref=ref, candidates=candidates))
    return found[0]


def training_scope(store: Store, ref: str, meeting: int | None = None, form: str | None = None) -> Scope:
    training = training_by_reference(store, ref)
    return Scope((training,), training.name, meeting, form)


def program_scope(store: Store, program: str, date_from: date | None, date_to: date | None) -> Scope:
    """All trainings of a program with a meeting (or, without dates, their creation) in the period."""
    if program not in library().programs:
        raise ScopeError(
            text("res.onbekend_programma_kies_uit", program=program, programs=", ".join(sorted(library().programs)))
        )
    periods.check_span(date_from, date_to)
    chosen = []
    for training in store.list_trainings():
        if training.program_id != program:
            continue
        days = [d for d in training.meeting_dates if d] or [training.created_at.date()]
        if any((date_from is None or d >= date_from) and (date_to is None or d <= date_to) for d in days):
            chosen.append(training)
    period = ""
    if date_from or date_to:
        period = f" {date_from:%d-%m-%Y}" if date_from else " …"
        period += f" t/m {date_to:%d-%m-%Y}" if date_to else " t/m …"
    title = library().programs[program].title + (f",{period}" if period else "")
    return Scope(tuple(sorted(chosen, key=lambda t: t.id)), title, date_from=date_from, date_to=date_to)


@dataclass
class Bundle:
    """Every table of one report."""

    scope: Scope
    tidy: pd.DataFrame
    summary: pd.DataFrame
    counts: pd.DataFrame
    choices: pd.DataFrame
    before_after: pd.DataFrame
    pairs: pd.DataFrame
    open: pd.DataFrame
    response: pd.DataFrame
    roleplay: pd.DataFrame
    changes: pd.DataFrame
    participants: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return bool(self.tidy.empty and self.roleplay.empty)


@dataclass
class Answers:
    """The answers of some trainings, read once for every report that needs them."""

    #: What the report needs to know of each training, by id.
    infos: dict[int, report.TrainingInfo]
    #: Per training: participant id -> (pseudonym code, name).
    codes: dict[int, dict[int, tuple[str, str]]]
    #: One row per answer (see :func:`pztraining.domain.aggregate.tidy_answers`).
    tidy: pd.DataFrame
    #: One row per form opened in a meeting: training_id, training, meeting, form.
    opened: pd.DataFrame

    @property
    def participants(self) -> dict[int, int]:
        """How many participants each training has."""
        return {training_id: len(codes) for training_id, codes in self.codes.items()}


def gather_answers(store: Store, trainings: Sequence[Training], with_names: bool = False) -> Answers:
    """The answers and opened forms of ``trainings``, pseudonymised unless ``with_names``."""
    infos = {
        tr.id: report.TrainingInfo(tr.id, tr.name, tr.program_id, tr.organisation, tr.meeting_dates) for tr in trainings
    }
    codes = {tr.id: report.pseudonym_codes(store.list_participants(tr.id)) for tr in trainings}
    tidy = report.tidy_answers(
        store.answer_rows([tr.id for tr in trainings]), infos, library().forms, codes, with_names
    )
    opened = pd.DataFrame(
        [
            (s.training_id, infos[s.training_id].name, s.meeting, s.form_id)
            for tr in trainings
            for s in store.form_sessions(tr.id)
        ],
        columns=["training_id", "training", "meeting", "form"],
    )
    return Answers(infos, codes, tidy, opened)


def build(store: Store, scope: Scope, with_names: bool = False) -> Bundle:
    """Every table for ``scope``, pseudonymized unless ``with_names``."""
    lib = library()
    ids = [t.id for t in scope.trainings]
    answers = gather_answers(store, scope.trainings, with_names)
    infos, tidy, opened = answers.infos, answers.tidy, answers.opened
    if scope.meeting is not None:
        tidy = tidy[tidy["meeting"] == scope.meeting]
        opened = opened[opened["meeting"] == scope.meeting]
    if scope.form is not None:
        tidy = tidy[tidy["form"] == scope.form]
        opened = opened[opened["form"] == scope.form]
    if scope.date_from or scope.date_to:
        dated = tidy["meeting_date"].map(lambda d: d is not None)
        inside = tidy["meeting_date"].map(
            lambda d: (
                d is None
                or ((scope.date_from is None or d >= scope.date_from) and (scope.date_to is None or d <= scope.date_to))
            )
        )
        tidy = tidy[inside | ~dated]
    turns = pd.DataFrame(store.roleplay_rows(ids))
    if not turns.empty:
        turns["training"] = turns["training_id"].map(lambda i: infos[i].name)
        if scope.meeting is not None:
            turns = turns[turns["meeting"] == scope.meeting]
    people = answers.participants
    notes = []
    if tidy.empty:
        notes.append(text("res.nog_geen_antwoorden_voor"))
    changes = report.item_changes(tidy)
    if not changes.empty:
        notes.append(text("res.questions_changed"))
    return Bundle(
        scope=scope,
        tidy=tidy.reset_index(drop=True),
        summary=report.item_summary(tidy, by=("program", "form")),
        counts=report.scale_counts(tidy, by=("program", "form")),
        choices=report.choice_counts(tidy, lib.forms, by=("program", "form")),
        before_after=report.before_after(tidy),
        pairs=report.pairs(tidy),
        open=report.open_answers(tidy),
        response=report.response_rates(tidy, opened, people),
        roleplay=report.roleplay_summary(turns),
        changes=changes,
        participants=sum(people.values()),
        notes=notes,
    )


__all__ = [
    "Answers",
    "Bundle",
    "Scope",
    "ScopeError",
    "build",
    "gather_answers",
    "program_scope",
    "training_by_reference",
    "training_scope",
]
