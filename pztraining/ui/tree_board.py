"""The trainer's screen for a decision-tree item: the tree drawn for the beamer, the room's routes highlighted.

The drawing is :func:`pztraining.domain.decision_tree.tree_svg` (pure); this view only re-reads the
walks stored for the item and redraws when they change.
"""

from __future__ import annotations

import ipywidgets as w

from pztraining.content import Form, load_tree
from pztraining.core.texts import t
from pztraining.domain.decision_tree import tree_svg
from pztraining.store import Store
from pztraining.ui.common import esc, named


class TreeBoard:
    """One drawing per tree item of one form in one meeting, with how many took each route."""

    def __init__(self, store: Store, form: Form):
        self.store, self.form = store, form
        self.items = [item for item in form.items if item.type == "tree" and item.tree]
        self._views = {item.id: named(w.HTML(), "tree-drawing", f"pz-tree-drawing-{item.id}") for item in self.items}
        self.root = named(w.VBox(list(self._views.values())), "tree-board")

    def refresh(self, training_id: int, meeting: int) -> None:
        """Redraw every tree with the routes walked so far."""
        for item in self.items:
            assert item.tree is not None  # the list above holds tree items only
            tree = load_tree(item.tree)
            walks = self.store.list_item_answers(training_id, meeting, self.form.id, item.id)
            html = (
                f"<div class='pz-tree-caption'>{esc(t('tree.board', count=len(walks)))}</div>"
                f"<div class='pz-tree-scroll'>{tree_svg(tree, [w for w in walks if isinstance(w, list)])}</div>"
            )
            if self._views[item.id].value != html:
                self._views[item.id].value = html


__all__ = ["TreeBoard"]
