"""The test tiers: every test is sorted by what it starts, so a new test lands in its tier by itself.

``fast`` (``make test-fast``) holds the tests that run in this process only: pure logic, widgets
and the store on SQLite. Every other test carries the marker of each real part it needs
(``server``, ``postgres``, ``subprocess``, ``browser``, ``libreoffice``, ``packaging``); the
folder a test lives in and the fixtures it uses decide, and a test that starts a child process
some other way says so with ``@pytest.mark.subprocess``. A ``fast`` test that starts a process
anyway (a server, PostgreSQL, a CLI in a child) fails, naming the marker it needs: the fast tier
stays fast because it cannot grow a server by accident.

``alone`` marks the tests that measure time or CPU use: ``make test`` runs them after the
parallel phase, with no other test beside them, so their limits stay honest.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

#: The markers, what they mean (``pytest --markers``); every one but ``fast`` and ``alone`` is a real part.
MARKERS = {
    "fast": "runs in this process only (pure logic, widgets, the store on SQLite): make test-fast",
    "server": "starts a room server, pztraining serve or JupyterHub as a process",
    "postgres": "needs a PostgreSQL cluster",
    "subprocess": "starts other processes (a CLI, kernels, make, several app processes)",
    "browser": "starts Voila servers and drives Chromium (slow)",
    "packaging": "builds the wheel and installs it into a fresh venv from PyPI or pip's cache (slow)",
    "libreoffice": "opens exports in LibreOffice headless (soffice) and reads every cell back",
    "alone": "measures time or CPU use: make test runs it after the parallel phase, with nothing beside it",
}
HEAVY = tuple(name for name in MARKERS if name not in ("fast", "alone"))

#: Folders under tests/ whose every test needs these parts.
FOLDERS = {
    "browser": ("browser", "server"),
    "room": ("server",),
    "hub": ("server", "postgres"),
    "notebooks": ("subprocess",),  # nbclient starts a kernel per notebook
    "packaging": ("packaging", "subprocess"),
}

#: Fixtures that bring a part with them, wherever the test lives.
FIXTURES = {
    "postgres_cluster": "postgres",
    "cluster": "postgres",  # a cluster of the test's own, to stop and start
    "room_server": "server",
    "served": "server",
    "hub": "server",
    "browser": "browser",
    "page": "browser",
}


def register(config: pytest.Config) -> None:
    """Register the markers (from ``pytest_configure``)."""
    for name, meaning in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {meaning}")


def parts(item: pytest.Item) -> set[str]:
    """The real parts ``item`` needs: from its folder, its fixtures, its parameters and its own markers."""
    found = {mark.name for mark in item.iter_markers() if mark.name in HEAVY}
    path = Path(str(item.path)).resolve()
    if TESTS in path.parents:
        found.update(FOLDERS.get(path.relative_to(TESTS).parts[0], ()))
    found.update(part for name, part in FIXTURES.items() if name in getattr(item, "fixturenames", ()))
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "postgresql" in callspec.params.values():  # any_store, backend, ...
        found.add("postgres")
    return found


def only_fast(markexpr: str) -> bool:
    """Whether ``-m markexpr`` can select ``fast`` tests only: false for every test without ``fast``,
    whatever other markers it has."""
    from _pytest.mark.expression import Expression  # pytest's own parser of -m

    if not markexpr.strip():
        return False
    try:
        expression = Expression.compile(markexpr)
    except SyntaxError:
        return False  # pytest itself says what is wrong with it
    others = sorted(expression.idents() - {"fast"})
    for values in itertools.product((False, True), repeat=len(others)):
        if expression.evaluate(_markers(dict(zip(others, values, strict=True)))):
            return False
    return True


def _markers(present: dict[str, bool]):
    """A test's markers as ``-m`` asks them: the names in ``present`` that are true (``fast`` never)."""
    return lambda name, /, **kwargs: present.get(name, False)


def skipped_folder(path: Path, config: pytest.Config) -> bool:
    """Whether collection may leave out ``path``: a folder every test of which needs a real part,
    in a run that selects the ``fast`` tier only. Importing their modules (Playwright, JupyterHub,
    nbclient, nbformat with jsonschema's format checkers) took each worker ~10 s of CPU, only for
    ``-m`` to deselect every test in them."""
    return (
        path.parent == TESTS
        and path.name in FOLDERS
        and path.is_dir()
        and only_fast(config.getoption("markexpr", "") or "")
    )


def mark(items: list[pytest.Item]) -> None:
    """Give every item the markers of its parts, or ``fast`` when it needs none."""
    for item in items:
        needed = parts(item)
        for name in sorted(needed):
            item.add_marker(name)
        if not needed:
            item.add_marker("fast")


#: The order ``make test`` hands files to its workers in, longest first: a file runs on one worker
#: (``--dist loadfile``), so the wheel's and the install script's files (minutes each) must not be
#: the last ones started while the other worker sits idle. Parts not named here come after, then
#: the tests that need none.
LONGEST_FIRST = ("packaging", "postgres", "browser", "server", "subprocess", "libreoffice")


def order(items: list[pytest.Item]) -> None:
    """Sort ``items`` in place, a file at a time (its module fixtures are set up once): by the
    slowest part any of its tests needs (LONGEST_FIRST), then as collected."""

    def rank(item: pytest.Item) -> int:
        marked = {mark.name for mark in item.iter_markers()}
        return min((LONGEST_FIRST.index(part) for part in marked if part in LONGEST_FIRST), default=len(LONGEST_FIRST))

    by_file: dict[Path, int] = {}
    for item in items:
        by_file[item.path] = min(by_file.get(item.path, len(LONGEST_FIRST)), rank(item))
    items.sort(key=lambda item: by_file[item.path])


#: Set on an item whose setup or call failed: its teardown need not say the same again.
FAILED = pytest.StashKey[bool]()


def note(item: pytest.Item, report: pytest.TestReport) -> None:
    """Remember that ``item`` already failed (from ``pytest_runtest_makereport``)."""
    if report.failed and report.when in ("setup", "call"):
        item.stash[FAILED] = True


def _refusing(what: str, nodeid: str, started: list[str]):
    def refuse(*args, **kwargs):
        message = (
            f"{nodeid} is in the fast tier but starts a process ({what}). Mark it with what it "
            f"needs, e.g. @pytest.mark.subprocess, or use a fixture that does (tests/tiers.py)."
        )
        started.append(message)
        pytest.fail(message, pytrace=False)  # BaseException: no `except Exception` in the code hides it

    return refuse


@pytest.fixture(autouse=True)
def _fast_tier_starts_no_process(request, monkeypatch):
    """In a ``fast`` test every way to start a process fails the test."""
    if request.node.get_closest_marker("fast") is None:
        yield
        return
    import _posixsubprocess
    import subprocess

    started: list[str] = []
    nodeid = request.node.nodeid
    monkeypatch.setattr(subprocess, "_fork_exec", _refusing("subprocess", nodeid, started))
    monkeypatch.setattr(_posixsubprocess, "fork_exec", _refusing("multiprocessing", nodeid, started))
    for name in ("fork", "forkpty", "posix_spawn", "posix_spawnp", "system"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, _refusing(f"os.{name}", nodeid, started))
    yield
    if started and not request.node.stash.get(FAILED, False):  # swallowed by the code (a thread, a bare except)
        pytest.fail(started[0], pytrace=False)
