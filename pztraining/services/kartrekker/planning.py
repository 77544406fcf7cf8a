"""The implementation planning as a month-by-month timeline, with the stored trainings on it.

Pure: the start month, the trainings and today are passed in. Month 1 is the chosen start
month. An activity that expects trainings is overdue once its last month has passed without
any training held in its months (a training is held on its training day, once that is past).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pztraining.content.schema import Planning

MONTH_NAMES = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


@dataclass(frozen=True)
class PlannedTraining:
    """A stored training as the planning sees it: its name and its (local) training day."""

    name: str
    day: date


@dataclass(frozen=True)
class Row:
    id: str
    text: str
    phase: str
    months: tuple[int, ...]
    expects_trainings: bool
    overdue: bool
    done: bool


@dataclass(frozen=True)
class Timeline:
    months: tuple[date, ...]  # the first day of each month, month 1 first
    rows: tuple[Row, ...]
    #: Month number (1-based) → trainings in that month.
    trainings: dict[int, tuple[PlannedTraining, ...]]
    #: Trainings before the start or after the end of the planning.
    outside: tuple[PlannedTraining, ...]
    current: int | None  # today's month number, None when outside the planning


def add_months(first: date, count: int) -> date:
    """The first day of the month ``count`` months after ``first``'s month."""
    index = first.year * 12 + first.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_number(start: date, day: date) -> int:
    """Which month of a planning starting in ``start``'s month ``day`` falls in (1 = start month)."""
    return (day.year - start.year) * 12 + day.month - start.month + 1


def month_label(first: date) -> str:
    return f"{MONTH_NAMES[first.month - 1]} {first.year}"


def timeline(plan: Planning, start: date, trainings: list[PlannedTraining], today: date) -> Timeline:
    """``plan`` laid out from ``start``'s month, with ``trainings`` placed and overdue activities marked."""
    start = start.replace(day=1)
    months = tuple(add_months(start, i) for i in range(plan.months))
    placed: dict[int, list[PlannedTraining]] = {}
    outside = []
    for training in sorted(trainings, key=lambda tr: (tr.day, tr.name)):
        number = month_number(start, training.day)
        if 1 <= number <= plan.months:
            placed.setdefault(number, []).append(training)
        else:
            outside.append(training)
    now = month_number(start, today)
    rows = []
    for activity in plan.activities:
        over = max(activity.months) < now
        held = any(tr.day <= today for m in activity.months for tr in placed.get(m, []))
        rows.append(
            Row(
                activity.id,
                activity.text,
                activity.phase or "",
                activity.months,
                activity.trainings,
                overdue=activity.trainings and over and not held,
                done=activity.trainings and held,
            )
        )
    return Timeline(
        months,
        tuple(rows),
        {m: tuple(v) for m, v in placed.items()},
        tuple(outside),
        now if 1 <= now <= plan.months else None,
    )


def default_start(plan: Planning, days: list[date], today: date) -> date:
    """Where a planning starts unless chosen: so that the first training falls in the first month
    the planning expects trainings (else this month)."""
    if not days:
        return today.replace(day=1)
    expecting = [min(a.months) for a in plan.activities if a.trainings]
    return add_months(min(days).replace(day=1), -(min(expecting) - 1) if expecting else 0)
