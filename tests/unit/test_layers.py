"""The layers of the package (README, "Design"): a module imports only its own layer or a lower one.

Each folder of ``pztraining/`` is a layer; its ``__init__`` docstring says what it may import.
Imports inside functions count as well: a lazy import is still a dependency.
"""

import ast
from pathlib import Path

import pztraining
from tests.source import module_tree, nodes, syntax_tree

PACKAGE = Path(pztraining.__file__).parent

#: Layer -> the layers it may import (besides itself).
MAY_IMPORT: dict[str, set[str]] = {
    "core": set(),
    "content": {"core"},
    "domain": {"core", "content"},
    "store": {"core", "content"},
    "services": {"core", "content", "domain", "store"},
    "reports": {"core", "content", "domain", "store", "services"},
    "ui": {"core", "content", "domain", "store", "services", "reports"},
    "serving": {"core", "content", "domain", "store", "services", "reports"},
    "cli": {"core", "content", "domain", "store", "services", "reports", "ui", "serving"},
}
#: Folders that hold data, not code.
DATA_FOLDERS = {"notebooks", "jupyter", "vendor", "slides_template"}


def _layer(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    if parts in (("__main__.py",), ("data.py",)):  # data: the analysts' public API (issue 23), above every layer
        return "cli"
    return parts[0] if len(parts) > 1 else "(top level)"


def _modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if (path.relative_to(PACKAGE).parts[0] not in DATA_FOLDERS and path.name != "__init__.py")
        or (path.parent != PACKAGE and path.name == "__init__.py")
    ]


def _imported(tree: ast.Module) -> list[tuple[int, str, int]]:
    """(line, imported name, relative level) of every pztraining import in the module."""
    found = []
    for node in nodes(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "pztraining" and not node.level:
            # `from pztraining import content` imports the module pztraining.content
            found += [(node.lineno, f"pztraining.{alias.name}", 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, node.module or "", node.level))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, 0) for alias in node.names]
    return [
        (line, name, level)
        for line, name, level in found
        if level or name == "pztraining" or name.startswith("pztraining.")
    ]


def test_every_module_lives_in_a_layer():
    loose = [path.name for path in _modules() if _layer(path) not in MAY_IMPORT]
    assert loose == [], f"modules outside the layer folders {sorted(MAY_IMPORT)}"


def test_imports_are_absolute():
    relative = [
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in _modules()
        for line, _, level in _imported(module_tree(path))
        if level
    ]
    assert relative == []


def _upward(layer: str, source: str) -> list[tuple[int, str]]:
    """(line, imported name) of every import in ``source`` that ``layer`` may not make."""
    wrong = []
    for line, name, _ in _imported(syntax_tree(source)):
        parts = name.split(".")
        target = parts[1] if len(parts) > 1 else "(top level)"
        if target != layer and target not in MAY_IMPORT.get(layer, set()):
            wrong.append((line, name))
    return wrong


def test_no_layer_imports_a_higher_one():
    wrong = [
        f"{path.relative_to(PACKAGE)}:{line} ({_layer(path)}) imports {name}"
        for path in _modules()
        for line, name in _upward(_layer(path), path.read_text(encoding="utf-8"))
    ]
    assert wrong == []


def test_the_check_sees_a_violation():
    # The check itself, on modules written for it: a lazy import counts, `from pztraining import x` too.
    store_module = "from pztraining.core.texts import t\n\ndef f():\n    from pztraining.services.access import who\n"
    assert _upward("store", store_module) == [(4, "pztraining.services.access")]
    assert _upward("ui", "from pztraining import serving\n") == [(1, "pztraining.serving")]
    assert _upward("serving", "from pztraining.ui.common import named\n") == [(1, "pztraining.ui.common")]
    assert _upward("cli", "from pztraining.ui.common import named\n") == []
