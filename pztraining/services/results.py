"""Gather what a report covers from the store into frames (the glue for the CLI and the app)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from pztraining.content import library
from pztraining.core.errors import ScopeError
from pztraining.core.text_input import clean_name
from pztraining.core.texts import t as text
from pztraining.domain import aggregate as report
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


def find_training(store: Store, ref: str) -> Training:
    """A training by id, join code or exact name; ScopeError (Dutch) when none or more than one fit.

    A reference that fits two trainings (a training named "3" and training number 3) is
    refused with both named, never resolved by guessing: ``remove`` deletes what it finds.
    """
    ref = ref.strip()
    # Names are stored cleaned (text_input.clean_name): a name pasted with a zero-width space still fits.
    found = [training for training in store.list_trainings()
             if ref in (str(training.id), training.name) or clean_name(ref) == training.name
             or normalize_join_code(ref) == training.join_code]
    if not found:
        raise ScopeError(text("res.onbekende_training_geef_nummer", ref=ref))
    if len(found) > 1:
        candidates = "; ".join(text("scope.candidate", name=tr.name, id=tr.id, code=tr.join_code)
                               for tr in sorted(found, key=lambda tr: tr.id))
        raise ScopeError(text("scope.ambiguous", ref=ref, candidates=candidates))
    return found[0]


def training_scope(store: Store, ref: str, meeting: int | None = None, form: str | None = None) -> Scope:
    training = find_training(store, ref)
    return Scope((training,), training.name, meeting, form)


def program_scope(store: Store, program: str, date_from: date | None, date_to: date | None) -> Scope:
    """All trainings of a program with a meeting (or, without dates, their creation) in the period."""
    if program not in library().programs:
        raise ScopeError(text("res.onbekend_programma_kies_uit",
                              program=program, programs=', '.join(sorted(library().programs))))
    if date_from and date_to and date_from > date_to:
        raise ScopeError(text("res.periode_klopt_niet_ligt", date_from=date_from, date_to=date_to))
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


def build(store: Store, scope: Scope, with_names: bool = False) -> Bundle:
    """Every table for ``scope``, pseudonymized unless ``with_names``."""
    lib = library()
    ids = [t.id for t in scope.trainings]
    infos = {t.id: report.TrainingInfo(t.id, t.name, t.program_id, t.organisation, t.meeting_dates)
             for t in scope.trainings}
    codes = {t.id: report.pseudonym_codes(store.list_participants(t.id)) for t in scope.trainings}
    tidy = report.tidy_answers(store.answer_rows(ids), infos, lib.forms, codes, with_names)
    opened_rows = [(s.training_id, infos[s.training_id].name, s.meeting, s.form_id)
                   for t in scope.trainings for s in store.form_sessions(t.id)]
    opened = pd.DataFrame(opened_rows, columns=["training_id", "training", "meeting", "form"])
    if scope.meeting is not None:
        tidy = tidy[tidy["meeting"] == scope.meeting]
        opened = opened[opened["meeting"] == scope.meeting]
    if scope.form is not None:
        tidy = tidy[tidy["form"] == scope.form]
        opened = opened[opened["form"] == scope.form]
    if scope.date_from or scope.date_to:
        dated = tidy["meeting_date"].map(lambda d: d is not None)
        inside = tidy["meeting_date"].map(lambda d: d is None or (
            (scope.date_from is None or d >= scope.date_from) and (scope.date_to is None or d <= scope.date_to)))
        tidy = tidy[inside | ~dated]
    turns = pd.DataFrame(store.roleplay_rows(ids))
    if not turns.empty:
        turns["training"] = turns["training_id"].map(lambda i: infos[i].name)
        if scope.meeting is not None:
            turns = turns[turns["meeting"] == scope.meeting]
    people = {t.id: len(codes[t.id]) for t in scope.trainings}
    notes = []
    if tidy.empty:
        notes.append(text("res.nog_geen_antwoorden_voor"))
    changes = report.item_changes(tidy)
    if not changes.empty:
        notes.append("Sommige vragen zijn tussen trainingen gewijzigd; zij staan apart (zie Wijzigingen).")
    return Bundle(
        scope=scope, tidy=tidy.reset_index(drop=True),
        summary=report.item_summary(tidy, by=("program", "form")),
        counts=report.scale_counts(tidy, by=("program", "form")),
        choices=report.choice_counts(tidy, lib.forms, by=("program", "form")),
        before_after=report.before_after(tidy), pairs=report.pairs(tidy),
        open=report.open_answers(tidy),
        response=report.response_rates(tidy, opened, people),
        roleplay=report.roleplay_summary(turns), changes=changes,
        participants=sum(people.values()), notes=notes,
    )


__all__ = ["Bundle", "Scope", "ScopeError", "build", "find_training", "program_scope",
           "training_scope"]
