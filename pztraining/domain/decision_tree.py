"""Decision trees: checking their shape and walking them, step by step. Pure functions.

A tree (:class:`~pztraining.content.schema.DecisionTree`) has questions with choices and
ends with advice. A walk is stored as its *path*: the node ids from the start to where the
participant is, e.g. ``["centrale-zorgverlener", "soort-vraag", "generalistisch"]``. Messages
are Dutch; no widgets, no clock.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from pztraining.content.schema import DecisionTree, TreeNode
from pztraining.content.tree_shape import TreeProblem, is_end, problems
from pztraining.core.errors import PztrainingError
from pztraining.core.texts import t

# ---------------------------------------------------------------- walking


class InvalidPath(PztrainingError, ValueError):
    """A stored or sent path that this tree does not allow; the message is Dutch."""

    http_status = 400


def step(tree: DecisionTree, path: list[str], label: str) -> list[str]:
    """The path after choosing ``label`` at the last node of ``path`` (a new list)."""
    here = tree.node(path[-1] if path else tree.start)
    for choice in here.choices:
        if choice.label == label:
            return [*(path or [tree.start]), choice.next]
    raise InvalidPath(t("tree.not_a_choice", label=label, question=here.question or here.id))


def walk(tree: DecisionTree, labels: list[str]) -> list[str]:
    """The path from the start when choosing ``labels`` in turn."""
    path = [tree.start]
    for label in labels:
        path = step(tree, path, label)
    return path


def check_path(tree: DecisionTree, path: Any, complete: bool = True) -> list[str]:
    """``path`` as a list of node ids when this tree allows it (ending at an end when ``complete``)."""
    if not isinstance(path, (list, tuple)) or not path or not all(isinstance(p, str) for p in path):
        raise InvalidPath(t("tree.unfinished"))
    if path[0] != tree.start:
        raise InvalidPath(t("tree.wrong_start"))
    nodes = {node.id: node for node in tree.nodes}
    for here, there in pairwise(path):
        if here not in nodes or there not in {choice.next for choice in nodes[here].choices}:
            raise InvalidPath(t("tree.no_route"))
    if path[-1] not in nodes:
        raise InvalidPath(t("tree.no_route"))
    if complete and not is_end(nodes[path[-1]]):
        raise InvalidPath(t("tree.unfinished"))
    return list(path)


def end_of(tree: DecisionTree, labels: list[str]) -> TreeNode:
    """The node reached by choosing ``labels`` from the start."""
    return tree.node(walk(tree, labels)[-1])


def all_walks(tree: DecisionTree) -> list[tuple[list[str], TreeNode]]:
    """Every way through a sound tree: (the labels chosen, the end reached)."""
    found: list[tuple[list[str], TreeNode]] = []

    def visit(node: TreeNode, labels: list[str]) -> None:
        if is_end(node):
            found.append((labels, node))
        for choice in node.choices:
            visit(tree.node(choice.next), labels + [choice.label])

    visit(tree.node(tree.start), [])
    return found


def tree_spec(tree: DecisionTree) -> dict[str, Any]:
    """The tree as plain data for the browser (form.js walks it; the kernel checks the path)."""
    return {"id": tree.id, "title": tree.title, "intro": tree.intro, "start": tree.start,
            "nodes": {node.id: {"question": node.question or "", "help": node.help or "",
                                "advice": node.advice or "",
                                "choices": [{"label": c.label, "next": c.next} for c in node.choices]}
                      for node in tree.nodes}}


__all__ = ["InvalidPath", "TreeProblem", "all_walks", "check_path", "end_of", "is_end", "problems", "step",
           "tree_spec", "walk"]
