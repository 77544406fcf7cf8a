"""Measure what matters in the training room and print a table.

- schedule: how long re-planning takes (the trainer presses a button; this must be instant);
- store: how fast one kernel writes, and how four kernel processes writing at once fare on SQLite;
- trainer page: seconds from opening the URL to a usable page, and the memory of its kernel.

Run with ``make bench`` (or ``python benchmarks/run.py [--no-browser]``).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from statistics import median

from pztraining import schedule
from pztraining.content import load_program
from pztraining.store import Store

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)
ROWS: list[tuple[str, str, str]] = []


def row(what: str, value: float, unit: str) -> None:
    ROWS.append((what, f"{value:,.2f}", unit))
    print(f"  {what:<58} {value:>12,.2f} {unit}", flush=True)


def bench_schedule() -> None:
    meeting = load_program("mysupport").meeting(1)
    planned, minima = meeting.lengths()  # noqa: E501
    started = time.perf_counter()
    n = 0
    for _ in range(200):
        for target in range(meeting.minimum_minutes, meeting.minutes + 1):
            schedule.shorten(planned, minima, target)
            n += 1
    row("shorten() for one target (mySupport)", (time.perf_counter() - started) / n * 1e6, "µs")
    run = schedule.set_keep_end(schedule.start(planned, minima, 120, T0), True)
    started = time.perf_counter()
    for i in range(2000):
        schedule.project(run, T0 + timedelta(seconds=i))
    row("project() of a running meeting, keeping the end", (time.perf_counter() - started) / 2000 * 1e6, "µs")


def _writer(url: str, training_id: int, worker: int, count: int) -> None:
    s = Store(url)
    for i in range(count):
        s.set_checklist_tick(training_id, f"{worker}-{i}", True, datetime.now(timezone.utc))


def bench_store(folder: Path) -> None:
    url = f"sqlite:///{folder / 'bench.db'}"
    store = Store(url)
    training = store.add_training("Bench", "mysupport", T0)
    times = []
    for i in range(200):
        started = time.perf_counter()
        store.save_run(training.id, 1, {"i": i}, T0)
        times.append(time.perf_counter() - started)
    row("save_run() one write, median (SQLite WAL)", median(times) * 1000, "ms")
    started = time.perf_counter()
    for _ in range(200):
        store.load_run(training.id, 1)
    row("load_run() one read", (time.perf_counter() - started) / 200 * 1000, "ms")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(url, training.id, w, 100)) for w in range(4)]
    started = time.perf_counter()
    for p in workers:
        p.start()
    for p in workers:
        p.join()
    elapsed = time.perf_counter() - started
    stored = len(store.checklist_ticks(training.id))
    row("4 processes × 100 writes at once: writes per second", stored / elapsed, "/s")
    row("4 processes × 100 writes at once: writes lost", 400 - stored, "")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _kernel_pids(parent: int) -> list[int]:
    out = subprocess.run(["ps", "-eo", "pid,ppid,args"], capture_output=True, text=True).stdout
    children = {}
    for line in out.splitlines()[1:]:
        pid, ppid, args = line.split(None, 2)
        children.setdefault(int(ppid), []).append((int(pid), args))
    found, todo = [], [parent]
    while todo:
        for pid, args in children.get(todo.pop(), []):
            todo.append(pid)
            if "ipykernel" in args:
                found.append(pid)
    return found


def bench_trainer_page(folder: Path, chromium: str) -> None:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(folder / "jupyter"))
    server = subprocess.Popen([sys.executable, "-m", "pztraining", "demo", "--data-dir", str(folder / "data"),
                               "--port", str(port)], env=env, stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        url = None
        for line in server.stdout:
            if "trainer.ipynb" in line:
                url = line.split(": ", 1)[1].strip()
                break
        assert url, "server did not start"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            loads = []
            for _ in range(3):
                page = browser.new_page()
                started = time.perf_counter()
                page.goto(url)
                page.wait_for_selector(".pz-start", timeout=120_000)
                loads.append(time.perf_counter() - started)
                page.close()
            row("trainer page: open URL → usable (median of 3, cold kernel)", median(loads), "s")
            page = browser.new_page()
            page.goto(url)
            page.wait_for_selector(".pz-start", timeout=120_000)
            started = time.perf_counter()
            page.click(".pz-start")
            page.wait_for_selector(".pz-countdown-digits", timeout=60_000)
            row("trainer page: click Start → countdown shown", time.perf_counter() - started, "s")
            pids = _kernel_pids(server.pid)
            if pids:
                row("trainer kernel memory (RSS, newest kernel)", _rss_mb(max(pids)), "MB")
            browser.close()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def bench_participants_joining(folder: Path, chromium: str, phones: int = 20, pool: int = 4) -> None:
    """``phones`` participant pages opened at once against a server with ``pool`` preheated kernels."""
    import asyncio

    from playwright.async_api import async_playwright

    port, participant_port = _free_port(), _free_port()
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "phones"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(folder / "jupyter"))
    server = subprocess.Popen([sys.executable, "-m", "pztraining", "demo", "--data-dir", str(data), "--port", str(port),
                               "--participant-port", str(participant_port), "--pool-size", str(pool)],
                              env=env, stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        url = None
        for line in server.stdout:
            if "Deelnemers" in line:
                url = line.split(": ", 1)[1].strip()
                break
        assert url, "server did not start"
        code = Store(f"sqlite:///{data / 'pztraining.db'}").list_trainings()[0].join_code
        time.sleep(5 + pool * 1.5)  # let the pool fill, as it has long before a training starts

        async def one(browser) -> float:
            context = await browser.new_context()
            page = await context.new_page()
            started = time.perf_counter()
            await page.goto(f"{url}?code={code}", timeout=300_000)
            await page.wait_for_selector(".pz-participant-name input", timeout=300_000)
            return time.perf_counter() - started

        async def all_phones() -> list[float]:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=chromium, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"])
                times = await asyncio.gather(*(one(browser) for _ in range(phones)))
                await browser.close()
                return times

        times = sorted(asyncio.run(all_phones()))
        row(f"{phones} phones at once, pool {pool}: median time to name prompt", median(times), "s")
        row(f"{phones} phones at once, pool {pool}: slowest phone", times[-1], "s")
        pids = _kernel_pids(server.pid)
        row("participant + trainer kernels running afterwards", len(pids), "")
        if pids:
            row("participant kernel memory (RSS, median)", median(_rss_mb(pid) for pid in pids), "MB")
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--chromium", default=os.environ.get("PZ_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"pztraining benchmarks · {os.cpu_count()} cores · Python {sys.version.split()[0]}")
        bench_schedule()
        bench_store(folder)
        if not args.no_browser:
            bench_trainer_page(folder, args.chromium)
            for pool in (4, 10):
                bench_participants_joining(folder / f"pool{pool}", args.chromium, pool=pool)
    width = max(len(r[0]) for r in ROWS)
    print("\n| what | value | unit |\n|---|---:|---|")
    for what, value, unit in ROWS:
        print(f"| {what:<{width}} | {value} | {unit} |")


if __name__ == "__main__":
    main()
