"""Helpers for tests that start real servers: free ports, an isolated environment, process trees.

Linux only (the process tree is read from /proc), like the machines the tests run on.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def isolated_env(tmp: Path) -> dict[str, str]:
    """This process's environment without the developer's Jupyter, IPython or pztraining set-up.

    The test run's cache folder stays (tests/conftest.py): the decks are built once per run.
    """
    config_dir, data_dir, ipython_dir = tmp / "jupyter-config", tmp / "jupyter-data", tmp / "ipython"
    for folder in (config_dir, data_dir, ipython_dir):
        folder.mkdir(exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JUPYTER", "PZTRAINING", "IPYTHON")) or key == "PZTRAINING_CACHE"
    }
    env.update(
        JUPYTER_CONFIG_DIR=str(config_dir),
        JUPYTER_DATA_DIR=str(data_dir),
        JUPYTER_RUNTIME_DIR=str(data_dir / "runtime"),
        IPYTHONDIR=str(ipython_dir),
        PZTRAINING_TZ="Europe/Amsterdam",
        # One room server process per test server (the default is one per core): the
        # workers' own test asks for two.
        PZTRAINING_ROOM_WORKERS="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def children() -> dict[int, list[int]]:
    """Parent pid -> child pids, read from /proc (Linux)."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ..." — comm may contain spaces or parentheses.
        fields = stat.rsplit(")", 1)[1].split()
        tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid``, with its command line (to recognise it later)."""
    tree, found, todo = children(), {}, [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found[child] = cmdline(child)
            todo.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def alive(pid: int, command: str) -> bool:
    """True while ``pid`` still runs the same command (not a zombie, not a reused pid)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z" and cmdline(pid) == command


def stop_tree(process: subprocess.Popen, name: str, seconds: float = 30) -> list[str]:
    """Stop a server as a service manager would (SIGTERM), then kill whatever it left behind.

    Returns what went wrong, for the test to report: a leak is a bug, not something to hide.
    Kernels run in sessions of their own, so they are found by their parent, not their group.
    """
    started = descendants(process.pid)  # the server's children and their kernels
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            pass
    deadline = time.monotonic() + seconds
    left = {pid: cmd for pid, cmd in started.items() if alive(pid, cmd)}
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = {pid: cmd for pid, cmd in left.items() if alive(pid, cmd)}
    survived = process.poll() is None
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=10)
    problems = []
    if survived:
        problems.append(f"{name} did not stop within {seconds} s of SIGTERM")
    if left:
        problems.append(
            f"processes left behind after {name} stopped:\n  "
            + "\n  ".join(f"{pid}: {cmd}" for pid, cmd in left.items())
        )
    return problems
