"""``pztraining lab``: JupyterLab on an example analysis notebook, reading the same database read-only.

JupyterLab comes with the ``lab`` extra (``pip install 'pztraining[lab]'``). The notebook is
shipped with the package and copied once into the analyst's folder; a copy that is there
already (perhaps edited) is opened as it is, never written over. The kernel finds the
database in ``PZTRAINING_DB`` and opens it with :func:`pztraining.data.connect` (read-only).
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from importlib import resources
from pathlib import Path

from pztraining.core.errors import PztrainingError
from pztraining.core.files import AlreadyExists, atomic_text
from pztraining.core.settings import process_environ
from pztraining.core.texts import t

#: The example notebook's file name, in the package and in the analyst's folder.
NOTEBOOK = "voorbeeld-analyse.ipynb"


class LabError(PztrainingError):
    """JupyterLab cannot be started (not installed); the message is Dutch."""


def example_notebook() -> str:
    """The text of the shipped example analysis notebook."""
    return (resources.files("pztraining") / "lab" / NOTEBOOK).read_text(encoding="utf-8")


def place_notebook(folder: Path) -> tuple[Path, bool]:
    """The example notebook in ``folder`` (copied there when absent); returns (path, copied now)."""
    target = Path(folder) / NOTEBOOK
    try:
        atomic_text(target, example_notebook())
    except AlreadyExists:
        return target, False  # the analyst's own copy, perhaps edited: opened as it is
    return target, True


def lab_command(notebook: Path, no_browser: bool, port: int | None) -> list[str]:
    """The command that starts JupyterLab on ``notebook`` (its folder as the root); LabError when not installed."""
    if importlib.util.find_spec("jupyterlab") is None:
        raise LabError(t("lab.not_installed"))
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={notebook.parent}", str(notebook)]
    if no_browser:
        command.append("--no-browser")
    if port is not None:
        command.append(f"--port={port}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # In a container one is often root; JupyterLab then refuses in English. It still listens
        # on this machine only, behind its token (as the hub's single-user servers: serving/hub.py).
        command.append("--allow-root")
    return command


def run(command: list[str], db_url: str) -> int:
    """Run JupyterLab until it stops; its kernels get ``db_url`` as ``PZTRAINING_DB``.

    Ctrl+C or SIGTERM (a service manager's stop) stops JupyterLab too, never leaving it orphaned;
    KeyboardInterrupt then reaches the caller.
    """

    def _interrupt(_signum, _frame):
        raise KeyboardInterrupt

    env = {**process_environ(), "PZTRAINING_DB": db_url}
    previous = signal.signal(signal.SIGTERM, _interrupt)
    process = subprocess.Popen(command, env=env)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        process.wait(timeout=30)
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
