"""Casuïstiekbesprekingen (case discussions): held discussions, agreed actions, counts per period.

Pure functions and frozen dataclasses; nothing here reads the store, widgets or the clock.

A casuïstiekbespreking is a recurring meeting of one team (ggz, hospice, home care): the
program ``casuistiekbespreking`` describes the meeting once with a ``recurrence`` (see
:class:`pztraining.content.schema.Recurrence`), so one *training* is one team's series of
discussions and each discussion is a *meeting* of it. That reuses the whole engine (dates per
meeting, the Draaiboek's run, the preparation form, the results) instead of adding a second
kind of training. What the engine lacked is the list of agreed actions (``Store.add_case_action``
and friends) and the count of held discussions, the source's indicator "aantal
casuïstiekbesprekingen" (:func:`held_discussions` over ``Store.case_discussion_records``, and
:func:`count_per_period`).

When is a discussion *held*? When the Draaiboek started it (a run is stored, and not stopped)
or when actions were agreed at it; with ``today`` given, also when its planned date lies before
``today`` (a discussion held without the app). A planned date in the future alone never counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from pztraining.core.errors import InputRefused
from pztraining.core.text_input import clean_name
from pztraining.core.texts import t

if TYPE_CHECKING:  # the store's records; this module reads none of them itself
    from pztraining.store import CaseAction, DiscussionRecord

#: Longest action text and "who", in characters (a longer one is refused, nothing cut off).
ACTION_TEXT_LIMIT = 1000
ACTION_WHO_LIMIT = 200


def checked_action(text: str, who: str) -> tuple[str, str]:
    """An agreed action's text (as typed) and who (a cleaned name), or :class:`InputRefused` (Dutch).

    The text stays as typed; "who" is a name, shown in lists and reports.
    """
    if not text.strip():
        raise InputRefused(t("actions.empty"))
    who = clean_name(who)
    if not who:
        raise InputRefused(t("actions.no_who"))
    if len(text) > ACTION_TEXT_LIMIT or len(who) > ACTION_WHO_LIMIT:
        raise InputRefused(t("actions.too_long", text=ACTION_TEXT_LIMIT, who=ACTION_WHO_LIMIT))
    return text, who


#: The programs whose meetings are case discussions (ids of shipped content).
CASE_DISCUSSION_PROGRAMS = frozenset({"casuistiekbespreking"})


@dataclass(frozen=True)
class HeldDiscussion:
    """One held case discussion: a meeting of a case-discussion training, with its actions."""

    training_id: int
    organisation: str
    meeting: int
    held_on: date
    actions_agreed: int
    actions_done: int


@dataclass(frozen=True)
class Period:
    """A period of days, ``start`` included and ``end`` excluded, with a label for people."""

    label: str
    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day < self.end


def quarters(year: int) -> list[Period]:
    """The four quarters of ``year`` as periods labelled "2026 K1" … "2026 K4"."""
    starts = [date(year, month, 1) for month in (1, 4, 7, 10)] + [date(year + 1, 1, 1)]
    return [Period(f"{year} K{n}", starts[n - 1], starts[n]) for n in range(1, 5)]


def half_years(year: int) -> list[Period]:
    """The two halves of ``year`` ("2026 H1", "2026 H2"): the source's half-yearly evaluation."""
    middle = date(year, 7, 1)
    return [Period(f"{year} H1", date(year, 1, 1), middle), Period(f"{year} H2", middle, date(year + 1, 1, 1))]


def count_per_period(discussions: Iterable[HeldDiscussion], periods: Sequence[Period]) -> dict[str, int]:
    """How many discussions were held in each period: label → count (every period listed, zeros too).

    A discussion counts in every period that contains its day (periods may overlap).
    """
    days = [d.held_on for d in discussions]
    return {period.label: sum(1 for day in days if day in period) for period in periods}


def carried_over(actions: Iterable[CaseAction], meeting: int) -> list[CaseAction]:
    """The open actions agreed at earlier discussions, oldest discussion first: shown at ``meeting``."""
    earlier = [a for a in actions if a.meeting < meeting and not a.done]
    return sorted(earlier, key=lambda a: (a.meeting, a.due or date.max, a.id))


def held_discussions(records: Iterable[DiscussionRecord], today: date | None = None) -> list[HeldDiscussion]:
    """The held discussions among the store's records (see the module's docstring), oldest first.

    ``held_on`` is the planned date, else the day (UTC) the run was last changed, else the day
    the first action was recorded.
    """
    held: list[HeldDiscussion] = []
    for record in records:
        training = record.training
        runs = {meeting: at.date() for meeting, at in record.runs.items()}
        planned = {n: d for n, d in enumerate(training.meeting_dates, start=1) if d is not None}
        past = {n for n, d in planned.items() if today is not None and d < today}
        for meeting in sorted(set(runs) | set(record.actions) | past):
            actions = record.actions.get(meeting, [])
            day = planned.get(meeting) or runs.get(meeting) or actions[0].created_at.date()
            held.append(
                HeldDiscussion(
                    training.id, training.organisation, meeting, day, len(actions), sum(1 for a in actions if a.done)
                )
            )
    return sorted(held, key=lambda d: (d.held_on, d.training_id, d.meeting))
