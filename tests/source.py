"""Python source as syntax trees, parsed once per test process.

Several tests read every module of pztraining (the layers, the texts, the settings, where a
function is called); each parsed the whole package again, some once per name they look for
(0.5 s of CPU per pass, ten passes). Keyed on the text itself, so a changed file is parsed
anew. The trees are shared: a test walks them and never changes them.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path


@cache
def syntax_tree(source: str) -> ast.Module:
    """``source`` parsed (the same tree object for the same text)."""
    return ast.parse(source)


def module_tree(path: Path) -> ast.Module:
    """The syntax tree of the UTF-8 Python file at ``path``."""
    return syntax_tree(path.read_text(encoding="utf-8"))


@cache
def nodes(tree: ast.AST) -> tuple[ast.AST, ...]:
    """Every node of ``tree`` in :func:`ast.walk`'s order, walked once per tree: the checks walk the
    same shared trees again for every name they look for (ast.walk is most of their CPU)."""
    return tuple(ast.walk(tree))
