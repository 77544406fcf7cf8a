"""A fresh venv with a built wheel and exactly its declared dependencies, without a pip download.

``pip install wheel[extra]`` into a fresh venv unpacked some 120 distributions for every run (about
five minutes of the suite on two busy cores), although the same versions are already installed in the
venv the tests run in. Here the wheel itself is installed by pip (``--no-deps``: its files, data files
and console script, as a user gets them), and its dependency closure — its ``Requires-Dist`` with the
extras asked for, followed transitively with their markers — is linked in from the test venv:

- the closure's top-level modules and ``.dist-info`` folders into one folder on the new venv's path (a
  ``.pth`` line, so the test venv's own ``.pth`` files, the editable checkout's among them, are not run);
- their data files outside site-packages (Jupyter's ``share/`` and ``etc/``: Voila's templates, the
  widgets' front end, the kernel spec) into the new venv's prefix, as hard links.

Nothing outside the closure is visible: a module the package imports but does not declare is missing
here as it would be after a real install, and ``pip check`` in the new venv proves the closure complete.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def wanted(requires: Iterable[str], extras: Iterable[str] = ()) -> list[Requirement]:
    """The requirements of a ``Requires-Dist`` list that hold with the given extras asked for."""
    asked = ["", *extras]
    chosen = []
    for text in requires:
        requirement = Requirement(text)
        if requirement.marker is None or any(requirement.marker.evaluate({"extra": e}) for e in asked):
            chosen.append(requirement)
    return chosen


def closure(requirements: Iterable[Requirement]) -> dict[str, metadata.Distribution]:
    """The installed distributions the requirements need, transitively, by canonical name."""
    found: dict[str, metadata.Distribution] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    pending = list(requirements)
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if (name, frozenset(requirement.extras)) in seen:
            continue
        seen.add((name, frozenset(requirement.extras)))
        distribution = metadata.distribution(name)
        assert requirement.specifier.contains(distribution.version, prereleases=True), (
            f"{name} {distribution.version} does not satisfy {requirement}"
        )
        found[name] = distribution
        pending += wanted(distribution.requires or [], requirement.extras)
    return found


def place(source: Path, target: Path) -> None:
    """A data file as a file of the new venv: a hard link (or a copy across file systems), not a
    symlink, because Jupyter's static handlers refuse a file whose real path leaves their folder."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def link_closure(venv: Path, requirements: Iterable[Requirement]) -> list[str]:
    """Make the closure of ``requirements`` importable in ``venv``; the names linked."""
    site = next(venv.glob("lib/python*/site-packages"))
    deps = venv / "deps"
    deps.mkdir()
    here_prefix = Path(sys.prefix)
    distributions = closure(requirements)
    for distribution in distributions.values():
        base = Path(str(distribution.locate_file("")))
        for entry in distribution.files or []:
            source = (base / entry).resolve()
            parts = Path(entry).parts
            if parts[0] == "..":  # a data file or script beside site-packages
                inside = source.relative_to(here_prefix)
                if inside.parts[0] in ("share", "etc"):
                    target = venv / inside
                    target.parent.mkdir(parents=True, exist_ok=True)
                    if not target.exists():
                        place(source, target)
                continue  # bin/: scripts whose first line names the test venv's Python
            top = deps / parts[0]
            if parts[0] != "__pycache__" and not top.exists() and not top.is_symlink():
                top.symlink_to(base / parts[0])
    (site / "zz_pztraining_test_deps.pth").write_text(f"{deps}\n")
    return sorted(distributions)
