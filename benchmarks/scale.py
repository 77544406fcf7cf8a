"""Every core and no herd (issue 25): the room server before beside now, in one run and one table.

Servers measured side by side on the same machine in the same run:

- ``hello``: a bare tornado server answering "hello" (the floor of one Python process);
- ``old``: the room server before issue 25 (commit ``OLD_COMMIT``), one process;
- ``before``: the room server before its writes were made cheaper (issue 25 item 3, commit
  ``BEFORE_COMMIT``), ``--workers 1``;
- ``new ×1``: the room server now, ``--workers 1``;
- ``new ×2``: the room server now, ``--workers 2`` (two processes on one port).

What is measured on each:

- 200 phones open the page at the same moment (whole HTML, each on its own connection and
  from its own address, as phones on a Wi-Fi are);
- 1,000 push streams opened at once on a fresh training; the trainer opens a form 5 s later:
  how long until each phone heard it (the herd of first reads used to delay it by seconds);
- 1,000 phones join, then send 10 drafts and a submit each within 60 s (183 writes/s), then
  the same on the next meeting within 27.5 s (400 writes/s): write latency, the server's CPU
  per write (all its processes), everything stored once, as last sent;
- ``new ×2`` only: 10,000 phones over 50 trainings on the push channel, held, a form opened
  in every training: delivery p95, connections still held, memory of all server processes.

Usage: ``python benchmarks/scale.py [--phones 1000] [--page-phones 200] [--big 10000]
[--quick] [--writes-only] [--sides before "new ×1"]``, or ``python benchmarks/run.py --only scale``.
``--writes-only`` measures only the writes (a few minutes a side: the server's CPU a write,
before beside now). The simulated phones run in one asyncio process on this machine, beside
the servers. The machine's load average is printed with every round of writes: on a shared
machine the CPU a write is the figure to compare (latency grows with what else runs).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

from room import (
    FORM,
    PROGRAM,
    Listener,
    MemoryWatch,
    Phone,
    Server,
    _join,
    _write,
    cpu_seconds,
    duration,
    fetch_page,
    free_port,
    percentile,
    raise_open_files,
    start,
    write_times,
)

#: The room server before issue 25 (the fork point of its branch).
OLD_COMMIT = "ad6fbca"
#: The room server before its writes ran on prepared statements (issue 25 item 3, CPU a write).
BEFORE_COMMIT = "a995673"
#: Sides run from the code of an earlier commit: the commit, and the module with room_command there.
EARLIER = {"old": (OLD_COMMIT, "pztraining.server"), "before": (BEFORE_COMMIT, "pztraining.serving.server")}
PAGE_DEADLINE_S = 60.0
FORM_AFTER_S = 5.0
#: Seconds the server's CPU is watched doing nothing before each round of writes.
IDLE_SECONDS = 10.0
GOAL_PAGE_RATIO_SINGLE = 1.3
GOAL_PAGE_RATIO_WORKERS = 0.6
GOAL_WRITE_P95_S = 0.100
GOAL_WRITE_CPU_S = 0.0015
GOAL_HERD_P95_S = 1.0
GOAL_BIG_P95_S = 3.0
GOAL_BIG_MB = 1024.0

HELLO = """
import sys, tornado.web, tornado.ioloop, tornado.httpserver
class Hello(tornado.web.RequestHandler):
    def get(self):
        self.finish("<!doctype html><title>hallo</title><p>hallo</p>")
server = tornado.httpserver.HTTPServer(tornado.web.Application([(r"/.*", Hello)]))
server.listen(int(sys.argv[1]), "127.0.0.1", backlog=1024)
tornado.ioloop.IOLoop.current().start()
"""


def source(number: int) -> str:
    """The address of phone ``number`` (127.0.0.0/8 is all this machine's)."""
    return f"127.{1 + number // 62500}.{1 + number // 250 % 250}.{1 + number % 250}"


def pages(server: Server, path: str, n: int) -> tuple[list[float], float]:
    """``n`` phones ask for the page at the same moment: their times, and server CPU per page."""
    asyncio.run(_pages(server.port, path, 5, 10_000))  # the first requests import a few modules
    cpu = cpu_seconds(server.process.pid)
    times = asyncio.run(_pages(server.port, path, n, 0))
    return times, (cpu_seconds(server.process.pid) - cpu) / n


async def _pages(port: int, path: str, n: int, first: int) -> list[float]:
    return list(
        await asyncio.gather(
            *(fetch_page("127.0.0.1", port, path, PAGE_DEADLINE_S, source(first + i)) for i in range(n))
        )
    )


# ------------------------------------------------------------------------------ the servers


@dataclass
class Side:
    """One server measured: its name, how to start it, and what was measured."""

    name: str
    figures: dict = field(default_factory=dict)


def earlier_tree(folder: Path, which: str) -> Path:
    """The ``pztraining`` package of side ``which`` (see EARLIER), extracted once into ``folder``."""
    repo = Path(__file__).resolve().parent.parent
    tree = folder / which
    if tree.exists():
        return tree
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", EARLIER[which][0], "pztraining"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def start_room(folder: Path, which: str, db_url: str) -> Server:
    """The room server ``which`` ("old", "before", "new ×1", "new ×2") on ``db_url``."""
    port = free_port()
    env = dict(os.environ, PZTRAINING_DB=db_url, JUPYTER_CONFIG_DIR=str(folder / f"jupyter-{port}"))
    env.pop("PZTRAINING_ROOM_WORKERS", None)
    log = folder / f"room-{port}.log"
    if which in EARLIER:
        tree = earlier_tree(folder, which)
        env["PYTHONPATH"] = str(tree)
        module = EARLIER[which][1]
        command = json.loads(
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    f"import json; import {module} as server; print(json.dumps(server.room_command("
                    f"server.notebooks_dir() / 'facilitator.ipynb', '127.0.0.1', {port})))",
                ],
                env=env,
                cwd=tree,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        workers = ["--workers=1"] if which == "before" else []  # "old" had no --workers yet
        return start(command + workers, env, log, port, cwd=tree)
    from pztraining.serving import server

    workers = which.rsplit("×", 1)[1]
    command = server.room_command(server.notebooks_dir() / "facilitator.ipynb", "127.0.0.1", port)
    return start(command + [f"--workers={workers}"], env, log, port)


def new_database(folder: Path, name: str, trainings: int = 1, tree: Path | None = None) -> tuple[str, list]:
    """A database with ``trainings`` trainings (id, join_code); made by the old code in ``tree``
    when given (the old server refuses a schema newer than its own; the benchmark's own store
    calls then migrate it forward, which only adds tables)."""
    db_url = f"sqlite:///{folder / name}"
    if tree is not None:
        code = (
            "import json; from datetime import datetime, timezone; from pztraining.store import Store; "
            f"s = Store({db_url!r}); now = datetime.now(timezone.utc); print(json.dumps([(t.id, t.join_code) "
            f"for t in (s.add_training(f'Schaal {{n}}', {PROGRAM!r}, now) for n in range({trainings}))]))"
        )
        made = json.loads(
            subprocess.run(
                [sys.executable, "-c", code],
                env=dict(os.environ, PYTHONPATH=str(tree)),
                cwd=tree,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.splitlines()[-1]
        )
        return db_url, [SimpleNamespace(id=id_, join_code=code) for id_, code in made]
    from pztraining.store import Store

    store = Store(db_url)
    found = [store.add_training(f"Schaal {n}", PROGRAM, datetime.now(UTC)) for n in range(trainings)]
    store.close()
    return db_url, found


# ------------------------------------------------------------------------------ the herd


async def herd(port: int, db_url: str, training, n: int, first: int) -> dict:
    """``n`` push streams opened at once; a form opened ``FORM_AFTER_S`` later: delivery times."""
    from pztraining.content import load_form
    from pztraining.domain.forms import form_spec
    from pztraining.store import Store

    phones = [Phone("127.0.0.1", port, first + i) for i in range(n)]
    for phone in phones:
        phone.source = source(phone.number)
    loop = asyncio.get_running_loop()
    opened_at = time.perf_counter()
    listeners = [Listener(p, training.join_code) for p in phones]
    for listener in listeners:
        listener.watch = (FORM, loop.create_future())
    await asyncio.sleep(max(0.0, opened_at + FORM_AFTER_S - time.perf_counter()))
    store = Store(db_url)
    opened = time.perf_counter()
    await asyncio.to_thread(store.open_form, training.id, 1, FORM, False, datetime.now(UTC), form_spec(load_form(FORM)))
    await asyncio.wait([x.watch[1] for x in listeners], timeout=60)
    push = [x.watch[1].result() - opened if x.watch[1].done() else math.inf for x in listeners]
    first_times = [x.first.result() if x.first.done() else None for x in listeners]
    for listener in listeners:
        listener.task.cancel()
    store.close()
    return {"push": push, "first_missing": sum(v is None for v in first_times)}


# ------------------------------------------------------------------------------ writes


async def write_round(phones: list[Phone], code: str, meeting: int, seconds: float, seed: int, server_pid: int) -> dict:
    """Every phone sends 10 drafts and a submit on ``meeting`` within ``seconds``."""
    rng = random.Random(seed)
    latencies: list[float] = []
    errors: list[str] = []
    # What the server spends doing nothing (its watchers and timers), so the CPU a write can be
    # given without it too: over a minute of writes it is part of the total.
    idle_from, idle_cpu = time.perf_counter(), cpu_seconds(server_pid)
    await asyncio.sleep(IDLE_SECONDS)
    idle_rate = (cpu_seconds(server_pid) - idle_cpu) / (time.perf_counter() - idle_from)
    started = time.perf_counter() + 0.5
    cpu = cpu_seconds(server_pid)

    finals = await asyncio.gather(
        *(_write(p, code, 11, write_times(rng, 11, seconds), started, latencies, errors, meeting) for p in phones)
    )
    cpu_used = cpu_seconds(server_pid) - cpu
    idle = idle_rate * (time.perf_counter() - started)
    return {
        "writes": latencies,
        "errors": errors,
        "cpu": cpu_used / max(1, len(latencies)),
        "finals": finals,
        "cpu_busy": (cpu_used - idle) / max(1, len(latencies)),
        "asked": 11 * len(phones) / seconds,
        "load": os.getloadavg()[0],  # the machine's, over the last minute: the writes' own
    }


def stored_once(db_url: str, training, meeting: int, phones: list[Phone], finals: list[dict]) -> str:
    """ "submissions / distinct phones / answers as last sent / drafts left" of ``meeting``."""
    from pztraining.content import load_form
    from pztraining.domain.forms import validate_answers
    from pztraining.services import participation
    from pztraining.store import Store

    store = Store(db_url)
    try:
        found = store.find_training(training.id)
        stored = store.response_counts(training.id, meeting).get(FORM, 0)
        distinct = len(store.respondents(training.id, meeting, FORM))
        matching = drafts = 0
        for phone, values in zip(phones, finals):
            person = participation.me(store, found, phone.secret)
            key = f"p:{person.id}"
            matching += (
                store.load_submission(training.id, meeting, FORM, key)
                == validate_answers(load_form(FORM), values).values
            )
            drafts += store.load_draft(training.id, meeting, FORM, key) is not None
    finally:
        store.close()
    return f"{stored:,} / {distinct:,} / {matching:,} / {drafts}"


async def crowd_writes(port: int, db_url: str, training, n: int, first: int, say, pid: int) -> dict:
    from pztraining.content import load_form
    from pztraining.domain.forms import form_spec
    from pztraining.store import Store

    phones = [Phone("127.0.0.1", port, first + i) for i in range(n)]
    for phone in phones:
        phone.source = source(phone.number)
    gate = asyncio.Semaphore(50)
    await asyncio.gather(*(_join(p, training.join_code, gate) for p in phones))
    for phone in phones:
        phone.close()
    store = Store(db_url)
    for meeting in (1, 2):
        store.open_form(training.id, meeting, FORM, False, datetime.now(UTC), form_spec(load_form(FORM)))
    store.close()
    out = {}
    for meeting, seconds in ((1, 60.0), (2, 11 * n / 400)):
        figures = await write_round(phones, training.join_code, meeting, seconds, meeting, pid)
        for phone in phones:
            phone.close()
        figures["stored"] = await asyncio.to_thread(stored_once, db_url, training, meeting, phones, figures["finals"])
        say(
            f"    {figures['asked']:.0f} writes/s asked: p95 {duration(percentile(figures['writes'], 95))}, "
            f"CPU {duration(figures['cpu'])} a write ({duration(figures['cpu_busy'])} above idle), "
            f"{len(figures['errors'])} errors, stored {figures['stored']}; load average {figures['load']:.1f}"
        )
        out[meeting] = figures
    return out


# ------------------------------------------------------------------------------ 10,000 phones


async def big(port: int, db_url: str, trainings: list, n: int, say, pid: int) -> dict:
    from pztraining.content import load_form
    from pztraining.domain.forms import form_spec
    from pztraining.store import Store

    phones = [Phone("127.0.0.1", port, i) for i in range(n)]
    for phone in phones:
        phone.source = source(phone.number)
    gate = asyncio.Semaphore(200)
    listeners: list[Listener] = []

    async def connect(phone: Phone) -> None:
        async with gate:
            listener = Listener(phone, trainings[phone.number % len(trainings)].join_code)
            listeners.append(listener)
            await asyncio.wait([listener.first, listener.task], timeout=120, return_when=asyncio.FIRST_COMPLETED)

    started = time.perf_counter()
    await asyncio.gather(*(connect(p) for p in phones))
    say(f"    {sum(x.first.done() for x in listeners):,} streams up in {time.perf_counter() - started:.0f} s")
    await asyncio.sleep(10)
    held = sum(x.connected for x in listeners)
    loop = asyncio.get_running_loop()
    for listener in listeners:
        listener.watch = (FORM, loop.create_future())
    store = Store(db_url)
    spec = form_spec(load_form(FORM))
    opened: dict[str, float] = {}

    def open_all() -> None:
        for training in trainings:
            opened[training.join_code] = time.perf_counter()
            store.open_form(training.id, 1, FORM, False, datetime.now(UTC), spec)

    await asyncio.to_thread(open_all)
    await asyncio.wait([x.watch[1] for x in listeners], timeout=60)
    push = [x.watch[1].result() - opened[x.code] if x.watch[1].done() else math.inf for x in listeners]
    for listener in listeners:
        listener.task.cancel()
    store.close()
    return {"held": held, "push": push}


# ------------------------------------------------------------------------------ the run


def measure_room(folder: Path, which: str, args, say) -> dict:
    figures: dict = {}
    tree = earlier_tree(folder, which) if which in EARLIER else None
    db_url, (page_training, herd_training, write_training) = new_database(
        folder, f"{which[:3]}-{free_port()}.db", 3, tree
    )
    room = start_room(folder, which, db_url)
    memory = MemoryWatch(room.process.pid)
    try:
        if not args.writes_only:
            path = f"/?{urlencode({'code': page_training.join_code})}"
            figures["pages"], figures["page_cpu"] = pages(room, path, args.page_phones)
            say(f"  {which}: {args.page_phones} pages at once p95 {duration(percentile(figures['pages'], 95))}")
            figures["herd"] = asyncio.run(herd(room.port, db_url, herd_training, args.phones, 20_000))
            say(
                f"  {which}: {args.phones} streams at once, form {FORM_AFTER_S:.0f} s later: "
                f"p95 {duration(percentile(figures['herd']['push'], 95))}"
            )
        say(f"  {which}: writes")
        figures["writes"] = asyncio.run(
            crowd_writes(room.port, db_url, write_training, args.phones, 40_000, say, room.process.pid)
        )
    finally:
        figures["peak_mb"] = memory.stop()
        room.stop()
    return figures


def measure_big(folder: Path, args, say) -> dict:
    db_url, trainings = new_database(folder, "big.db", args.big_trainings)
    room = start_room(folder, "new ×2", db_url)
    memory = MemoryWatch(room.process.pid)
    try:
        figures = asyncio.run(big(room.port, db_url, trainings, args.big, say, room.process.pid))
    finally:
        figures_mb = memory.stop()
        room.stop()
    figures["peak_mb"] = figures_mb
    return figures


def table(hello: tuple[list[float], float] | None, sides: dict[str, dict], big_figures: dict | None, args) -> list[str]:
    names = list(sides)
    rows: list[tuple[str, ...]] = []
    hello_p95 = percentile(hello[0], 95) if hello else math.nan

    def page_text(times: list[float], cpu: float) -> str:
        late = sum(math.isinf(x) for x in times)
        return (
            f"p50 {duration(percentile(times, 50))} / p95 {duration(percentile(times, 95))}"
            f" ({percentile(times, 95) / hello_p95:.2f}× hello; CPU {duration(cpu)} a page"
            + (f"; {late} not served" if late else "")
            + ")"
        )

    if not args.writes_only:
        rows.append(
            (
                f"{args.page_phones} phones open the page at once: p50 / p95",
                *(page_text(sides[n]["pages"], sides[n]["page_cpu"]) for n in names),
                f"hello p95 {duration(hello_p95)}; single ≤ {GOAL_PAGE_RATIO_SINGLE}× hello, ×2 ≤ "
                f"{GOAL_PAGE_RATIO_WORKERS}× single",
            )
        )
        rows.append(("the same through nginx's static shell", *("not measured" for _ in names), "p95 ≤ 30 ms"))
        rows.append(
            (
                f"{args.phones:,} push streams opened at once, a form {FORM_AFTER_S:.0f} s later: p50 / p95 / max",
                *(" / ".join(duration(percentile(sides[n]["herd"]["push"], p)) for p in (50, 95, 100)) for n in names),
                f"p95 ≤ {duration(GOAL_HERD_P95_S)}",
            )
        )
    for meeting, label in ((1, "in 60 s"), (2, "at 400 writes/s")):
        rows.append(
            (
                f"{args.phones:,} phones × (10 drafts + 1 submit) {label}: write p50 / p95; server CPU a write",
                *(
                    f"p50 {duration(percentile(w['writes'], 50))} / p95 {duration(percentile(w['writes'], 95))}; "
                    f"CPU {duration(w['cpu'])} ({duration(w['cpu_busy'])} above idle)"
                    + (f"; {len(w['errors'])} errors" if w["errors"] else "")
                    for w in (sides[n]["writes"][meeting] for n in names)
                ),
                f"p95 ≤ {duration(GOAL_WRITE_P95_S)}; CPU ≤ {duration(GOAL_WRITE_CPU_S)}",
            )
        )
        rows.append(
            (
                "  stored: submissions / distinct phones / as last sent / drafts left",
                *(sides[n]["writes"][meeting]["stored"] for n in names),
                f"{args.phones:,} / {args.phones:,} / {args.phones:,} / 0",
            )
        )
        rows.append(
            (
                "  the machine's load average (1 min) at the end of these writes",
                *(f"{sides[n]['writes'][meeting]['load']:.1f}" for n in names),
                f"{os.cpu_count()} cores",
            )
        )
    rows.append(
        ("server memory (RSS of all its processes), peak", *(f"{sides[n]['peak_mb']:,.0f} MB" for n in names), "")
    )
    if big_figures:
        p95 = percentile(big_figures["push"], 95)
        rows.append(
            (
                f"{args.big:,} phones over {args.big_trainings} trainings (new ×2): held; form → phones "
                "p50 / p95; memory",
                *("" for _ in names[:-1]),
                f"{big_figures['held']:,} held; p50 {duration(percentile(big_figures['push'], 50))} / "
                f"p95 {duration(p95)}; {big_figures['peak_mb']:,.0f} MB",
                f"all held; p95 ≤ {duration(GOAL_BIG_P95_S)}; ≤ {GOAL_BIG_MB:,.0f} MB",
            )
        )
    header = ("what", *(f"{n} ({EARLIER[n][0]}, 1 process)" if n in EARLIER else n for n in names), "goal")
    widths = [max(len(r[i]) for r in [*rows, header]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    return [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *(line(r) for r in rows)]


def bench_scale(args, say=print) -> list[str]:
    raise_open_files(2 * max(args.phones * 3, args.big) + 4096)
    machine = f"{os.cpu_count()} cores · Python {sys.version.split()[0]} · phones simulated on the same machine"
    say(f"scale benchmark (issue 25) · {machine}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        hello = None
        if not args.writes_only:
            port = free_port()
            hello_server = start([sys.executable, "-c", HELLO, str(port)], dict(os.environ), folder / "hello.log", port)
            try:
                hello = pages(hello_server, "/", args.page_phones)
            finally:
                hello_server.stop()
            say(f"  hello: {args.page_phones} pages at once p95 {duration(percentile(hello[0], 95))}")
        sides = {which: measure_room(folder, which, args, say) for which in args.sides}
        big_figures = measure_big(folder, args, say) if args.big and not args.writes_only else None
    lines = [f"\nEvery core, no herd · {machine}", *table(hello, sides, big_figures, args)]
    say("\n".join(lines))
    return lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scale-phones",
        dest="phones_scale",
        type=int,
        default=1000,
        help="scale: phones writing, and push streams opened at once",
    )
    parser.add_argument("--big", type=int, default=10_000, help="scale: phones on the push channel of new ×2 (0: skip)")
    parser.add_argument("--big-trainings", type=int, default=50)
    parser.add_argument("--sides", nargs="+", default=["old", "before", "new ×1", "new ×2"])
    parser.add_argument(
        "--writes-only", action="store_true", help="scale: only the phones' writes (the CPU a write), on --sides"
    )


def scale_args(args: argparse.Namespace) -> argparse.Namespace:
    return argparse.Namespace(**{**vars(args), "phones": args.phones_scale})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    parser.add_argument("--page-phones", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="100 phones, 500 on the push channel: a check")
    args = scale_args(parser.parse_args())
    if args.quick:
        args = argparse.Namespace(**{**vars(args), "phones": 100, "page_phones": 50, "big": 500, "big_trainings": 5})
    bench_scale(args, lambda text: print(text, flush=True))


if __name__ == "__main__":
    main()
