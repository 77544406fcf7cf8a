"""The layers of the package (README, "Design"): a module imports only its own layer or a lower one.

Each folder of ``pztraining/`` is a layer; its ``__init__`` docstring says what it may import.
Imports inside functions count as well: a lazy import is still a dependency.
"""

import ast
from pathlib import Path

import pztraining

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
    return [path for path in sorted(PACKAGE.rglob("*.py"))
            if (path.relative_to(PACKAGE).parts[0] not in DATA_FOLDERS and path.name != "__init__.py")
            or (path.parent != PACKAGE and path.name == "__init__.py")]


def _imported(tree: ast.Module) -> list[tuple[int, str, int]]:
    """(line, imported name, relative level) of every pztraining import in the module."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "pztraining" and not node.level:
            # `from pztraining import content` imports the module pztraining.content
            found += [(node.lineno, f"pztraining.{alias.name}", 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, node.module or "", node.level))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, 0) for alias in node.names]
    return [(line, name, level) for line, name, level in found
            if level or name == "pztraining" or name.startswith("pztraining.")]


def test_every_module_lives_in_a_layer():
    loose = [path.name for path in _modules() if _layer(path) not in MAY_IMPORT]
    assert loose == [], f"modules outside the layer folders {sorted(MAY_IMPORT)}"


def test_imports_are_absolute():
    relative = [f"{path.relative_to(PACKAGE)}:{line}" for path in _modules()
                for line, _, level in _imported(ast.parse(path.read_text(encoding="utf-8"))) if level]
    assert relative == []


def test_no_layer_imports_a_higher_one():
    wrong = []
    for path in _modules():
        layer = _layer(path)
        for line, name, _ in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            parts = name.split(".")
            target = parts[1] if len(parts) > 1 else "(top level)"
            if target != layer and target not in MAY_IMPORT.get(layer, set()):
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} ({layer}) imports {name}")
    assert wrong == []


def test_the_check_sees_a_violation(tmp_path):
    # The rule itself: a store module that imports a service is reported.
    source = "from pztraining.services.access import who\n"
    (_line, name, _), = _imported(ast.parse(source))
    assert name.split(".")[1] not in MAY_IMPORT["store"]
