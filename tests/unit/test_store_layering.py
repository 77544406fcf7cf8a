"""The store does transactions and SQL: it imports no domain, serving or UI module of pztraining.

Only the leaf helpers every layer may use (the error root, the Dutch texts, name cleaning and
OS reasons) are allowed; a rule the store needs is passed in by its caller (as ``update_run``
and ``update_roleplay`` take the change to apply) or lives with the caller.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pztraining

PACKAGE = Path(pztraining.__file__).parent
STORE = PACKAGE / "store"
#: pztraining modules outside the store that the store may import: leaves with no pztraining imports of note.
ALLOWED = {
    "pztraining.core.errors",
    "pztraining.core.texts",
    "pztraining.core.text_input",
    "pztraining.core.os_errors",
    "pztraining.core.settings",
}  # where the data folder and the database are


def _imports(path: Path) -> set[str]:
    """The pztraining modules one file imports, as absolute names."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.add(name)
    return {name for name in found if name == "pztraining" or name.startswith("pztraining.")}


def test_the_store_imports_nothing_of_pztraining_outside_itself_but_the_leaf_helpers():
    files = sorted(STORE.rglob("*.py")) if STORE.is_dir() else [PACKAGE / "store.py"]
    outside = {
        str(path.relative_to(PACKAGE)): sorted(
            name for name in _imports(path) if not name.startswith("pztraining.store") and name not in ALLOWED
        )
        for path in files
    }
    assert {path: names for path, names in outside.items() if names} == {}
