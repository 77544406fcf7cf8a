"""The checkout's wheel, built once for every test that installs it (the wheel test, the install script's).

Each of those tests ran ``pip wheel`` itself: 5-6 s on a quiet machine, twice in a run, and both at
once under ``make test``'s workers, in the same ``build/`` folder of the checkout. Here the first test
builds it, under a lock, into a cache folder named by a hash of everything the wheel is made from
(the package, deploy/, the project's metadata files) and pip's version; a later test, or a later run
on an unchanged tree, takes that file. A changed source file changes the hash, so a wheel is never
older than the code it is tested for.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
#: What setuptools makes the wheel from (pyproject.toml's packages, package data and data files).
SOURCES = ("pztraining", "deploy")
METADATA = ("pyproject.toml", "README.md", "LICENSE", "MANIFEST.in", "setup.cfg", "setup.py")
#: Generated inside the package by the apps or the tests, never part of the wheel.
SKIPPED_PARTS = {"__pycache__", "build", ".ipynb_checkpoints"}
#: Kept across runs and reboots (as the install test's pip cache); a folder per user in it.
CACHE = Path("/var/tmp")
KEEP = 4  # wheels of other trees kept (worktrees, recent commits); older ones are removed


def source_hash() -> str:
    """A hash of every file the wheel is built from, and of the pip that builds it."""
    digest = hashlib.sha256(f"pip {metadata.version('pip')}\n".encode())
    files = [CHECKOUT / name for name in METADATA if (CHECKOUT / name).is_file()]
    for top in SOURCES:
        for folder, subfolders, names in os.walk(CHECKOUT / top):
            subfolders[:] = sorted(name for name in subfolders if name not in SKIPPED_PARTS)
            files += [Path(folder, name) for name in sorted(names) if not name.endswith(".pyc")]
    for path in files:
        digest.update(str(path.relative_to(CHECKOUT)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def built_wheel() -> Path:
    """The path of the checkout's wheel (pztraining-*.whl), building it if this tree has none yet."""
    cache = CACHE / f"pztraining-test-wheels-{os.getuid()}"
    cache.mkdir(exist_ok=True)
    cache.chmod(0o755)
    folder = cache / source_hash()
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second worker waits for the first one's build
        if not folder.is_dir():
            _build(folder)
            _prune(cache)
    (wheel,) = folder.glob("pztraining-*.whl")
    return wheel


def _build(folder: Path) -> None:
    partial = Path(tempfile.mkdtemp(prefix=".building-", dir=folder.parent))
    # Only the checkout is built: neither pip nor setuptools may pick up the test run's settings.
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(partial), str(CHECKOUT)],
        cwd=partial,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        raise AssertionError(f"pip wheel failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    partial.chmod(0o755)
    partial.rename(folder)  # whole or not at all: a build that died leaves no folder to trust


def _prune(cache: Path) -> None:
    built = sorted((entry for entry in cache.iterdir() if entry.is_dir()), key=lambda entry: entry.stat().st_mtime)
    for old in built[:-KEEP]:
        shutil.rmtree(old, ignore_errors=True)
