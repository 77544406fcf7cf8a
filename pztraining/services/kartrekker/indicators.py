"""Borging indicators per half-year or year: pure functions over trainings, answers and discussions.

Nothing here reads the store or the clock: today and the time zone are passed in. Periods are
local calendar periods (Europe/Amsterdam unless told otherwise): 1 January–30 June and 1 July–
31 December, or the whole year. A training belongs to the period of its training day (its last
dated meeting, else the local date it was created); it is "held" once that day is not after
today, and "planned" otherwise. Its answers count in that same period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

import numpy as np
import pandas as pd

from pztraining.core.texts import t
from pztraining.domain import aggregate as report
from pztraining.domain.periods import division
from pztraining.services.discussions import HeldDiscussion

COLUMNS = [
    "period",
    "start",
    "end",
    "trainings_held",
    "trainings_target",
    "target_met",
    "trainings_planned",
    "participants",
    "answered",
    "asked",
    "response_rate",
    "satisfaction",
    "satisfaction_n",
    "efficacy_change",
    "efficacy_pairs",
    "case_discussions",
    "actions_agreed",
    "actions_done",
]

#: Indicators that get a chart over time, in this order.
CHARTED = (
    "trainings_held",
    "participants",
    "response_rate",
    "satisfaction",
    "efficacy_change",
    "case_discussions",
    "actions_done",
)


@dataclass(frozen=True)
class TrainingFacts:
    """What the indicators need of one training."""

    id: int
    name: str
    program: str
    day: date  # its training day, local
    participants: int


@dataclass(frozen=True)
class Bucket:
    """A half-year or year: its first and last day and its Dutch label."""

    start: date
    end: date
    label: str

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def local_day(moment: datetime, zone: tzinfo) -> date:
    """The calendar date of ``moment`` (timezone-aware) in ``zone``."""
    return moment.astimezone(zone).date()


def training_day(meeting_dates: Iterable[date | None], created_at: datetime, zone: tzinfo) -> date:
    """A training's day: its last dated meeting, else the local date it was created."""
    days = [d for d in meeting_dates if d]
    return max(days) if days else local_day(created_at, zone)


def bucket_of(day: date, per: str) -> Bucket:
    """The half-year (``per="halfjaar"``) or year (``"jaar"``) that ``day`` falls in."""
    if per == "jaar":
        return Bucket(date(day.year, 1, 1), date(day.year, 12, 31), t("kt.period.year", year=day.year))
    if day.month <= 6:
        return Bucket(date(day.year, 1, 1), date(day.year, 6, 30), t("kt.period.h1", year=day.year))
    return Bucket(date(day.year, 7, 1), date(day.year, 12, 31), t("kt.period.h2", year=day.year))


def buckets(date_from: date, date_to: date, per: str) -> list[Bucket]:
    """Every half-year or year from the one holding ``date_from`` to the one holding ``date_to``."""
    per = division(per)  # the one check of a division (an unknown one is refused in Dutch)
    out = [bucket_of(date_from, per)]
    while out[-1].end < date_to:
        out.append(bucket_of(date.fromordinal(out[-1].end.toordinal() + 1), per))
    return out


def _target(per_year: int | None, per: str) -> float | None:
    if per_year is None:
        return None
    return per_year / 2 if per == "halfjaar" else float(per_year)


def _satisfaction(tidy: pd.DataFrame) -> pd.Series:
    """0–10 answers to evaluation questions that were not also asked before (those measure change)."""
    if tidy.empty:
        return pd.Series(dtype=float)
    before = set(tidy.loc[tidy["purpose"] == "voorbereiding", "item_key"])
    mine = tidy[(tidy["purpose"] == "evaluatie") & (tidy["item_type"] == "scale10") & ~tidy["item_key"].isin(before)]
    return mine["value_num"].dropna()


def indicator_rows(
    trainings: list[TrainingFacts],
    tidy: pd.DataFrame,
    opened: pd.DataFrame,
    discussions: Iterable[HeldDiscussion],
    periods: list[Bucket],
    today: date,
    per: str = "halfjaar",
    per_year: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> pd.DataFrame:
    """One row per period with every indicator (see :data:`COLUMNS`).

    ``tidy`` is ``report.tidy_answers`` of these trainings (without names); ``opened`` has
    training_id, training, meeting, form for every opened form. Only days inside
    ``date_from``–``date_to`` (when given) count, also in the first and last period.
    """
    discussions = list(discussions)
    target = _target(per_year, per)

    def inside(day: date, bucket: Bucket) -> bool:
        return bucket.holds(day) and (date_from is None or day >= date_from) and (date_to is None or day <= date_to)

    rows = []
    for bucket in periods:
        held = [tr for tr in trainings if inside(tr.day, bucket) and tr.day <= today]
        planned = [tr for tr in trainings if inside(tr.day, bucket) and tr.day > today]
        ids = [tr.id for tr in held]
        mine = tidy[tidy["training_id"].isin(ids)] if not tidy.empty else tidy
        forms = opened[opened["training_id"].isin(ids)] if not opened.empty else opened
        answered = asked = 0
        if not forms.empty and not mine.empty:
            response = report.response_rates(mine, forms, {tr.id: tr.participants for tr in held})
            counted = response[response["participants"] > 0]
            answered, asked = int(counted["answered"].sum()), int(counted["participants"].sum())
        elif not forms.empty:  # forms opened, nothing sent: every registered participant was asked
            asked = sum(tr.participants * int((forms["training_id"] == tr.id).sum()) for tr in held)
        scores = _satisfaction(mine)
        # The mean over every before/after pair (the test per question is in before_after_rows:
        # an exact Wilcoxon test takes seconds, so it is run once per period, not twice).
        paired = report.pairs(mine) if not mine.empty else pd.DataFrame(columns=["change"])
        pairs = len(paired)
        weighted = float(paired["change"].mean()) if pairs else np.nan
        talks = [d for d in discussions if inside(d.held_on, bucket)]
        if target is None:
            met = ""
        elif len(held) >= target:
            met = t("kt.target.met")
        elif bucket.end >= today:
            met = t("kt.target.running")
        else:
            met = t("kt.target.missed")
        rows.append(
            {
                "period": bucket.label,
                "start": bucket.start,
                "end": bucket.end,
                "trainings_held": len(held),
                "trainings_target": target,
                "target_met": met,
                "trainings_planned": len(planned),
                "participants": sum(tr.participants for tr in held),
                "answered": answered,
                "asked": asked,
                "response_rate": answered / asked if asked else np.nan,
                "satisfaction": float(scores.mean()) if len(scores) else np.nan,
                "satisfaction_n": len(scores),
                "efficacy_change": weighted,
                "efficacy_pairs": pairs,
                "case_discussions": len(talks),
                "actions_agreed": sum(d.actions_agreed for d in talks),
                "actions_done": sum(d.actions_done for d in talks),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def before_after_rows(
    trainings: list[TrainingFacts],
    tidy: pd.DataFrame,
    periods: list[Bucket],
    today: date,
    date_from: date | None = None,
    date_to: date | None = None,
) -> pd.DataFrame:
    """Per period and per question asked before and after: ``report.before_after`` with its test."""
    frames = []
    for bucket in periods:
        ids = [
            tr.id
            for tr in trainings
            if bucket.holds(tr.day)
            and tr.day <= today
            and (date_from is None or tr.day >= date_from)
            and (date_to is None or tr.day <= date_to)
        ]
        mine = tidy[tidy["training_id"].isin(ids)] if not tidy.empty else tidy
        if mine.empty:
            continue
        table = report.before_after(mine)
        if not table.empty:
            frames.append(table.assign(period=bucket.label))
    if not frames:
        return pd.DataFrame(
            columns=[
                "period",
                "item_key",
                "item_text",
                "n_pairs",
                "mean_before",
                "mean_after",
                "mean_change",
                "statistic",
                "p_value",
                "note",
            ]
        )
    out = pd.concat(frames, ignore_index=True)
    return out[["period"] + [c for c in out.columns if c != "period"]]
