"""Measure what matters in the training room and print a table (``make bench``).

- schedule: re-planning when the trainer presses a button (must be instant);
- store: 30 kernel processes submitting 10 forms each at once (all stored, none twice);
- room: phones on the room server against the old Voila participant page, in one table
  (``benchmarks/room.py``: pages at once, one phone in Chromium, 1,000 phones connected,
  a form pushed to them, their drafts and submits, the server's memory);
- flood: phones served while one client opens 3,000 push streams, the room server before
  issue 20 beside now (``benchmarks/flood.py``);
- trainer: the trainer page in Chromium;
- scale: the room server before issue 25 beside now, one process and ``--workers 2``: pages at
  once against a bare tornado server, 1,000 push streams at once, 1,000 phones writing at 183
  and 400 writes/s, 10,000 phones on the push channel, the pages through nginx's static shell
  (``benchmarks/scale.py``; writes nothing); ``--only scale --push-only``: the 10,000 phones only,
  the server before the fan-out fix beside now; ``--only scale --pages-only``: the page rows alone;
- hub: JupyterHub with 5 trainings at once, 20 phones each (``benchmarks/hub.py``; writes
  ``benchmarks/results-hub.txt``);
- results: the per-item summary of 1,000,000 answers, and a typical training's Excel export;
- start: the CPU a fresh process spends importing each of our servers, jsonschema's IRI
  grammars compiled at import (as before) beside loaded on first use (now).

Usage: ``python benchmarks/run.py [--quick] [--no-browser] [--only PART] [--minutes M]``. Goals from the issues are
printed next to the figures; nothing here fails a build.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median

import flood
import numpy as np
import pandas as pd
import scale

import hub
import room
from pztraining.content import load_form, load_program
from pztraining.domain import aggregate as report
from pztraining.domain import schedule
from pztraining.domain.forms import form_spec
from pztraining.reports import export
from pztraining.services import forms, results
from pztraining.store import Store

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
ROWS: list[tuple[str, str, str, str]] = []


def row(what: str, value: float, unit: str, goal: str = "") -> None:
    ROWS.append((what, f"{value:,.2f}", unit, goal))
    print(f"  {what:<66} {value:>12,.2f} {unit:<4} {goal}", flush=True)


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


# ------------------------------------------------------------------------------ start

#: The module each of our processes starts from.
SERVERS = {
    "room server": "pztraining.serving.room.app",
    "trainer server (Voila)": "pztraining.serving.voila_app",
    "trainer server on the hub": "pztraining.serving.singleuser",
}
START_RUNS = 5


def import_cpu(code: str) -> float:
    """Median CPU seconds (user + system) of a fresh interpreter running ``code``."""
    spent = []
    for _ in range(START_RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", code], check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        spent.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return median(spent)


def bench_start() -> None:
    for name, module in SERVERS.items():
        # Before: rfc3987_syntax imported first, as jsonschema's import did before the stand-in.
        before = import_cpu(f"import rfc3987_syntax, {module}")
        now = import_cpu(f"import {module}")
        row(f"start: import the {name}, IRI grammars at import (before)", before, "s")
        row(f"start: import the {name}, IRI grammars on first use (now)", now, "s")


# ------------------------------------------------------------------------------ schedule


def bench_schedule() -> None:
    meeting = load_program("mysupport").meeting(1)
    planned, minima = meeting.lengths()
    started, n = time.perf_counter(), 0
    for _ in range(200):
        for target in range(meeting.minimum_minutes, meeting.minutes + 1):
            schedule.shorten(planned, minima, target)
            n += 1
    row("shorten() one target (mySupport)", (time.perf_counter() - started) / n * 1e6, "µs")
    run = schedule.set_keep_end(schedule.start(planned, minima, 120, T0), True)
    started = time.perf_counter()
    for i in range(2000):
        schedule.project(run, T0 + timedelta(seconds=i))
    row("project() a running meeting, keeping the end", (time.perf_counter() - started) / 2000 * 1e6, "µs")


# ------------------------------------------------------------------------------ store


def _submitter(url: str, training_id: int, worker: int, form_count: int, latencies) -> None:
    store = Store(url)
    for n in range(form_count):
        started = time.perf_counter()
        forms.submit(store, training_id, 1, f"form-{n}", f"p:{worker}", {"waarde": n}, datetime.now(UTC))
        latencies.append(time.perf_counter() - started)


def bench_store(folder: Path, processes: int = 30, form_count: int = 10) -> None:
    url = f"sqlite:///{folder / 'druk.db'}"
    store = Store(url)
    training = store.add_training("Druk", "mysupport", T0)
    for n in range(form_count):
        forms.open_form(store, training.id, 1, f"form-{n}", False, T0)
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        latencies = manager.list()
        workers = [
            context.Process(target=_submitter, args=(url, training.id, w, form_count, latencies))
            for w in range(processes)
        ]
        for p in workers:
            p.start()
        for p in workers:
            p.join()
        measured = list(latencies)
    stored = sum(store.response_counts(training.id, 1).values())
    row(f"{processes} processes × {form_count} submits at once: stored", stored, "", f"goal {processes * form_count}")
    row(f"{processes} processes × {form_count} submits at once: commit p95", p95(measured) * 1000, "ms")
    row(f"{processes} processes × {form_count} submits at once: commit median", median(measured) * 1000, "ms")


# ------------------------------------------------------------------------------ trainer page


def bench_trainer_page(folder: Path, chromium: str) -> None:
    from playwright.sync_api import sync_playwright

    port, participant_port = room.free_port(), room.free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(folder / "jupyter"))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pztraining",
            "demo",
            "--data-dir",
            str(folder / "demo"),
            "--port",
            str(port),
            "--participant-port",
            str(participant_port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        url = next(line.split(": ", 1)[1].strip() for line in process.stdout if "trainer.ipynb" in line)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            loads = []
            for _ in range(3):
                page = browser.new_page()
                started = time.perf_counter()
                page.goto(url)
                page.wait_for_selector(".pz-start", timeout=120_000)
                loads.append(time.perf_counter() - started)
                page.close()
            row("trainer page: open URL → usable (median of 3)", median(loads), "s")
            page = browser.new_page()
            page.goto(url)
            page.wait_for_selector(".pz-start", timeout=120_000)
            started = time.perf_counter()
            page.click(".pz-start")
            page.wait_for_selector(".pz-countdown-digits", timeout=60_000)
            row("trainer page: click Start → countdown shown", time.perf_counter() - started, "s")
            browser.close()
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)


# ------------------------------------------------------------------------------ results


def synthetic_answers(rows: int, seed: int = 7) -> pd.DataFrame:
    """A tidy frame of ``rows`` answers shaped like real ones (agreement and 0–10 items)."""
    rng = np.random.default_rng(seed)
    items = [(f"item-{i}", "agreement" if i % 3 else "scale10") for i in range(40)]
    picks = rng.integers(0, len(items), rows)
    kinds = np.array([kind for _, kind in items])[picks]
    values = np.where(kinds == "agreement", rng.integers(1, 6, rows), rng.integers(0, 11, rows)).astype(float)
    return pd.DataFrame(
        {
            "program": "mysupport",
            "form": "evaluatie",
            "item_key": np.array([i for i, _ in items])[picks],
            "item_type": kinds,
            "item_text": np.array([f"Vraag {i}" for i, _ in items])[picks],
            "submission": rng.integers(0, rows // 40 + 1, rows),
            "value_num": values,
        }
    )


def bench_report(folder: Path) -> None:
    load_program("ggz")  # content is validated once per process: not part of what we time
    frame = synthetic_answers(1_000_000)
    started = time.perf_counter()
    summary = report.item_summary(frame, by=("program", "form"))
    row("per-item summary of 1,000,000 answers", time.perf_counter() - started, "s", "goal ≤ 1")
    assert len(summary) == 40
    # A typical training: 20 participants, 40 items in forms over 3 meetings.
    store = Store(f"sqlite:///{folder / 'typisch.db'}")
    training = store.add_training("Typisch", "ggz", T0)
    rng = np.random.default_rng(3)
    people = [store.add_participant(training.id, f"P{i}", f"h{i}", T0) for i in range(20)]
    for meeting, form_id in (
        (1, "voorbereiding-ggz"),
        (1, "werkplekopdracht-1"),
        (2, "werkplekopdracht-2"),
        (3, "evaluatie-ggz"),
    ):
        form = load_form(form_id)
        forms.open_form(store, training.id, meeting, form_id, False, T0, spec=form_spec(form))
        for person in people:
            values = {}
            for item in form.items:
                values[item.id] = {
                    "agreement": int(rng.integers(1, 6)),
                    "scale10": int(rng.integers(0, 11)),
                    "single": (item.options or ("",))[0],
                    "multiple": list(item.options[:2]),
                    "short_text": "3",
                    "long_text": "Een antwoord van een paar woorden.",
                }[item.type]
            forms.submit(store, training.id, meeting, form_id, f"p:{person.id}", values, T0, participant_id=person.id)
    for when in ("first in a fresh process, loads SciPy", "again (a running results page)"):
        started = time.perf_counter()
        bundle = results.build(store, results.training_scope(store, str(training.id)))
        export.write(bundle, "xlsx", folder / "typisch.xlsx", False, T0, overwrite=True)  # the same file twice
        row(
            f"typical training ({len(bundle.tidy)} answers), report + Excel, {when}",
            time.perf_counter() - started,
            "s",
            "goal ≤ 1",
        )

    # A small training (12 pairs): scores tie, so the exact test is a permutation test over 2**12 signs.
    before = tuple(float(x) for x in rng.integers(1, 6, 12))
    after = tuple(float(min(5, max(1, b + d))) for b, d in zip(before, rng.integers(-1, 3, 12)))
    from scipy.stats import wilcoxon

    for name, test in (("SciPy's wilcoxon (before)", wilcoxon), ("vectorised statistic (now)", report.wilcoxon_test)):
        report.wilcoxon_test.cache_clear()
        started = time.perf_counter()
        test(before, after)
        row(f"Wilcoxon test of one question, 12 tied pairs, {name}", time.perf_counter() - started, "s")


# ------------------------------------------------------------------------------ room materials


def bench_materials(folder: Path, chromium: str) -> None:
    """Building the four decks, and every mySupport handout as HTML and as PDF."""
    from pztraining.reports import handouts, slides

    started = time.perf_counter()
    built = slides.build(folder / "decks")
    row(f"build {len(built.built)} slide decks (nbconvert, cold process)", time.perf_counter() - started, "s")
    started = time.perf_counter()
    slides.build(folder / "decks")
    row("rebuild the slide decks (warm)", time.perf_counter() - started, "s")
    size = sum(p.stat().st_size for p in (folder / "decks").rglob("*") if p.is_file()) / 1e6
    row("slides build folder incl. reveal.js and fonts", size, "MB")

    program = load_program("mysupport")
    pages = handouts.handouts_for(program, None, 20)
    started = time.perf_counter()
    handouts.write_handouts(pages, folder / "html", "bench", pdf=False, now=datetime.now())
    row(f"write {len(pages)} mySupport handouts as HTML", time.perf_counter() - started, "s")
    if os.access(chromium, os.X_OK):
        os.environ.setdefault("PZ_CHROMIUM", chromium)
        started = time.perf_counter()
        handouts.write_handouts(pages, folder / "pdf", "bench", pdf=True, now=datetime.now())
        row(f"write {len(pages)} mySupport handouts as HTML + PDF (Chromium)", time.perf_counter() - started, "s")


def _quick(args: argparse.Namespace) -> argparse.Namespace:
    """The room part with fewer phones: a check that it runs, not figures to quote."""
    return argparse.Namespace(
        **{**vars(args), "phones": 100, "page_phones": 50, "old_phones": 5, "minutes": 0.1, "write_seconds": 10.0}
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--no-browser", action="store_true", help="skip Chromium (the trainer page; the phone in the room part)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="the room part with 100 phones instead of 1,000 (a check, not figures)"
    )
    parser.add_argument("--chromium", default=os.environ.get("PZ_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument(
        "--only",
        choices=("schedule", "store", "report", "room", "flood", "trainer", "materials", "hub", "scale", "start"),
        help="run one part only",
    )
    room.add_arguments(parser)
    hub.add_arguments(parser)
    scale.add_arguments(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"pztraining benchmarks · {os.cpu_count()} cores · Python {sys.version.split()[0]}")
        parts = {
            "schedule": bench_schedule,
            "store": lambda: bench_store(folder),
            "report": lambda: bench_report(folder),
            "room": lambda: room.bench_room(_quick(args) if args.quick else args, lambda text: print(text, flush=True)),
            "flood": lambda: flood.bench_flood(args, lambda text: print(text, flush=True)),
            "trainer": lambda: None if args.no_browser else bench_trainer_page(folder, args.chromium),
            "materials": lambda: bench_materials(folder, args.chromium),
            "hub": lambda: hub.bench_hub(hub.hub_args(args), lambda text: print(text, flush=True)),
            "start": bench_start,
            "scale": lambda: (scale.bench_push if args.push_only else scale.bench_scale)(
                scale.scale_args(args), lambda text: print(text, flush=True)
            ),
        }
        for name, part in parts.items():
            if args.only in (None, name):
                part()
    if not ROWS:
        return
    width = max(len(r[0]) for r in ROWS)
    print(f"\n| {'what':<{width}} | value | unit | goal |\n|---|---:|---|---|")
    for what, value, unit, goal in ROWS:
        print(f"| {what:<{width}} | {value} | {unit} | {goal} |")


if __name__ == "__main__":
    main()
