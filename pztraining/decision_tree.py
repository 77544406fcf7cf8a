"""Decision trees: checking their shape and walking them, step by step. Pure functions.

A tree (:class:`~pztraining.content.schema.DecisionTree`) has questions with choices and
ends with advice. A walk is stored as its *path*: the node ids from the start to where the
participant is, e.g. ``["centrale-zorgverlener", "soort-vraag", "generalistisch"]``. Messages
are Dutch; no widgets, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from .content.schema import DecisionTree, TreeNode


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
        return [TreeProblem("start", f"de beginknoop '{tree.start}' bestaat niet")]
    for i, node in enumerate(tree.nodes):
        if not node.choices and not node.advice:
            found.append(TreeProblem(f"nodes[{i}]", f"doodlopend: knoop '{node.id}' heeft geen keuzes en geen advies"))
        if node.choices and node.advice:
            found.append(TreeProblem(f"nodes[{i}]", f"knoop '{node.id}' heeft keuzes én advies; kies één van beide"))
        if node.choices and not node.question:
            found.append(TreeProblem(f"nodes[{i}].question", f"knoop '{node.id}' heeft keuzes maar geen vraag"))
        labels = [choice.label for choice in node.choices]
        for j, choice in enumerate(node.choices):
            if choice.next not in index:
                found.append(TreeProblem(f"nodes[{i}].choices[{j}].next",
                                         f"doodlopend: keuze '{choice.label}' leidt naar '{choice.next}', "
                                         "een knoop die niet bestaat"))
            if labels.count(choice.label) > 1 and labels.index(choice.label) == j:
                found.append(TreeProblem(f"nodes[{i}].choices[{j}].label",
                                         f"keuze '{choice.label}' komt twee keer voor bij knoop '{node.id}'"))
    found.extend(_loops(tree, index))
    reachable = _reachable(tree, index)
    for i, node in enumerate(tree.nodes):
        if node.id not in reachable:
            found.append(TreeProblem(f"nodes[{i}]", f"knoop '{node.id}' is vanaf '{tree.start}' niet te bereiken"))
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
                    circle = walk[walk.index(choice.next):] + [choice.next]
                    yield TreeProblem(f"nodes[{i}].choices[{j}].next",
                                      "lus: " + " → ".join(circle) + f" (keuze '{choice.label}')")
                continue
            yield from visit(choice.next, trail + [node_id])

    yield from visit(tree.start, [])


# ---------------------------------------------------------------- walking


class InvalidPath(ValueError):
    """A stored or sent path that this tree does not allow; the message is Dutch."""


def step(tree: DecisionTree, path: list[str], label: str) -> list[str]:
    """The path after choosing ``label`` at the last node of ``path`` (a new list)."""
    here = tree.node(path[-1] if path else tree.start)
    for choice in here.choices:
        if choice.label == label:
            return [*(path or [tree.start]), choice.next]
    raise InvalidPath(f"'{label}' is geen keuze bij '{here.question or here.id}'")


def walk(tree: DecisionTree, labels: list[str]) -> list[str]:
    """The path from the start when choosing ``labels`` in turn."""
    path = [tree.start]
    for label in labels:
        path = step(tree, path, label)
    return path


def check_path(tree: DecisionTree, path: Any, complete: bool = True) -> list[str]:
    """``path`` as a list of node ids when this tree allows it (ending at an end when ``complete``)."""
    if not isinstance(path, (list, tuple)) or not path or not all(isinstance(p, str) for p in path):
        raise InvalidPath("Loop de beslisboom door tot een advies.")
    if path[0] != tree.start:
        raise InvalidPath("De beslisboom begint bij de eerste vraag.")
    for here, there in zip(path, path[1:]):
        try:
            node = tree.node(here)
        except KeyError:
            raise InvalidPath("Deze route bestaat niet in de beslisboom.") from None
        if there not in {choice.next for choice in node.choices}:
            raise InvalidPath("Deze route bestaat niet in de beslisboom.")
    try:
        last = tree.node(path[-1])
    except KeyError:
        raise InvalidPath("Deze route bestaat niet in de beslisboom.") from None
    if complete and not is_end(last):
        raise InvalidPath("Loop de beslisboom door tot een advies.")
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


def tree_spec(tree: DecisionTree) -> dict:
    """The tree as plain data for the browser (form.js walks it; the kernel checks the path)."""
    return {"id": tree.id, "title": tree.title, "intro": tree.intro, "start": tree.start,
            "nodes": {node.id: {"question": node.question or "", "help": node.help or "",
                                "advice": node.advice or "",
                                "choices": [{"label": c.label, "next": c.next} for c in node.choices]}
                      for node in tree.nodes}}


__all__ = ["InvalidPath", "TreeProblem", "all_walks", "check_path", "end_of", "is_end", "problems", "step",
           "tree_spec", "walk"]
