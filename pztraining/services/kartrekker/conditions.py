"""Progress on the implementation conditions: pure functions over stored scorings.

Scorings are matched to the content's conditions by id. A condition whose text differs from
the text it was last scored with (a newer content version) is reported as changed; one that is
no longer in the content is reported as dropped; a new one is unscored. "What needs attention
first": "niet", then unscored, then "gedeeltelijk" (a changed text, to score again, last); within
each, a step back and a changed text first, then content order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from pztraining.content.schema import Conditions
from pztraining.core.errors import InputRefused
from pztraining.core.texts import t
from pztraining.store import ConditionScore as Scoring

#: Score → rank (higher is better).
RANK = {"niet": 0, "gedeeltelijk": 1, "wel": 2}
#: The three scores of an implementation condition ("voldoet (nog) niet / gedeeltelijk / wel"), worst first.
CONDITION_SCORES = tuple(RANK)


def checked_round(scores: list[tuple[str, int, str, str, str]]) -> list[tuple[str, int, str, str, str]]:
    """A scoring round ``(condition_id, content_version, text, score, remark)`` to keep, or
    :class:`InputRefused` (Dutch) for a score that is not one of :data:`CONDITION_SCORES`."""
    for _cid, _version, _text, score, _remark in scores:
        if score not in CONDITION_SCORES:
            raise InputRefused(t("kt.store.bad_score", score=score))
    return scores


@dataclass(frozen=True)
class Status:
    """One condition now: its latest and previous score and what changed."""

    id: str
    group: str
    text: str
    score: str | None
    remark: str
    scored_at: datetime | None
    previous: str | None
    #: +1 better, -1 worse, 0 the same, None when there is no earlier score to compare with.
    change: int | None
    #: The text it was last scored with, when that differs from the content's text now.
    old_text: str | None
    old_version: int | None


@dataclass(frozen=True)
class Round:
    """One scoring session: when, and how many conditions got each score."""

    scored_at: datetime
    counts: dict[str, int]


@dataclass(frozen=True)
class Progress:
    statuses: tuple[Status, ...]
    rounds: tuple[Round, ...]
    #: Conditions scored earlier that the content no longer has: (id, text as scored).
    dropped: tuple[tuple[str, str], ...]

    @property
    def changed(self) -> list[Status]:
        return [s for s in self.statuses if s.old_text is not None]

    def counts(self) -> dict[str, int]:
        """How many conditions have each latest score ("open" for unscored)."""
        out = {"niet": 0, "gedeeltelijk": 0, "wel": 0, "open": 0}
        for status in self.statuses:
            out[status.score or "open"] += 1
        return out

    def attention(self) -> list[Status]:
        """Conditions not yet fully met, the most urgent first."""
        order = {s.id: i for i, s in enumerate(self.statuses)}

        def urgency(status: Status) -> tuple[int, int, int, int]:
            rank = {"niet": 0, None: 1, "gedeeltelijk": 2, "wel": 3}[status.score]
            return (rank, 0 if (status.change or 0) < 0 else 1, 0 if status.old_text else 1, order[status.id])

        return sorted((s for s in self.statuses if s.score != "wel" or s.old_text is not None), key=urgency)


def rounds(scorings: Iterable[Scoring]) -> list[Round]:
    """The scoring sessions, oldest first (one session = one moment)."""
    by_moment: dict[datetime, dict[str, int]] = {}
    for scoring in scorings:
        counts = by_moment.setdefault(scoring.scored_at, {"niet": 0, "gedeeltelijk": 0, "wel": 0})
        counts[scoring.score] += 1
    return [Round(moment, counts) for moment, counts in sorted(by_moment.items())]


def progress(conditions: Conditions, scorings: Iterable[Scoring]) -> Progress:
    """Each condition's latest and previous score, changed texts and dropped conditions."""
    history: dict[str, list[Scoring]] = {}
    scorings = sorted(scorings, key=lambda s: s.scored_at)
    for scoring in scorings:
        history.setdefault(scoring.condition_id, []).append(scoring)
    statuses = []
    for condition in conditions.conditions:
        mine = history.get(condition.id, [])
        latest = mine[-1] if mine else None
        previous = mine[-2] if len(mine) > 1 else None
        change = None
        if latest and previous:
            change = (RANK[latest.score] > RANK[previous.score]) - (RANK[latest.score] < RANK[previous.score])
        changed = latest is not None and latest.condition_text != condition.text
        statuses.append(
            Status(
                condition.id,
                condition.group,
                condition.text,
                latest.score if latest else None,
                latest.remark if latest else "",
                latest.scored_at if latest else None,
                previous.score if previous else None,
                change,
                latest.condition_text if latest and changed else None,
                latest.content_version if latest and changed else None,
            )
        )
    known = {c.id for c in conditions.conditions}
    dropped = tuple((cid, items[-1].condition_text) for cid, items in history.items() if cid not in known)
    return Progress(tuple(statuses), tuple(rounds(scorings)), dropped)
