"""Decision trees: checking their shape and walking them, step by step. Pure functions.

A tree (:class:`~pztraining.content.schema.DecisionTree`) has questions with choices and
ends with advice. A walk is stored as its *path*: the node ids from the start to where the
participant is, e.g. ``["centrale-zorgverlener", "soort-vraag", "generalistisch"]``. Messages
are Dutch; no widgets, no clock.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Sequence
from html import escape
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
    return {
        "id": tree.id,
        "title": tree.title,
        "intro": tree.intro,
        "start": tree.start,
        "nodes": {
            node.id: {
                "question": node.question or "",
                "help": node.help or "",
                "advice": node.advice or "",
                "choices": [{"label": c.label, "next": c.next} for c in node.choices],
            }
            for node in tree.nodes
        },
    }


# ---------------------------------------------------------------- drawing (for the beamer)

#: Box size and spacing of a drawn node, in SVG user units (pixels at 100 %).
_BOX_W, _BOX_H, _GAP_X, _GAP_Y = 190, 104, 24, 70
#: The arrow head and the styles of a drawing: taken routes thick and orange, ends green.
_TREE_DEFS = (
    "<defs><marker id='pz-arrow' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='10' markerHeight='10' "
    "markerUnits='userSpaceOnUse' orient='auto-start-reverse'><path d='M0,0 L10,5 L0,10 z' fill='#5b6770'/>"
    "</marker></defs><style>"
    ".pz-tree-edge{stroke:#9aa5ad;stroke-width:2;fill:none}.pz-tree-edge.pz-tree-taken{stroke:#c2410c}"
    ".pz-tree-node rect{fill:#f6f8fa;stroke:#9aa5ad;stroke-width:1.5}.pz-tree-node.pz-tree-end rect{fill:#eef6ee}"
    ".pz-tree-node.pz-tree-taken rect{stroke:#c2410c;stroke-width:4;fill:#fff4ec}"
    ".pz-tree-label{font:12px system-ui,sans-serif;fill:#3d4852;paint-order:stroke;stroke:#fff;stroke-width:4px}"
    ".pz-tree-box-text{font:13px system-ui,sans-serif;fill:#1d232a}"
    ".pz-tree-count{font:700 14px system-ui,sans-serif;fill:#c2410c}</style>"
)


def _layout(tree: DecisionTree) -> tuple[dict[str, tuple[float, float]], list[tuple[str, str, str]]]:
    """Node centres (x, y) and the edges (from, to, label): leaves left to right, parents above their children.

    A node reached twice (a shared end) is placed where it is first reached, depth first.
    """
    nodes = {node.id: node for node in tree.nodes}
    placed: dict[str, tuple[float, float]] = {}
    edges: list[tuple[str, str, str]] = []
    next_slot = [0]

    def visit(node_id: str, depth: int) -> float:
        node = nodes[node_id]
        children = []
        placed[node_id] = (0.0, 0.0)  # claimed, so a loop or a shared node is drawn once
        for choice in node.choices:
            edges.append((node_id, choice.next, choice.label))
            if choice.next in nodes and choice.next not in placed:
                children.append(visit(choice.next, depth + 1))
        if children:
            x = sum(children) / len(children)
        else:
            x = next_slot[0] * (_BOX_W + _GAP_X) + _BOX_W / 2
            next_slot[0] += 1
        placed[node_id] = (x, depth * (_BOX_H + _GAP_Y) + _BOX_H / 2)
        return x

    visit(tree.start, 0)
    return placed, edges


def _lines(text: str, width: int, most: int) -> list[str]:
    lines = textwrap.wrap(text, width) or [""]
    return (
        lines[: most - 1] + [textwrap.shorten(" ".join(lines[most - 1 :]), width, placeholder=" …")]
        if len(lines) > most
        else lines
    )


def _text(x: float, y: float, lines: list[str], css: str) -> str:
    first = y - (len(lines) - 1) * 8
    spans = "".join(
        f"<tspan x='{x:.0f}' y='{first + 16 * i:.0f}'>{escape(line)}</tspan>" for i, line in enumerate(lines)
    )
    return f"<text class='{css}' text-anchor='middle'>{spans}</text>"


def tree_svg(tree: DecisionTree, paths: Sequence[Sequence[str]] = (), title: str = "") -> str:
    """The tree drawn as SVG, every question and end a box, every choice an arrow with its label.

    ``paths`` are walks as stored (node ids from the start); every node and arrow on one is
    marked ``pz-tree-taken`` (drawn thick and coloured) with how many walked it, so the room sees
    which way it went. Paths this tree does not allow are left out. Pure: text in, text out.
    """
    placed, edges = _layout(tree)
    walked = [list(p) for p in paths if _allowed(tree, p)]
    through = Counter(node for path in walked for node in dict.fromkeys(path))
    steps = Counter((a, b) for path in walked for a, b in pairwise(path))
    width = max(x for x, _ in placed.values()) + _BOX_W / 2 + 10
    height = max(y for _, y in placed.values()) + _BOX_H / 2 + 10
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='pz-tree-svg' viewBox='-5 -5 {width:.0f} {height:.0f}' "
        f"role='img' aria-label='{escape(title or tree.title)}'>",
        f"<title>{escape(title or tree.title)}</title>",
        _TREE_DEFS,
    ]
    for here, there, label in edges:
        if here not in placed or there not in placed:
            continue
        (x1, y1), (x2, y2) = placed[here], placed[there]
        count = steps.get((here, there), 0)
        css = "pz-tree-edge pz-tree-taken" if count else "pz-tree-edge"
        thick = f" style='stroke-width:{min(3 + count, 12)}'" if count else ""
        top, bottom = y1 + _BOX_H / 2, y2 - _BOX_H / 2
        middle = (top + bottom) / 2
        parts.append(
            f"<path class='{css}' data-from='{here}' data-to='{there}' data-count='{count}'{thick} "
            f"d='M{x1:.0f},{top:.0f} C{x1:.0f},{middle:.0f} {x2:.0f},{middle:.0f} {x2:.0f},{bottom:.0f}' "
            "marker-end='url(#pz-arrow)'/>"
        )
        parts.append(_text(x2, bottom - 22, _lines(label, 28, 2), "pz-tree-label"))
    for node in tree.nodes:
        if node.id not in placed:
            continue
        x, y = placed[node.id]
        count = through.get(node.id, 0)
        css = "pz-tree-node" + (" pz-tree-end" if is_end(node) else "") + (" pz-tree-taken" if count else "")
        text = node.question or node.advice or node.id
        parts.append(
            f"<g class='{css}' data-node='{node.id}' data-count='{count}'>"
            f"<rect x='{x - _BOX_W / 2:.0f}' y='{y - _BOX_H / 2:.0f}' width='{_BOX_W}' height='{_BOX_H}' "
            f"rx='8'/>{_text(x, y + 8, _lines(text, 27, 5), 'pz-tree-box-text')}"
            + (
                f"<text class='pz-tree-count' x='{x + _BOX_W / 2 - 6:.0f}' y='{y - _BOX_H / 2 + 16:.0f}' "
                f"text-anchor='end'>{count}×</text>"
                if count
                else ""
            )
            + "</g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _allowed(tree: DecisionTree, path: Any) -> bool:
    try:
        check_path(tree, path, complete=False)
    except InvalidPath:
        return False
    return True


__all__ = [
    "InvalidPath",
    "TreeProblem",
    "all_walks",
    "check_path",
    "end_of",
    "is_end",
    "problems",
    "step",
    "tree_spec",
    "tree_svg",
    "walk",
]
