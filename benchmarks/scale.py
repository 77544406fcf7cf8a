"""Every core and no herd (issue 25): the room server before beside now, in one run and one table.

Servers measured side by side on the same machine in the same run:

- ``hello``: a bare tornado server answering "hello" (the floor of one Python process);
- ``old``: the room server before issue 25 (commit ``OLD_COMMIT``), one process;
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

And the same 200 phones through nginx serving the page's static shell (written by the product's
``pztraining hub --write-static``, served by its ``--nginx`` site), over TLS and plain HTTP.

The page rows are measured twice where ApacheBench is installed (apt-get install apache2-utils):
with the Python phones, and with ab as the phones (two C processes from 127.0.0.2 and .3, a third
of the Python phones' CPU a page).

Usage: ``python benchmarks/scale.py [--phones 1000] [--page-phones 200] [--big 10000]
[--quick] [--pages-only] [--sides "new ×1" "new ×2"]``, or ``python benchmarks/run.py --only
scale``. With ``--push-only`` only the push channel is measured (``--big`` phones over
``--big-trainings`` trainings on ``--push-workers`` workers), the server of ``--push-before`` (a
commit) beside this checkout's, in one run: a few minutes instead of half an hour, e.g.
``--push-only --big 2000 --big-trainings 10 --push-workers 1``. ``--pages-only``: only the page
rows (a minute or two). The simulated phones run in one asyncio process on this machine, beside
the servers; each page row says how much CPU they used a page (what even a free server leaves).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import resource
import shutil
import ssl
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

#: The C load generator of the page rows beside the Python phones (Debian's apache2-utils).
AB = "ApacheBench"
#: The room server before issue 25 (the fork point of its branch).
OLD_COMMIT = "ad6fbca"
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


def load_average() -> str:
    """The machine's 1-minute load average now (other engineers' tests share it)."""
    return Path("/proc/loadavg").read_text().split()[0]


@dataclass
class PageRound:
    """``n`` phones opening the page at once: their times, the server's CPU a page, and how much of
    a core the simulated phones (this process) used meanwhile: near 1.0 the client, not the
    server, sets the pace on a machine with few cores."""

    times: list[float]
    cpu: float
    client_share: float
    #: The simulated phones' own CPU a page (this process): what even a server costing nothing leaves.
    client_cpu: float = 0.0
    load: str = field(default_factory=load_average)
    #: The server's own time per request where it logs one (nginx's $request_time).
    server_times: list[float] = field(default_factory=list)


def pages(port: int, pid: int, path: str, n: int, tls: ssl.SSLContext | None = None) -> PageRound:
    """``n`` phones ask for the page at the same moment (server ``pid`` and its children on ``port``)."""
    asyncio.run(_pages(port, path, 5, 10_000, tls))  # the first requests import a few modules
    cpu = cpu_seconds(pid)
    client_cpu, started = time.process_time(), time.perf_counter()
    times = asyncio.run(_pages(port, path, n, 0, tls))
    client_cpu = time.process_time() - client_cpu
    client_share = client_cpu / (time.perf_counter() - started)
    return PageRound(times, (cpu_seconds(pid) - cpu) / n, client_share, client_cpu / n)


def ab_binary() -> str | None:
    """ApacheBench (Debian's apache2-utils), or None."""
    return shutil.which("ab")


def ab_pages(port: int, pid: int, path: str, n: int, tls: bool = False, clients: int = 2) -> PageRound | None:
    """The same round as :func:`pages` with ApacheBench as the phones: ``clients`` C processes, each
    from an address of its own (127.0.0.2, .3, ...), together opening ``n`` connections at once,
    each asking once (TLS handshake included with ``tls``).

    The Python phones cost about as much CPU a page as the servers measured, and on 2 cores
    they share the machine with them; ab costs a third of that, so more of what is left is the
    server. Two addresses, because ``--workers`` steers a connection by its source address: from
    one address every connection would reach one worker. ab gives its times as percentiles
    0..100 (``-e``); ``times`` holds each process's 101 values (each process asks as often), which
    :func:`percentile` reads as the percentiles of the whole round. None when ab is not installed.
    """
    binary = ab_binary()
    if binary is None:
        return None
    url = f"{'https' if tls else 'http'}://127.0.0.1:{port}{path}"
    with tempfile.TemporaryDirectory() as tmp:
        tables = [Path(tmp) / f"percentiles-{k}.csv" for k in range(clients)]

        def run(count: int) -> None:
            started = [
                subprocess.Popen(
                    [binary, "-q", "-B", f"127.0.0.{2 + k}", "-n", str(count), "-c", str(count)]
                    + ["-s", str(int(PAGE_DEADLINE_S)), "-e", str(table), url],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for k, table in enumerate(tables)
            ]
            for process in started:
                out, err = process.communicate()
                failed = next((line for line in out.splitlines() if line.startswith(("Failed", "Non-2xx"))), "")
                if process.returncode != 0 or (failed and not failed.rstrip().endswith(" 0")):
                    raise RuntimeError(f"ab {url}: {failed or err.strip()}")

        run(5)  # the first requests import a few modules
        cpu = cpu_seconds(pid)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        run(max(1, n // clients))
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times = [float(line.split(",")[1]) / 1000 for table in tables for line in table.read_text().splitlines()[1:]]
    client_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return PageRound(times, (cpu_seconds(pid) - cpu) / n, client_cpu / elapsed, client_cpu / n)


async def _pages(port: int, path: str, n: int, first: int, tls: ssl.SSLContext | None = None) -> list[float]:
    return list(
        await asyncio.gather(
            *(fetch_page("127.0.0.1", port, path, PAGE_DEADLINE_S, source(first + i), tls) for i in range(n))
        )
    )


# ------------------------------------------------------------------------------ the servers


@dataclass
class Side:
    """One server measured: its name, how to start it, and what was measured."""

    name: str
    figures: dict = field(default_factory=dict)


def old_tree(folder: Path, commit: str = OLD_COMMIT) -> Path:
    repo = Path(__file__).resolve().parent.parent
    tree = folder / ("old" if commit == OLD_COMMIT else f"tree-{commit}")
    if tree.exists():
        return tree
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", commit, "pztraining"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def start_room(folder: Path, which: str, db_url: str, tree: Path | None = None) -> Server:
    """The room server ``which`` ("old", "new ×1", "new ×2") on ``db_url``; "new" from ``tree`` (a
    ``git archive`` of another commit with ``--workers``) when given, else from this checkout."""
    port = free_port()
    env = dict(os.environ, PZTRAINING_DB=db_url, JUPYTER_CONFIG_DIR=str(folder / f"jupyter-{port}"))
    env.pop("PZTRAINING_ROOM_WORKERS", None)
    log = folder / f"room-{port}.log"
    if which == "old":
        tree = old_tree(folder)
        env["PYTHONPATH"] = str(tree)
        command = json.loads(
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import json; from pztraining import server; print(json.dumps(server.room_command("
                    f"server.notebooks_dir() / 'facilitator.ipynb', '127.0.0.1', {port})))",
                ],
                env=env,
                cwd=tree,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        return start(command, env, log, port, cwd=tree)
    from pztraining.serving import server

    workers = which.rsplit("×", 1)[1]
    checkout = tree or Path(__file__).resolve().parent.parent
    # This checkout's code, not what the virtual environment's editable install points at.
    env["PYTHONPATH"] = str(checkout)
    notebooks = tree / "pztraining" / "notebooks" if tree else server.notebooks_dir()
    command = server.room_command(notebooks / "facilitator.ipynb", "127.0.0.1", port)
    return start(command + [f"--workers={workers}"], env, log, port, cwd=checkout)


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


# ------------------------------------------------------------------------------ nginx's static shell

#: Where the phones' page lives in the product's nginx site (the room service under the hub).
SHELL_PATH = "/services/room/"
GOAL_NGINX_P95_S = 0.030


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


def measure_nginx(n: int, code: str, say) -> dict[str, PageRound] | None:
    """``n`` phones open the page through nginx serving the static shell, as deployed.

    The shell is written by the product (``pztraining hub --write-static``: :func:`write_static`)
    and served by the product's own site (``pztraining hub --nginx``: :func:`nginx_text`) on a
    private nginx (Debian's configuration, as ``tests/nginx.py`` sets it up: own prefix, not
    root, free ports), with an ECDSA certificate like Let's Encrypt's. The page is a file there:
    no room copy is asked. Measured twice: over TLS (handshake included, as a phone on the
    Wi-Fi does it), and over plain HTTP on the same server block (one extra ``listen``), which
    compares with the other rows. nginx's own time per request ($request_time, from its first
    byte read to its last sent) is logged as well.
    """
    binary = nginx_binary()
    if binary is None:
        say("  nginx: not installed (apt-get install nginx): not measured")
        return None
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/nginx.py: the tests' private nginx
    from pztraining.serving.hub import NginxSettings, nginx_text, nginx_version, write_static
    from tests.nginx import Nginx, self_signed, version

    nginx = Nginx(binary)  # its own world-readable folder: nginx's workers may run as www-data
    try:
        static = nginx.folder / "static"
        static.mkdir(mode=0o755)
        write_static(static)
        cert, key = self_signed(nginx.folder, elliptic=True)
        timing = nginx.log / "times.log"
        (nginx.etc / "conf.d" / "pz-bench.conf").write_text(
            f"log_format pz_bench '$request_time $status';\naccess_log {timing} pz_bench;\n"
        )
        for _attempt in range(3):  # a free port another process takes before nginx binds it: new ports
            tls_port, plain_port = free_port(), free_port()
            site = nginx_text(
                NginxSettings(
                    public_url=f"https://localhost:{tls_port}",
                    hub_port=free_port(),
                    room_port=free_port(),
                    static_dir=str(static),
                    certificate=str(cert),
                    certificate_key=str(key),
                    acme_dir=str(nginx.folder),
                    http_port=free_port(),
                    nginx_version=nginx_version(version(binary)),
                    ipv6=False,
                )
            )
            listen = next(line for line in site.splitlines() if line.startswith(f"    listen {tls_port} ssl"))
            nginx.site("pztraining", site.replace(listen, f"{listen}\n    listen 127.0.0.1:{plain_port} backlog=1024;"))
            checked = nginx.check()
            if checked.returncode != 0:
                raise RuntimeError(checked.stderr)
            started = nginx.command()
            if started.returncode == 0:
                break
            if "Address already in use" not in started.stderr:
                raise RuntimeError(started.stderr)
        nginx.start()  # waits for the pid file (started above)
        master = nginx.pid()
        path = f"{SHELL_PATH}?{urlencode({'code': code})}"
        client = ssl.create_default_context()
        client.check_hostname, client.verify_mode = False, ssl.CERT_NONE  # self-signed
        found: dict[str, PageRound] = {}
        for name, port, tls in (("TLS", tls_port, client), ("plain HTTP", plain_port, None)):
            timing.write_text("")  # nginx appends (O_APPEND): only this round's lines
            found[name] = pages(port, master, path, n, tls)
            served = [float(line.split()[0]) for line in timing.read_text().splitlines()[5:] if line.endswith(" 200")]
            found[name].server_times = served
            say(
                f"  nginx {name}: {n} pages at once p95 {duration(percentile(found[name].times, 95))} "
                f"(nginx's own p95 {duration(percentile(served, 95))}; client {found[name].client_share:.2f} of a "
                f"core; load {found[name].load})"
            )
            timing.write_text("")
            with_ab = ab_pages(port, master, path, n, tls is not None)
            if with_ab is not None:
                with_ab.server_times = [
                    float(line.split()[0]) for line in timing.read_text().splitlines()[5:] if line.endswith(" 200")
                ]
                found[f"{name}, {AB}"] = with_ab
                say(f"  nginx {name}, {AB}: {n} pages at once p95 {duration(percentile(with_ab.times, 95))}")
        return found
    finally:
        nginx.stop()


# ------------------------------------------------------------------------------ the herd


async def herd(port: int, db_url: str, training, n: int, first: int) -> dict:
    """``n`` push streams opened at once; a form opened ``FORM_AFTER_S`` later: delivery times."""
    from pztraining.content import load_form
    from pztraining.domain.forms import form_spec
    from pztraining.services import forms
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
    await asyncio.to_thread(
        forms.open_form, store, training.id, 1, FORM, False, datetime.now(UTC), form_spec(load_form(FORM))
    )
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
    from pztraining.services import forms
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
        forms.open_form(store, training.id, meeting, FORM, False, datetime.now(UTC), form_spec(load_form(FORM)))
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
            f"{len(figures['errors'])} errors, stored {figures['stored']}"
        )
        out[meeting] = figures
    return out


# ------------------------------------------------------------------------------ 10,000 phones


async def big(port: int, db_url: str, trainings: list, n: int, say, pid: int) -> dict:
    from pztraining.content import load_form
    from pztraining.domain.forms import form_spec
    from pztraining.services import forms
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
            forms.open_form(store, training.id, 1, FORM, False, datetime.now(UTC), spec)

    # The server's CPU from the first form opened until every phone heard its own: what the
    # fan-out costs, whatever share of the cores the server got on a busy machine.
    cpu = cpu_seconds(pid)
    await asyncio.to_thread(open_all)
    await asyncio.wait([x.watch[1] for x in listeners], timeout=60)
    fan_out_cpu = cpu_seconds(pid) - cpu
    push = [x.watch[1].result() - opened[x.code] if x.watch[1].done() else math.inf for x in listeners]
    for listener in listeners:
        listener.task.cancel()
    store.close()
    return {
        "held": held,
        "push": push,
        "cpu_per_phone": fan_out_cpu / max(1, sum(x.watch[1].done() for x in listeners)),
    }


# ------------------------------------------------------------------------------ the run


def measure_room(folder: Path, which: str, args, say) -> dict:
    figures: dict = {}
    tree = old_tree(folder) if which == "old" else None
    db_url, (page_training, herd_training, write_training) = new_database(
        folder, f"{which[:3]}-{free_port()}.db", 3, tree
    )
    room = start_room(folder, which, db_url)
    memory = MemoryWatch(room.process.pid)
    try:
        path = f"/?{urlencode({'code': page_training.join_code})}"
        figures["pages"] = pages(room.port, room.process.pid, path, args.page_phones)
        figures["pages_ab"] = ab_pages(room.port, room.process.pid, path, args.page_phones)
        say(
            f"  {which}: {args.page_phones} pages at once p95 {duration(percentile(figures['pages'].times, 95))} "
            f"(client {figures['pages'].client_share:.2f} of a core; load {figures['pages'].load})"
        )
        if args.pages_only:
            return figures
        figures["herd"] = asyncio.run(herd(room.port, db_url, herd_training, args.phones, 20_000))
        say(
            f"  {which}: {args.phones} streams at once, form {FORM_AFTER_S:.0f} s later: "
            f"p95 {duration(percentile(figures['herd']['push'], 95))}"
        )
        figures["writes"] = asyncio.run(
            crowd_writes(room.port, db_url, write_training, args.phones, 40_000, say, room.process.pid)
        )
    finally:
        figures["peak_mb"] = memory.stop()
        room.stop()
    return figures


def measure_big(folder: Path, args, say, workers: int = 2, tree: Path | None = None) -> dict:
    db_url, trainings = new_database(folder, f"big-{free_port()}.db", args.big_trainings)
    room = start_room(folder, f"new ×{workers}", db_url, tree)
    memory = MemoryWatch(room.process.pid)
    try:
        figures = asyncio.run(big(room.port, db_url, trainings, args.big, say, room.process.pid))
    finally:
        figures_mb = memory.stop()
        room.stop()
    figures["peak_mb"] = figures_mb
    return figures


def table(
    hello: PageRound,
    sides: dict[str, dict],
    big_figures: dict | None,
    args,
    shell: dict[str, PageRound] | None = None,
    hello_ab: PageRound | None = None,
) -> list[str]:
    names = list(sides)
    rows: list[tuple[str, ...]] = []
    hello_p95 = percentile(hello.times, 95)

    def page_text(found: PageRound, floor: PageRound = hello) -> str:
        late = sum(math.isinf(x) for x in found.times)
        p95 = percentile(found.times, 95)
        return (
            f"p50 {duration(percentile(found.times, 50))} / p95 {duration(p95)}"
            f" ({p95 / percentile(floor.times, 95):.2f}× hello; CPU {duration(found.cpu)} a page; "
            f"client {duration(found.client_cpu)} "
            f"a page, {found.client_share:.2f} core; load {found.load}" + (f"; {late} not served" if late else "") + ")"
        )

    single = next((sides[n]["pages"] for n in names if n.endswith("×1")), None)
    rows.append(
        (
            f"{args.page_phones} phones open the page at once: p50 / p95",
            *(
                page_text(sides[n]["pages"])
                + (
                    f" = {percentile(sides[n]['pages'].times, 95) / percentile(single.times, 95):.2f}× single"
                    if single is not None and n.endswith("×2")
                    else ""
                )
                for n in names
            ),
            f"hello p95 {duration(hello_p95)} (CPU {duration(hello.cpu)} a page; client {duration(hello.client_cpu)} "
            f"a page, {hello.client_share:.2f} core; load {hello.load}); "
            f"single ≤ {GOAL_PAGE_RATIO_SINGLE}× hello, ×2 ≤ {GOAL_PAGE_RATIO_WORKERS}× single",
        )
    )
    single_ab = next((sides[n].get("pages_ab") for n in names if n.endswith("×1")), None)
    if hello_ab is not None and all(sides[n].get("pages_ab") for n in names):
        rows.append(
            (
                f"the same, {AB} as the phones (two C processes, two addresses): p50 / p95",
                *(
                    page_text(sides[n]["pages_ab"], hello_ab)
                    + (
                        f" = {percentile(sides[n]['pages_ab'].times, 95) / percentile(single_ab.times, 95):.2f}× single"
                        if single_ab is not None and n.endswith("×2")
                        else ""
                    )
                    for n in names
                ),
                f"hello p95 {duration(percentile(hello_ab.times, 95))} (CPU {duration(hello_ab.cpu)} a page; client "
                f"{duration(hello_ab.client_cpu)} a page); single ≤ {GOAL_PAGE_RATIO_SINGLE}× hello, "
                f"×2 ≤ {GOAL_PAGE_RATIO_WORKERS}× single",
            )
        )
    elif hello_ab is None:
        rows.append((f"the same, {AB} as the phones", *("not installed" for _ in names), ""))
    if shell:
        for name, found in shell.items():
            rows.append(
                (
                    f"the same through nginx's static shell, {name} (nginx alone: the page is its file): p50 / p95; "
                    "nginx's own p95",
                    *("" for _ in names[:-1]),
                    f"{page_text(found, hello_ab if AB in name and hello_ab else hello)}; "
                    f"nginx {duration(percentile(found.server_times, 95))}",
                    f"p95 ≤ {duration(GOAL_NGINX_P95_S)}",
                )
            )
    else:
        rows.append(("the same through nginx's static shell", *("not measured" for _ in names), "p95 ≤ 30 ms"))
    if single is not None:
        # Phones and server share this machine's cores. One worker: the phones (c a page) and the
        # server (s) each on a core, so about max(c, s) a page. Two workers: c + s of work on
        # os.cpu_count() cores, so at best (c + s) / cores. On 2 cores the ratio is
        # (c + s) / (2 max(c, s)): 0.6× needs a server 5× costlier than its phones.
        c, s, cores = single.client_cpu, single.cpu, os.cpu_count() or 1
        best = max(c, s / 2, (c + s) / cores) / max(c, s, (c + s) / cores)
        floor = ""
        if shell and "plain HTTP" in shell:  # a server of ~0 ms: what is left is the phones and the machine
            nothing = percentile(shell["plain HTTP"].times, 95) / percentile(single.times, 95)
            floor = f"; a server of ~0 ms (nginx, plain HTTP) measured {nothing:.2f}× single"
        rows.append(
            (
                f"what ×2 can reach beside its phones on {cores} cores (phones {duration(c)}, one worker "
                f"{duration(s)} of CPU a page)",
                *("" for _ in names[:-1]),
                f"at best {best:.2f}× single{floor}",
                f"×2 ≤ {GOAL_PAGE_RATIO_WORKERS}× single",
            )
        )
    if args.pages_only:
        return _laid_out(names, rows)
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
        ("server memory (RSS of all its processes), peak", *(f"{sides[n]['peak_mb']:,.0f} MB" for n in names), "")
    )
    if big_figures:
        rows.append(
            (
                f"{args.big:,} phones over {args.big_trainings} trainings (new ×2): held; form → phones "
                "p50 / p95; memory; server CPU per phone reached",
                *("" for _ in names[:-1]),
                push_text(big_figures),
                f"all held; p95 ≤ {duration(GOAL_BIG_P95_S)}; ≤ {GOAL_BIG_MB:,.0f} MB",
            )
        )
    return _laid_out(names, rows)


def _laid_out(names: list[str], rows: list[tuple[str, ...]]) -> list[str]:
    header = ("what", *(f"{n} ({OLD_COMMIT}, 1 process)" if n == "old" else n for n in names), "goal")
    return markdown(header, rows)


def bench_scale(args, say=print) -> list[str]:
    raise_open_files(2 * max(args.phones * 3, args.big) + 4096)
    machine = f"{os.cpu_count()} cores · Python {sys.version.split()[0]} · phones simulated on the same machine"
    say(f"scale benchmark (issue 25) · {machine}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # nginx first: after a crowd, this machine's ephemeral ports are held by the phones'
        # closed connections (from 127.x.y.z), and nginx's listen on every address may hit one.
        shell = measure_nginx(args.page_phones, "ABC123", say)
        port = free_port()
        hello_server = start([sys.executable, "-c", HELLO, str(port)], dict(os.environ), folder / "hello.log", port)
        try:
            hello = pages(hello_server.port, hello_server.process.pid, "/", args.page_phones)
            hello_ab = ab_pages(hello_server.port, hello_server.process.pid, "/", args.page_phones)
        finally:
            hello_server.stop()
        say(
            f"  hello: {args.page_phones} pages at once p95 {duration(percentile(hello.times, 95))} "
            f"(client {hello.client_share:.2f} of a core; load {hello.load})"
        )
        sides = {which: measure_room(folder, which, args, say) for which in args.sides}
        big_figures = measure_big(folder, args, say) if args.big and not args.pages_only else None
    lines = [f"\nEvery core, no herd · {machine}", *table(hello, sides, big_figures, args, shell, hello_ab)]
    say("\n".join(lines))
    return lines


def bench_push(args, say=print) -> list[str]:
    """Only the push channel: ``--big`` phones over ``--big-trainings`` trainings on ``--push-workers``
    workers, the room server of ``--push-before`` (a commit) beside this checkout's, in one run."""
    raise_open_files(2 * args.big + 4096)
    machine = f"{os.cpu_count()} cores · Python {sys.version.split()[0]} · phones simulated on the same machine"
    say(f"push channel (issue 25) · {machine} · load average {os.getloadavg()[0]:.1f}")
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, tree in ((f"before ({args.push_before})", old_tree(folder, args.push_before)), ("now", None)):
            say(f"  {name}:")
            figures[name] = measure_big(folder, args, say, args.push_workers, tree)
            say(f"    {push_text(figures[name])} · load average {os.getloadavg()[0]:.1f}")
    what = (
        f"{args.big:,} phones over {args.big_trainings} trainings (×{args.push_workers}): held; form → phones "
        "p50 / p95; memory; server CPU per phone reached"
    )
    rows = [(what, *(push_text(f) for f in figures.values()), f"all held; p95 ≤ {duration(GOAL_BIG_P95_S)}")]
    lines = [f"\nThe push channel · {machine}", *markdown(("what", *figures, "goal"), rows)]
    say("\n".join(lines))
    return lines


def push_text(figures: dict) -> str:
    """ "held; p50 / p95; memory" of one ``big`` measurement."""
    return (
        f"{figures['held']:,} held; p50 {duration(percentile(figures['push'], 50))} / "
        f"p95 {duration(percentile(figures['push'], 95))}; {figures['peak_mb']:,.0f} MB; "
        f"server CPU {figures['cpu_per_phone'] * 1e6:.0f} µs a phone"
    )


def markdown(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in [*rows, header]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    return [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *(line(r) for r in rows)]


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
    parser.add_argument("--sides", nargs="+", default=["old", "new ×1", "new ×2"])
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="scale: only the page rows (hello, each side, nginx's static shell): minutes, not half an hour",
    )
    parser.add_argument(
        "--push-only",
        action="store_true",
        help="scale: only the push channel (--big phones), the server of --push-before beside this checkout's",
    )
    parser.add_argument("--push-before", default="a995673", help="scale --push-only: the commit measured as before")
    parser.add_argument("--push-workers", type=int, default=2, help="scale --push-only: the room server's workers")


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
    (bench_push if args.push_only else bench_scale)(args, lambda text: print(text, flush=True))


if __name__ == "__main__":
    main()
