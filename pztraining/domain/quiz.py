"""Quiz items: counting the room's answers and scoring them. Pure functions over answers.

A quiz item (``type: quiz``) is a single choice with a right answer and an explanation in
the content file. The screen shows how the room answered (counts per option) while the
right answer stays hidden; scores are for after the reveal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pztraining.content import Form, FormItem


def quiz_items(form: Form) -> list[FormItem]:
    """The quiz items of a form, in order."""
    return [item for item in form.items if item.type == "quiz"]


def option_counts(item: FormItem, answers: Iterable[object]) -> dict[str, int]:
    """How many answers chose each option of ``item`` (every option listed, in form order)."""
    counts = dict.fromkeys(item.options, 0)
    for answer in answers:
        if isinstance(answer, str) and answer in counts:
            counts[answer] += 1
    return counts


@dataclass(frozen=True)
class Score:
    """Right answers out of the quiz items answered and out of all quiz items of the form."""

    right: int
    answered: int
    total: int

    @property
    def share(self) -> float | None:
        """Right answers as a share of all quiz items (None for a form without quiz items)."""
        return self.right / self.total if self.total else None


def score(form: Form, answers: dict[str, Any]) -> Score:
    """One participant's score: ``answers`` is item id → the option chosen."""
    items = quiz_items(form)
    given = [item for item in items if isinstance(answers.get(item.id), str)]
    right = sum(1 for item in given if answers[item.id] == item.correct)
    return Score(right, len(given), len(items))


@dataclass(frozen=True)
class ItemResult:
    """The room's answers to one quiz item."""

    item_id: str
    counts: dict[str, int]
    correct: str
    answered: int
    right: int

    @property
    def share_right(self) -> float | None:
        """The share of answers that were right (None when nobody answered)."""
        return self.right / self.answered if self.answered else None


def room_results(form: Form, submissions: Iterable[dict[str, Any]]) -> list[ItemResult]:
    """Per quiz item, the room's counts and how many were right (``submissions``: answers per respondent)."""
    rows = list(submissions)
    results = []
    for item in quiz_items(form):
        counts = option_counts(item, (row.get(item.id) for row in rows))
        answered = sum(counts.values())
        results.append(ItemResult(item.id, counts, item.correct or "", answered, counts.get(item.correct or "", 0)))
    return results


def room_score(form: Form, submissions: Iterable[dict[str, Any]]) -> Score:
    """The room's score: right answers out of all answers given and out of items × respondents."""
    rows = list(submissions)
    scores = [score(form, row) for row in rows]
    return Score(sum(s.right for s in scores), sum(s.answered for s in scores), sum(s.total for s in scores))


__all__ = ["ItemResult", "Score", "option_counts", "quiz_items", "room_results", "room_score", "score"]
