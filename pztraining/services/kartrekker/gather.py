"""Read what the kartrekker's page and report need from the store (the glue, like results.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, tzinfo
from typing import Any

import pandas as pd

from pztraining.content import library
from pztraining.content.schema import Conditions, CostFormat, Planning
from pztraining.core.errors import ScopeError
from pztraining.core.texts import t
from pztraining.domain.periods import borging_period
from pztraining.services import results
from pztraining.services.access import LOCAL, User, can_read_organisation, require_organisation
from pztraining.services.discussions import CASE_DISCUSSION_PROGRAMS, HeldDiscussion, held_discussions
from pztraining.services.kartrekker import conditions as conditions_lib
from pztraining.services.kartrekker import costs as costs_lib
from pztraining.services.kartrekker import entered as entered_lib
from pztraining.services.kartrekker import indicators
from pztraining.services.kartrekker import planning as planning_lib
from pztraining.store import Store, Training


def organisations_for(store: Store, user: User = LOCAL) -> list[str]:
    """The organisations ``user`` may see the kartrekker's figures of, sorted.

    The one place that decides this: in localhost mode and for a network coordinator those of
    every stored training; a hosted trainer or kartrekker only its own organisation's.
    """
    stored = {tr.organisation for tr in store.list_trainings() if tr.organisation}
    return sorted(org for org in stored if can_read_organisation(user, org))


def trainings_of(store: Store, organisation: str, program_id: str | None = None) -> list[Training]:
    """The stored trainings of an organisation (of one programme, or all), oldest first."""
    return sorted(
        (
            tr
            for tr in store.list_trainings()
            if tr.organisation == organisation and (program_id is None or tr.program_id == program_id)
        ),
        key=lambda tr: tr.id,
    )


def case_discussions_for(store: Store, organisation: str | None, today: date | None) -> list[HeldDiscussion]:
    """The held case discussions of an organisation (None: all), oldest first; with ``today``, a
    planned one counts once its date has passed."""
    return held_discussions(store.case_discussion_records(CASE_DISCUSSION_PROGRAMS, organisation), today)


def conditions_for(program_id: str | None) -> Conditions:
    """The implementation checklist for a programme (the first that names it, else the general one)."""
    found = list(library().conditions.values())
    return next((c for c in found if program_id in c.programs), next(c for c in found if not c.programs))


def _matching(items: Mapping[str, Any], program_id: str | None) -> list[Any]:
    chosen = [item for item in items.values() if program_id in item.programs]
    return chosen + [item for item in items.values() if item not in chosen]


def cost_formats_for(program_id: str | None) -> list[CostFormat]:
    """Every cost format, the ones meant for ``program_id`` first."""
    return _matching(library().costs, program_id)


def plannings_for(program_id: str | None) -> list[Planning]:
    """Every planning, the ones meant for ``program_id`` first."""
    return _matching(library().plannings, program_id)


def planned_division(program_id: str | None) -> str | None:
    """The division (halfjaar or jaar) the programme's own planning asks for, or None without one."""
    plans = plannings_for(program_id)
    return plans[0].evaluate if plans and program_id in plans[0].programs else None


@dataclass(frozen=True)
class PlanChoice:
    """The planning of an organisation's programme and the month it starts; ``saved`` when chosen."""

    plan: Planning
    start: date
    saved: bool


def plan_choice(store: Store, organisation: str, program_id: str, days: list[date], today: date) -> PlanChoice | None:
    """The saved planning and start month, else the programme's first planning from its default start."""
    plans = plannings_for(program_id)
    if not plans:
        return None
    stored = store.plan_start(organisation, program_id)
    if stored and stored[0] in library().plannings:
        return PlanChoice(library().plannings[stored[0]], stored[1], True)
    return PlanChoice(plans[0], planning_lib.default_start(plans[0], days, today), False)


def planned_trainings(
    store: Store, organisation: str, program_id: str, zone: tzinfo
) -> list[planning_lib.PlannedTraining]:
    """The organisation's trainings of a programme as the planning places them (on their training day)."""
    return [
        planning_lib.PlannedTraining(tr.name, indicators.training_day(tr.meeting_dates, tr.created_at, zone))
        for tr in trainings_of(store, organisation, program_id)
    ]


@dataclass
class Borging:
    """Everything of one management report: indicators, before/after, conditions, costs."""

    organisation: str
    program_id: str | None
    date_from: date
    date_to: date
    per: str
    today: date
    trainings: list[indicators.TrainingFacts]
    rows: pd.DataFrame
    before_after: pd.DataFrame
    conditions: dict[str, conditions_lib.Progress] = field(default_factory=dict)
    estimates: dict[str, costs_lib.Estimate] = field(default_factory=dict)
    target_per_year: int | None = None
    notes: list[str] = field(default_factory=list)
    #: The entered indicators, latest per period (see :mod:`pztraining.services.kartrekker.entered`).
    entered: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=entered_lib.COLUMNS))
    #: The programme's planning from its (saved) start month; None for all programmes together.
    planning: planning_lib.Timeline | None = None
    plan_choice: PlanChoice | None = None


def borging(
    store: Store,
    organisation: str,
    date_from: date,
    date_to: date,
    today: date,
    zone: tzinfo,
    program_id: str | None = None,
    per: str | None = None,
    user: User = LOCAL,
) -> Borging:
    """Gather the indicators of ``organisation`` from ``date_from`` to ``date_to`` (local dates).

    ``user`` (hosted mode) must be allowed that organisation's figures; a refusal is logged.
    """
    period = borging_period(date_from, date_to, per, planned=planned_division(program_id))
    require_organisation(user, organisation, "borging")
    if organisation not in organisations_for(store, user):
        known = ", ".join(organisations_for(store, user)) or "–"
        raise ScopeError(t("kt.unknown_org", org=organisation, known=known))
    plan = plannings_for(program_id)[0] if program_id else None
    per = period.per
    # A case-discussion series is counted as case discussions, never as a training held.
    chosen = [
        tr for tr in trainings_of(store, organisation, program_id) if tr.program_id not in CASE_DISCUSSION_PROGRAMS
    ]
    lib = library()
    # The same path from the store to the answers as the exports and the results page.
    answers = results.gather_answers(store, chosen)
    facts = [
        indicators.TrainingFacts(
            tr.id,
            tr.name,
            tr.program_id,
            indicators.training_day(tr.meeting_dates, tr.created_at, zone),
            answers.participants[tr.id],
        )
        for tr in chosen
    ]
    tidy, opened = answers.tidy, answers.opened
    # The organisation's discussions whatever the programme chosen: the series is its own
    # programme, held alongside the trainings (the hospice blueprint counts both).
    talks = case_discussions_for(store, organisation, today)
    periods = indicators.buckets(date_from, date_to, per)
    target = plan.trainings_per_year if plan else None
    rows = indicators.indicator_rows(facts, tidy, opened, talks, periods, today, per, target, date_from, date_to)
    change = indicators.before_after_rows(facts, tidy, periods, today, date_from, date_to)
    programs = [program_id] if program_id else sorted({tr.program_id for tr in chosen})
    progress = {
        p: conditions_lib.progress(conditions_for(p), store.condition_scores(organisation, p)) for p in programs
    }
    estimates = {}
    for fmt in lib.costs.values():
        typed = store.cost_inputs(organisation, fmt.id)
        if typed:
            estimates[fmt.id] = costs_lib.estimate(fmt, typed)
    notes = []
    if not int(rows["trainings_held"].sum()):
        notes.append(t("kt.no_trainings"))
    entered = entered_lib.latest(store.entered_indicators(organisation, program_id), periods, program_id)
    choice = line = None
    if program_id:
        placed = planned_trainings(store, organisation, program_id, zone)
        choice = plan_choice(store, organisation, program_id, [tr.day for tr in placed], today)
        if choice:
            line = planning_lib.timeline(choice.plan, choice.start, placed, today)
    return Borging(
        organisation,
        program_id,
        date_from,
        date_to,
        per,
        today,
        facts,
        rows,
        change,
        progress,
        estimates,
        target,
        notes,
        entered,
        line,
        choice,
    )
