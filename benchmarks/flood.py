"""Phones served while one client floods the push channel: the room server before issue 20 beside now.

Each server runs with the limit of open files a systemd service gets by default (soft 1,024,
hard as high as this machine allows, up to 65,536). One client opens 3,000 event streams at once from 127.0.0.1; then 20
phones (own device, own loopback address) join, listen, hear a form open and submit it,
all at once, each within 60 s. Measured: how the flood was answered, the server's CPU while
the flood holds its streams, how many phones got through and how long they took, and how
much the server's log grew.

The old server is commit ``OLD_COMMIT`` (main before issue 20), extracted with ``git archive``.
Usage: ``python benchmarks/flood.py [--no-old]`` or ``python benchmarks/run.py --only flood``.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

_REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(_REPO))  # the flood and phone clients of tests/room/test_flood.py

from tests.processes import free_port, isolated_env, stop_tree  # noqa: E402
from tests.room.test_flood import FLOOD_STREAMS, PHONES, Phone, cpu_seconds, flood_stream  # noqa: E402

OLD_COMMIT = "61879e6"
#: A systemd service's default soft limit; the hard one as high as this machine allows (up to 65,536).
LIMIT = (1024, min(65536, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
PHONE_DEADLINE_S = 60.0
FORM = "reflectie"
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


class _Server:
    def __init__(self, process: subprocess.Popen, port: int, log: Path, db_url: str):
        self.process, self.host, self.port, self.log_path, self.db_url = process, "127.0.0.1", port, log, db_url


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, LIMIT)


def _start(folder: Path, tree: Path | None) -> _Server:
    from pztraining.serving.server import notebooks_dir, room_command

    env = isolated_env(folder)
    db_url = env["PZTRAINING_DB"] = f"sqlite:///{folder / 'pz.db'}"
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    port = free_port()
    notebook = (tree / "pztraining" / "notebooks" if tree else notebooks_dir()) / "facilitator.ipynb"
    log = folder / "room.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            room_command(notebook, "127.0.0.1", port),
            env=env,
            cwd=tree or folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_limit,  # noqa: PLW1509 - only setrlimit, which takes no lock
        )
    server = _Server(process, port, log, db_url)
    deadline = time.monotonic() + 120
    import urllib.request

    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/favicon.ico", timeout=2) as answer:
                if answer.status == 204:
                    return server
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.3)
    stop_tree(process, "room server", 30)
    raise RuntimeError(f"room server not up:\n{log.read_text()[-2000:]}")


async def _phone(phone: Phone, code: str, store, training, opened: asyncio.Event) -> float:
    """Seconds until this phone joined, heard the form and stored its answer; inf when it did not."""
    started = time.monotonic()
    heard: list = []
    form_heard = asyncio.Event()
    listening = None
    try:
        assert (await phone.request("GET", "/"))[0] == 200
        assert (await phone.request("POST", "/pz/api/join", {"code": code}))[0] == 200
        assert (await phone.request("POST", "/pz/api/register", {"code": code, "name": "Sanne"}))[0] == 200
        listening = asyncio.ensure_future(phone.items(code, heard, form_heard, FORM))
        while not heard:
            if listening.done():
                listening.result()
            await asyncio.sleep(0.05)
        await opened.wait()
        await form_heard.wait()
        status, body = await phone.request(
            "POST", "/pz/api/submit", {"code": code, "meeting": 1, "form": FORM, "values": {"hoe-was-het": "Goed"}}
        )
        assert status == 200 and json.loads(body)["status"] == "submitted"
        return time.monotonic() - started
    except Exception:  # a phone that did not get through is counted, not raised
        return float("inf")
    finally:
        if listening is not None:
            listening.cancel()


async def _scenario(server: _Server, store, training) -> dict:
    from pztraining.services import forms

    code, held = training.join_code, []
    log_before = server.log_path.stat().st_size
    started = time.monotonic()
    flood = await asyncio.gather(*(flood_stream(server, code, n, held) for n in range(FLOOD_STREAMS)))
    flood_s = time.monotonic() - started
    cpu, wall = cpu_seconds(server.process.pid), time.monotonic()
    await asyncio.sleep(5)
    busy = (cpu_seconds(server.process.pid) - cpu) / (time.monotonic() - wall)

    opened = asyncio.Event()
    phones = [asyncio.ensure_future(_phone(Phone(server, n), code, store, training, opened)) for n in range(PHONES)]
    await asyncio.sleep(1)
    await asyncio.to_thread(forms.open_form, store, training.id, 1, FORM, False, NOW)
    opened.set()
    done, _ = await asyncio.wait(phones, timeout=PHONE_DEADLINE_S)
    times = [p.result() if p in done else float("inf") for p in phones]
    for p in phones:
        p.cancel()
    for ending, writer in held:
        ending.cancel()
        writer.close()
    # "503 without Retry-After or without a Dutch reason: {…}" → "503 (no Retry-After)"
    flood = [status if len(status) < 12 else f"{status.split()[0]} (no Retry-After)" for status in flood]
    answered = {status: flood.count(status) for status in sorted(set(flood))}
    return {
        "flood": answered,
        "flood_s": flood_s,
        "busy": busy,
        "times": times,
        "stored": store.response_counts(training.id, 1).get(FORM, 0),
        "log_bytes": server.log_path.stat().st_size - log_before,
    }


def measure(folder: Path, tree: Path | None) -> dict:
    """The flood and the phones against one room server (``tree``: an old checkout, or None for this one)."""
    from pztraining.store import Store

    server = _start(folder, tree)
    store = Store(server.db_url)
    try:
        training = store.add_training("Bench", "mysupport", NOW)
        return asyncio.run(_scenario(server, store, training))
    finally:
        store.close()
        stop_tree(server.process, "room server", 30)


def _old_tree(folder: Path) -> Path:
    tree = folder / "old"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(_REPO), "archive", OLD_COMMIT, "pztraining"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def _cells(figures: dict) -> list[str]:
    through = [x for x in figures["times"] if x != float("inf")]
    flood = ", ".join(f"{n:,} {status}" for status, n in figures["flood"].items())
    timing = f"p50 {median(through):.1f} s / max {max(through):.1f} s" if through else "–"
    return [
        f"{flood} ({figures['flood_s']:.0f} s)",
        f"{figures['busy']:.0%} of a core",
        f"{len(through)} of {PHONES} ({timing}); {figures['stored']} stored",
        (f"{figures['log_bytes'] / 1e6:,.1f} MB" if figures["log_bytes"] >= 1e6 else f"{figures['log_bytes']:,} bytes"),
    ]


def bench_flood(args, say=print) -> list[str]:
    """Both servers, and the table (Markdown lines)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "new").mkdir()
        say("flood benchmark: room server now")
        new = measure(folder / "new", None)
        old = None
        if not args.no_old:
            (folder / "old-run").mkdir()
            say(f"flood benchmark: room server {OLD_COMMIT} (main before issue 20)")
            old = measure(folder / "old-run", _old_tree(folder))
    what = [
        f"one client opens {FLOOD_STREAMS:,} push streams at once: how they were answered",
        "server CPU in the 5 s after, the flood holding its streams",
        f"{PHONES} other phones join, hear a form open, submit (each within {PHONE_DEADLINE_S:.0f} s)",
        "the server's log grew by",
    ]
    rows = [
        f"Phones served while one client floods · {os.cpu_count()} cores · limit of open files soft "
        f"{LIMIT[0]:,} / hard {LIMIT[1]:,}",
        f"| what | {OLD_COMMIT} (main before issue 20) | now |",
        "|---|---|---|",
    ]
    old_cells = _cells(old) if old else ["not run"] * len(what)
    rows += [f"| {w} | {o} | {n} |" for w, o, n in zip(what, old_cells, _cells(new))]
    for line in rows:
        say(line)
    return rows


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-old", action="store_true", help="measure only the room server of this checkout")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_arguments(parser)
    bench_flood(parser.parse_args(), lambda text: print(text, flush=True))


if __name__ == "__main__":
    main()
