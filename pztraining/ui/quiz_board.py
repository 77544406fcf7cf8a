"""The trainer's screen for a quiz: the room's answers as bars, and "toon antwoord".

Until the trainer presses "toon antwoord" for an item, nothing here (no widget value, no
hidden attribute) carries the right answer or its explanation; after it, the bar of the
right option is marked and the explanation shown. The reveal is stored (per training,
meeting, form and item), so the phones show it too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import ipywidgets as w

from pztraining.content import Form, FormItem
from pztraining.core.texts import t
from pztraining.domain.quiz import option_counts, quiz_items
from pztraining.store import Store
from pztraining.ui.common import Message, esc, named


def quiz_bars_html(item: FormItem, counts: dict[str, int], revealed: bool) -> str:
    """One horizontal bar per option with its count; the right one marked only when ``revealed``."""
    total = sum(counts.values())
    most = max(counts.values(), default=0) or 1
    rows = []
    for option, count in counts.items():
        right = revealed and option == item.correct
        width = round(100 * count / most)
        mark = f" <b class='pz-quiz-right-mark'>✓ {esc(t('quiz.right'))}</b>" if right else ""
        rows.append(
            f"<div class='pz-quiz-bar-row{' pz-quiz-bar-right' if right else ''}'>"
            f"<div class='pz-quiz-bar-label'>{esc(option)}{mark}</div>"
            f"<div class='pz-quiz-bar-track'><div class='pz-quiz-bar' style='width:{width}%'></div>"
            f"<span class='pz-quiz-bar-count'>{count}</span></div></div>"
        )
    parts = [
        f"<div class='pz-quiz-text'>{esc(item.text)}</div>",
        *rows,
        f"<div class='pz-note pz-quiz-total'>{esc(t('quiz.total', count=total))}</div>",
    ]
    if revealed:
        right_count = counts.get(item.correct or "", 0)
        room_right = t("quiz.room_right", right=right_count, answered=total)
        parts.append(f"<div class='pz-quiz-room-right'>{esc(room_right)}</div>")
    if revealed and item.explanation:
        parts.append(f"<p class='pz-quiz-explanation'>{esc(item.explanation)}</p>")
    return f"<div class='pz-quiz-bars' data-total='{total}'>{''.join(parts)}</div>"


class QuizBoard:
    """Bars and a reveal button for every quiz item of one form in one meeting."""

    def __init__(self, store: Store, clock: Callable[[], datetime], form: Form):
        self.store = store
        self.clock = clock
        self.form = form
        self.where: tuple[int, int] | None = None  # (training id, meeting)
        self.message = Message("quiz-message")
        self._parts: dict[str, tuple[w.HTML, w.Button]] = {}
        boxes = []
        for item in quiz_items(form):
            bars = named(w.HTML(), "quiz-chart", f"pz-quiz-chart-{item.id}")
            reveal = named(
                w.Button(description=t("quiz.reveal"), layout=w.Layout(width="auto")),
                "quiz-reveal",
                f"pz-quiz-reveal-{item.id}",
            )
            reveal.on_click(lambda _, i=item.id: self.reveal(i))
            self._parts[item.id] = (bars, reveal)
            boxes.append(named(w.VBox([bars, reveal]), "quiz-item"))
        self.root = named(w.VBox([self.message, *boxes]), "quiz-board")

    def reveal(self, item_id: str) -> None:
        """Show the right answer of one item on this screen and on the phones."""
        if self.where is None:
            return
        training_id, meeting = self.where
        if self.message.attempt(
            lambda: self.store.reveal_answer(training_id, meeting, self.form.id, item_id, self.clock())
        ):
            self.refresh(training_id, meeting)

    def refresh(self, training_id: int, meeting: int) -> None:
        """Re-read the answers and what is revealed."""
        self.where = (training_id, meeting)
        revealed = self.store.revealed_items(training_id, meeting, self.form.id)
        for item in quiz_items(self.form):
            bars, button = self._parts[item.id]
            counts = option_counts(item, self.store.list_item_answers(training_id, meeting, self.form.id, item.id))
            html = quiz_bars_html(item, counts, item.id in revealed)
            if bars.value != html:
                bars.value = html
            button.disabled = item.id in revealed
            button.description = t("quiz.revealed") if item.id in revealed else t("quiz.reveal")


__all__ = ["QuizBoard", "quiz_bars_html"]
