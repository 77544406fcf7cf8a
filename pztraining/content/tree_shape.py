"""The shape of a decision tree: dead ends, loops, unreachable nodes. Pure; used by ``check``.

Here, inside ``content``, so that loading content never imports the logic modules above it;
:mod:`pztraining.domain.decision_tree` walks trees and re-exports these names.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pztraining.content.schema import DecisionTree, TreeNode
from pztraining.core.texts import t


@dataclass(frozen=True)
class TreeProblem:
    """Something wrong with a tree's shape: where in the file (``nodes[2].choices[1].next``) and what."""

    where: str
    message: str


def is_end(node: TreeNode) -> bool:
    """An end gives advice and asks nothing more."""
    return not node.choices


def problems(tree: DecisionTree) -> list[TreeProblem]:
    """Dead ends, loops, unreachable nodes and mixed nodes of ``tree`` (none when it is sound).

    A dead end is a choice that leads to a node that does not exist, or a node with neither
    choices nor advice; a loop is a walk from the start that comes back to a node.
    """
    found: list[TreeProblem] = []
    index = {node.id: i for i, node in enumerate(tree.nodes)}
    if tree.start not in index:
        return [TreeProblem("start", t("content.tree.beginknoop_bestaat_niet", start=tree.start))]
    for i, node in enumerate(tree.nodes):
        if not node.choices and not node.advice:
            found.append(TreeProblem(f"nodes[{i}]", t("content.tree.doodlopend_knoop_heeft_geen", id=node.id)))
        if node.choices and node.advice:
            found.append(TreeProblem(f"nodes[{i}]", t("content.tree.knoop_heeft_keuzes_advies", id=node.id)))
        if node.choices and not node.question:
            found.append(TreeProblem(f"nodes[{i}].question", t("content.tree.knoop_heeft_keuzes_maar", id=node.id)))
        labels = [choice.label for choice in node.choices]
        for j, choice in enumerate(node.choices):
            if choice.next not in index:
                found.append(
                    TreeProblem(
                        f"nodes[{i}].choices[{j}].next",
                        t("content.tree.doodlopend_keuze_leidt_naar", label=choice.label, next=choice.next),
                    )
                )
            if labels.count(choice.label) > 1 and labels.index(choice.label) == j:
                found.append(
                    TreeProblem(
                        f"nodes[{i}].choices[{j}].label",
                        t("content.tree.keuze_komt_twee_keer", label=choice.label, id=node.id),
                    )
                )
    found.extend(_loops(tree, index))
    reachable = _reachable(tree, index)
    for i, node in enumerate(tree.nodes):
        if node.id not in reachable:
            found.append(
                TreeProblem(f"nodes[{i}]", t("content.tree.knoop_vanaf_niet_bereiken", id=node.id, start=tree.start))
            )
    return found


def _reachable(tree: DecisionTree, index: dict[str, int]) -> set[str]:
    seen: set[str] = set()
    todo = [tree.start]
    while todo:
        node_id = todo.pop()
        if node_id in seen or node_id not in index:
            continue
        seen.add(node_id)
        todo.extend(choice.next for choice in tree.nodes[index[node_id]].choices)
    return seen


def _loops(tree: DecisionTree, index: dict[str, int]) -> Iterator[TreeProblem]:
    """One problem per choice that closes a loop, naming the walk round it."""
    reported: set[tuple[int, int]] = set()

    def visit(node_id: str, trail: list[str]) -> Iterator[TreeProblem]:
        i = index[node_id]
        for j, choice in enumerate(tree.nodes[i].choices):
            if choice.next not in index:
                continue
            if choice.next in trail + [node_id]:
                if (i, j) not in reported:
                    reported.add((i, j))
                    walk = trail + [node_id]
                    circle = walk[walk.index(choice.next) :] + [choice.next]
                    yield TreeProblem(
                        f"nodes[{i}].choices[{j}].next", "lus: " + " → ".join(circle) + f" (keuze '{choice.label}')"
                    )
                continue
            yield from visit(choice.next, trail + [node_id])

    yield from visit(tree.start, [])
