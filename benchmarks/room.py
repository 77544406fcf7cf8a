"""Phones in the training room: the room server beside the old Voila participant page.

Both are measured in the same run, on the same machine, and printed in one table:

- phones opening the participant page at the same moment (HTML complete);
- one phone in Chromium (390×844, CPU 4× slower) until the name field accepts input;
- the room server only: 1,000 phones joined and listening on the push channel for some
  minutes, then the trainer opens a form (time until every phone heard it), then every
  phone sends 10 drafts and one submit within a minute (write latency, all stored once),
  and the server's peak memory. The old page needs a kernel per phone, so it cannot hold
  1,000 phones: its column gives the measured memory of one kernel instead.

The old page is commit ``4f9e33d`` (a Voila kernel per phone, a preheated pool of 4),
extracted with ``git archive`` and started from that tree.

Usage: ``python benchmarks/room.py [--minutes 10] [--phones 1000] [--page-phones 200]
[--old-phones 20] [--no-old] [--no-browser]``, or ``python benchmarks/run.py --only room``.
The simulated phones run in one asyncio process on this machine, beside the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import resource
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from urllib.parse import urlencode

#: The old participant page: the last commit with a Voila kernel per phone.
OLD_COMMIT = "4f9e33d"
PROGRAM = "mysupport"
MEETING = 1
FORM = "evaluatie-mysupport"
VIEWPORT = {"width": 390, "height": 844}
CPU_SLOWDOWN = 4
NAME_FIELD = ".pz-participant-name input"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
OLD_DEADLINE_S = 60.0

GOAL_HTML_P95_S = 0.050
GOAL_USABLE_S = 1.0
GOAL_PUSH_P95_S = 3.0
GOAL_WRITE_P95_S = 0.100
GOAL_MEMORY_MB = 300.0


# ------------------------------------------------------------------------------ pure helpers


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank ``p``-th percentile (0 < p ≤ 100); ``inf`` (never arrived) sorts last."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def duration(seconds: float) -> str:
    """A duration for the table: ms below one second, else seconds; ``inf`` as "—"."""
    if math.isinf(seconds):
        return "—"
    if seconds < 0.01:
        return f"{seconds * 1000:.1f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.1f} s"


def spread(values: list[float]) -> str:
    """ "p50 … / p95 … / max …" of durations in seconds."""
    return " / ".join(
        f"{name} {duration(percentile(values, p))}" for name, p in (("p50", 50), ("p95", 95), ("max", 100))
    )


def verdict(value: float, limit: float) -> str:
    """ "met" when ``value`` is at most ``limit``, else "not met"."""
    return "met" if value <= limit else "not met"


def write_times(rng: random.Random, writes: int, seconds: float) -> list[float]:
    """When one phone sends its ``writes`` requests: sorted offsets in [0, ``seconds``)."""
    return sorted(rng.uniform(0, seconds) for _ in range(writes))


class SseParser:
    """Server-sent events from a byte stream: ``feed`` returns the complete (event, data) pairs."""

    def __init__(self) -> None:
        self._buffer = b""

    def feed(self, data: bytes) -> list[tuple[str, str]]:
        self._buffer = (self._buffer + data).replace(b"\r\n", b"\n")
        found = []
        while (end := self._buffer.find(b"\n\n")) >= 0:
            block, self._buffer = self._buffer[:end], self._buffer[end + 2 :]
            event, lines = "message", []
            for line in block.decode().split("\n"):
                if not line or line.startswith(":"):
                    continue
                name, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if name == "event":
                    event = value
                elif name == "data":
                    lines.append(value)
            if lines:  # an event without data is not dispatched (the "retry:" block)
                found.append((event, "\n".join(lines)))
        return found


# ------------------------------------------------------------------------------ HTTP, by hand


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str]
    body: bytes = b""

    def json(self) -> dict:
        return json.loads(self.body)


async def read_head(reader: asyncio.StreamReader) -> Response:
    """The status line and headers of a response (names in lower case)."""
    line = await reader.readline()
    if not line:
        raise ConnectionError("connection closed")
    response = Response(int(line.split()[1]), {}, {})
    while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "set-cookie":
            key, _, cookie = value.split(";", 1)[0].partition("=")
            response.cookies[key] = cookie
        response.headers[name] = value
    return response


async def read_chunks(reader: asyncio.StreamReader):
    """The chunks of a chunked body, as they arrive."""
    while True:
        size_line = await reader.readline()
        if not size_line:
            raise ConnectionError("connection closed in a chunked body")
        size = int(size_line.split(b";")[0].strip(), 16)
        if size == 0:
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass
            return
        yield (await reader.readexactly(size + 2))[:-2]


async def read_body(reader: asyncio.StreamReader, response: Response) -> Response:
    if response.headers.get("transfer-encoding", "").lower() == "chunked":
        response.body = b"".join([chunk async for chunk in read_chunks(reader)])
    elif length := int(response.headers.get("content-length", "0")):
        response.body = await reader.readexactly(length)
    return response


class Phone:
    """One simulated phone: a device secret, the page's XSRF cookie, a keep-alive connection."""

    def __init__(self, host: str, port: int, number: int):
        self.host, self.port, self.number = host, port, number
        # Phones on a Wi-Fi have an address each; the server allows 300 streams per address.
        self.source = f"127.0.{1 + number // 250}.{1 + number % 250}" if host == "127.0.0.1" else None
        self.secret = secrets.token_hex(16)
        self.xsrf = ""
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, data: dict | None = None) -> Response:
        """One request on this phone's connection (reopened when the server closed it)."""
        body = json.dumps(data).encode() if data is not None else b""
        headers = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"X-PZ-Device: {self.secret}",
            f"Content-Length: {len(body)}",
        ]
        if self.xsrf:
            headers += [f"Cookie: _xsrf={self.xsrf}", f"X-XSRFToken: {self.xsrf}"]
        if data is not None:
            headers.append("Content-Type: application/json")
        raw = ("\r\n".join(headers) + "\r\n\r\n").encode() + body
        for attempt in (1, 2):
            if self._writer is None:
                self._reader, self._writer = await self.connect()
            try:
                self._writer.write(raw)
                await self._writer.drain()
                response = await read_body(self._reader, await read_head(self._reader))
                break
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        if "_xsrf" in response.cookies:
            self.xsrf = response.cookies["_xsrf"]
        if response.headers.get("connection", "").lower() == "close":
            self.close()
        return response

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A new connection from this phone's own address."""
        return await asyncio.open_connection(self.host, self.port, local_addr=(self.source, 0) if self.source else None)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


async def fetch_page(
    host: str, port: int, path: str, deadline: float, address: str | None = None, tls: ssl.SSLContext | None = None
) -> float:
    """Seconds until the whole HTML of ``path`` arrived on a new connection (from ``address``, when
    given; over TLS with ``tls``, its handshake included); ``inf`` after ``deadline``."""
    started = time.perf_counter()

    async def get() -> None:
        reader, writer = await asyncio.open_connection(
            host,
            port,
            local_addr=(address, 0) if address else None,
            ssl=tls,
            server_hostname="localhost" if tls else None,
        )
        try:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
            response = await read_body(reader, await read_head(reader))
            if response.status != 200:
                raise ConnectionError(f"HTTP {response.status}")
        finally:
            writer.close()

    try:
        await asyncio.wait_for(get(), deadline)
    except (TimeoutError, OSError, asyncio.IncompleteReadError):
        return math.inf
    return time.perf_counter() - started


async def pages_at_once(host: str, port: int, path: str, n: int, deadline: float) -> list[float]:
    """``n`` phones ask for ``path`` at the same moment (each on its own connection)."""
    return list(await asyncio.gather(*(fetch_page(host, port, path, deadline) for _ in range(n))))


# ------------------------------------------------------------------------------ processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            found.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    return found


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants."""
    children, pids, todo = _children(), [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo += children.get(pid, [])
    return pids


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(root: int) -> float:
    """CPU time (user + system, seconds) used so far by ``root`` and its living descendants."""
    total = 0
    for pid in process_tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def kernel_pids(root: int) -> list[int]:
    found = []
    for pid in process_tree(root)[1:]:
        try:
            if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            pass
    return found


class MemoryWatch:
    """Samples the RSS of a process and its children (MB) every half second; keeps the peak."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def now(self) -> float:
        return sum(rss_mb(p) for p in process_tree(self.pid))

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.now())
            self._stop.wait(0.5)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    def wait_up(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server stopped; its log:\n{self.log.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/favicon.ico", timeout=2)
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"server not up after {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start(command: list[str], env: dict, log: Path, port: int, cwd: Path | None = None) -> Server:
    with open(log, "ab") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=cwd
        )
    server = Server(process, port, log)
    try:
        server.wait_up()
    except BaseException:
        server.stop()
        raise
    return server


def raise_open_files(wanted: int) -> None:
    """Allow this process (and the servers it starts) ``wanted`` open files, as far as allowed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


# ------------------------------------------------------------------------------ Chromium


def time_to_name_field(chromium: str, url: str, runs: int = 3, timeout_s: float = 120) -> list[float]:
    """Seconds from opening ``url`` in a fresh phone-sized context (CPU 4× slower) until the
    name field accepts input; one figure per run."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                context = browser.new_context(viewport=VIEWPORT, is_mobile=True, has_touch=True)
                page = context.new_page()
                page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
                field = page.locator(NAME_FIELD)
                started = time.perf_counter()
                page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
                field.wait_for(state="visible", timeout=timeout_s * 1000)
                while not field.is_editable():
                    if time.perf_counter() - started > timeout_s:
                        raise TimeoutError(f"name field not editable after {timeout_s:.0f} s")
                    page.wait_for_timeout(20)
                times.append(time.perf_counter() - started)
                context.close()
        finally:
            browser.close()
    return times


# ------------------------------------------------------------------------------ the room server


def form_values(round_: int, final: bool) -> dict:
    """Answers for the evaluation form: drafts fill it step by step, the submit is complete."""
    from pztraining.content import load_form

    values: dict = {}
    items = load_form(FORM).items
    shown = len(items) if final else min(len(items), round_ + 1)
    for n, item in enumerate(items[:shown]):
        values[item.id] = {
            "agreement": 1 + (n + round_) % 5,
            "scale10": (n + round_) % 11,
            "single": (item.options or ("",))[0],
            "multiple": list(item.options[:2]),
            "short_text": f"antwoord {round_}",
            "long_text": f"Ronde {round_}: een antwoord van een paar woorden.",
        }[item.type]
    return values


@dataclass
class RoomFigures:
    html: list[float] = field(default_factory=list)
    usable: list[float] = field(default_factory=list)
    join: list[float] = field(default_factory=list)
    joined: int = 0
    connected_after_hold: int = 0
    push: list[float] = field(default_factory=list)
    writes: list[float] = field(default_factory=list)
    write_errors: int = 0
    stored: int = 0
    distinct: int = 0
    matching: int = 0
    drafts_left: int = 0
    peak_mb: float = 0.0
    held_minutes: float = 0.0
    html_cpu: float = math.nan  # server CPU seconds per page
    write_cpu: float = math.nan  # server CPU seconds per draft or submit


class Listener:
    """A phone's push channel: records when each version of the "items" event arrived.

    Read in a protocol's callback, not in a task woken per event: the simulated phones all share
    one process and one core, and their own cost per event (a task step and a stream read
    each) made them hear a form seconds after the server had sent it to 10,000 of them.
    """

    def __init__(self, phone: Phone, code: str):
        self.phone, self.code = phone, code
        self.first = asyncio.get_running_loop().create_future()
        self.arrived: dict[int, tuple[float, list]] = {}
        self.watch: tuple[str, asyncio.Future] | None = None
        self._buffer = b""
        self._head = False
        self._parser = SseParser()
        self._closed: asyncio.Future = asyncio.get_running_loop().create_future()  # why it ended
        self._transport: asyncio.Transport | None = None
        self.task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        phone = self.phone
        loop = asyncio.get_running_loop()
        local = (phone.source, 0) if phone.source else None
        transport, _ = await loop.create_connection(lambda: _Receiver(self), phone.host, phone.port, local_addr=local)
        self._transport = transport  # type: ignore[assignment]
        try:
            transport.write(
                f"GET /pz/api/events?{urlencode({'code': self.code})} HTTP/1.1\r\n"
                f"Host: {phone.host}:{phone.port}\r\nAccept: text/event-stream\r\n\r\n".encode()
            )
            raise await self._closed
        finally:
            transport.close()

    def _received(self, data: bytes) -> None:
        self._buffer += data
        if not self._head:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status = int(self._buffer.split(b" ", 2)[1])
            if status != 200:
                self._end(ConnectionError(f"events: HTTP {status}"))
                return
            self._buffer, self._head = self._buffer[end + 4 :], True
        while (line_end := self._buffer.find(b"\r\n")) >= 0:  # chunked body: "size\r\ndata\r\n"
            size = int(self._buffer[:line_end].split(b";")[0].strip(), 16)
            if size == 0:
                self._end(ConnectionError("the server ended the stream"))
                return
            if len(self._buffer) < line_end + 2 + size + 2:
                return
            chunk = self._buffer[line_end + 2 : line_end + 2 + size]
            self._buffer = self._buffer[line_end + 4 + size :]
            for event, data in self._parser.feed(chunk):
                if event == "items":
                    self._items(json.loads(data))

    def _items(self, message: dict) -> None:
        self.arrived[message["version"]] = (time.perf_counter(), message["items"])
        if not self.first.done():
            self.first.set_result(message["version"])
        if self.watch and any(i["id"] == self.watch[0] for i in message["items"]) and not self.watch[1].done():
            self.watch[1].set_result(time.perf_counter())

    def _end(self, error: Exception) -> None:
        if not self._closed.done():
            self._closed.set_result(error)
        if self._transport is not None:
            self._transport.close()

    @property
    def connected(self) -> bool:
        return not self.task.done()


class _Receiver(asyncio.Protocol):
    """Hands what arrives on a listener's connection to it."""

    def __init__(self, listener: Listener):
        self.listener = listener

    def data_received(self, data: bytes) -> None:
        self.listener._received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.listener._end(exc or ConnectionError("connection closed"))


async def _join(phone: Phone, code: str, gate: asyncio.Semaphore) -> float:
    async with gate:
        started = time.perf_counter()
        page = await phone.request("GET", f"/?{urlencode({'code': code})}")
        joined = await phone.request("POST", "/pz/api/join", {"code": code})
        registered = await phone.request("POST", "/pz/api/register", {"code": code, "name": f"Telefoon {phone.number}"})
        if (page.status, joined.status, registered.status) != (200, 200, 200):
            raise RuntimeError(
                f"phone {phone.number}: {page.status} {joined.status} {registered.status} {registered.body[:200]!r}"
            )
        return time.perf_counter() - started


async def _write(
    phone: Phone,
    code: str,
    rounds: int,
    offsets: list[float],
    started: float,
    latencies: list[float],
    errors: list[str],
    meeting: int = MEETING,
) -> dict:
    final: dict = {}
    for n, offset in enumerate(offsets):
        await asyncio.sleep(max(0.0, started + offset - time.perf_counter()))
        last = n == len(offsets) - 1
        values = form_values(n, last)
        body = {"code": code, "meeting": meeting, "form": FORM, "values": values}
        sent = time.perf_counter()
        try:
            response = await phone.request("POST", "/pz/api/submit" if last else "/pz/api/draft", body)
        except (ConnectionError, OSError, asyncio.IncompleteReadError) as exc:
            errors.append(repr(exc))
            continue
        latencies.append(time.perf_counter() - sent)
        if response.status != 200 or (last and response.json().get("status") != "submitted"):
            errors.append(f"{response.status} {response.body[:200]!r}")
        if last:
            final = values
    return final


async def crowd(
    port: int,
    db_url: str,
    code: str,
    training_id: int,
    phones_n: int,
    hold_s: float,
    write_s: float,
    figures: RoomFigures,
    say,
    server_pid: int,
) -> None:
    """Join ``phones_n`` phones, hold them on the push channel, open a form, write, check the store."""
    from pztraining.content import load_form
    from pztraining.domain.forms import form_spec, validate_answers
    from pztraining.services import forms, participation
    from pztraining.store import Store

    phones = [Phone("127.0.0.1", port, n) for n in range(phones_n)]
    gate = asyncio.Semaphore(50)  # phones arrive over a few seconds, not all in one millisecond
    figures.join = list(await asyncio.gather(*(_join(p, code, gate) for p in phones)))
    for phone in phones:
        phone.close()  # writes come minutes later, on a new connection
    figures.joined = len(phones)
    say(f"  {len(phones)} phones joined and registered; join p95 {duration(percentile(figures.join, 95))}")
    listeners = [Listener(p, code) for p in phones]
    await asyncio.wait_for(asyncio.gather(*(x.first for x in listeners)), 120)
    say(f"  {len(listeners)} phones on the push channel; holding {hold_s / 60:.1f} min")
    await asyncio.sleep(hold_s)
    figures.held_minutes = hold_s / 60
    figures.connected_after_hold = sum(x.connected for x in listeners)

    loop = asyncio.get_running_loop()
    for listener in listeners:
        listener.watch = (FORM, loop.create_future())
    store = Store(db_url)
    opened = time.perf_counter()
    await asyncio.to_thread(
        forms.open_form, store, training_id, MEETING, FORM, False, datetime.now(UTC), form_spec(load_form(FORM))
    )
    done, _ = await asyncio.wait([x.watch[1] for x in listeners], timeout=60)
    figures.push = [x.watch[1].result() - opened if x.watch[1].done() else math.inf for x in listeners]
    say(f"  form opened: pushed to {len(done)} phones, p95 {duration(percentile(figures.push, 95))}")

    rng = random.Random(11)
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter() + 0.5
    cpu = cpu_seconds(server_pid)
    finals = await asyncio.gather(
        *(_write(p, code, 11, write_times(rng, 11, write_s), started, latencies, errors) for p in phones)
    )
    figures.writes, figures.write_errors = latencies, len(errors)
    figures.write_cpu = (cpu_seconds(server_pid) - cpu) / len(latencies)
    if errors:
        say(f"  {len(errors)} writes refused, e.g. {errors[0]}")
    for phone in phones:
        phone.close()
    for listener in listeners:
        listener.task.cancel()

    def check() -> None:
        training = store.find_training(training_id)
        figures.stored = store.response_counts(training_id, MEETING).get(FORM, 0)
        figures.distinct = len(store.respondents(training_id, MEETING, FORM))
        for phone, values in zip(phones, finals):
            person = participation.me(store, training, phone.secret)
            key = f"p:{person.id}"
            expected = validate_answers(load_form(FORM), values).values
            figures.matching += store.load_submission(training_id, MEETING, FORM, key) == expected
            figures.drafts_left += store.load_draft(training_id, MEETING, FORM, key) is not None

    await asyncio.to_thread(check)
    store.close()


def bench_new(
    folder: Path, chromium: str | None, page_phones: int, phones: int, minutes: float, write_s: float, say
) -> RoomFigures:
    """The room server: pages at once, one phone in Chromium, the crowd; memory throughout."""
    from pztraining.serving import server
    from pztraining.store import Store

    db_url = f"sqlite:///{folder / 'room.db'}"
    store = Store(db_url)
    training = store.add_training("Bench", PROGRAM, datetime.now(UTC))
    store.close()
    port = free_port()
    env = dict(os.environ, PZTRAINING_DB=db_url, JUPYTER_CONFIG_DIR=str(folder / "jupyter"))
    room = start(
        server.room_command(server.notebooks_dir() / "facilitator.ipynb", "127.0.0.1", port),
        env,
        folder / "room.log",
        port,
    )
    figures = RoomFigures()
    memory = MemoryWatch(room.process.pid)
    try:
        path = f"/?{urlencode({'code': training.join_code})}"
        asyncio.run(pages_at_once("127.0.0.1", port, path, 5, 10))  # the first request imports a few modules
        cpu = cpu_seconds(room.process.pid)
        figures.html = asyncio.run(pages_at_once("127.0.0.1", port, path, page_phones, OLD_DEADLINE_S))
        figures.html_cpu = (cpu_seconds(room.process.pid) - cpu) / page_phones
        say(
            f"  room server, {page_phones} pages at once: {spread(figures.html)}; "
            f"server CPU {duration(figures.html_cpu)} a page"
        )
        if chromium:
            figures.usable = time_to_name_field(chromium, f"http://127.0.0.1:{port}{path}")
            say(f"  room server in Chromium: name field usable after {', '.join(duration(x) for x in figures.usable)}")
        if phones:
            asyncio.run(
                crowd(
                    port,
                    db_url,
                    training.join_code,
                    training.id,
                    phones,
                    minutes * 60,
                    write_s,
                    figures,
                    say,
                    room.process.pid,
                )
            )
    finally:
        figures.peak_mb = memory.stop()
        room.stop()
    return figures


# ------------------------------------------------------------------------------ the old page


@dataclass
class OldFigures:
    html: list[float] = field(default_factory=list)
    usable: list[float] = field(default_factory=list)
    kernel_mb: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    kernels: int = 0


def _old(tree: Path, env: dict, code: str) -> str:
    """Run ``code`` with the old package (from its folder: the checkout's own must not be found
    first); its last printed line."""
    done = subprocess.run(
        [sys.executable, "-c", code], env=dict(env, PYTHONPATH=str(tree)), cwd=tree, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"old code failed:\n{done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


def _wait_for_kernels(pid: int, count: int, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while len(kernel_pids(pid)) < count and time.monotonic() < deadline:
        time.sleep(0.5)


def bench_old(folder: Path, chromium: str | None, phones: int, say) -> OldFigures:
    """The old participant page (Voila, a kernel per phone, a preheated pool of 4)."""
    repo = Path(__file__).resolve().parent.parent
    tree = folder / "old"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", OLD_COMMIT, "pztraining", "notebooks"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    db_url = f"sqlite:///{folder / 'old.db'}"
    env = dict(os.environ, PZTRAINING_DB=db_url, JUPYTER_CONFIG_DIR=str(folder / "jupyter-old"))
    env.pop("PYTHONPATH", None)
    code = _old(
        tree,
        env,
        "from datetime import datetime, timezone; from pztraining.store import Store; "
        f"print(Store({db_url!r}).add_training('Bench', {PROGRAM!r}, datetime.now(timezone.utc)).join_code)",
    )
    port = free_port()
    command = json.loads(
        _old(
            tree,
            env,
            "import json; from pztraining import server; print(json.dumps("
            f"server.participant_command(server.notebooks_dir() / 'participant.ipynb', "
            f"'127.0.0.1', {port}, 4)))",
        )
    )
    old = start(command, dict(env, PYTHONPATH=str(tree)), folder / "old.log", port, cwd=tree)
    figures = OldFigures()
    memory = MemoryWatch(old.process.pid)
    try:
        path = f"/?{urlencode({'code': code})}"
        _wait_for_kernels(old.process.pid, 4)
        time.sleep(15)  # the pool renders the notebook in its kernels before anyone asks
        if chromium:
            figures.usable = time_to_name_field(chromium, f"http://127.0.0.1:{port}{path}")
            say(f"  old page in Chromium: name field usable after {', '.join(duration(x) for x in figures.usable)}")
            _wait_for_kernels(old.process.pid, len(figures.usable) + 4)
            time.sleep(15)
        figures.html = asyncio.run(pages_at_once("127.0.0.1", port, path, phones, OLD_DEADLINE_S))
        say(f"  old page, {phones} pages at once: {spread(figures.html)}")
        time.sleep(3)
        kernels = kernel_pids(old.process.pid)
        figures.kernels = len(kernels)
        figures.kernel_mb = [rss_mb(pid) for pid in kernels]
    finally:
        figures.peak_mb = memory.stop()
        old.stop()
    return figures


# ------------------------------------------------------------------------------ the table


def table(new: RoomFigures, old: OldFigures | None, args) -> list[str]:
    """One Markdown table: what, old page, room server, goal, met."""
    rows = []
    n_old = args.old_phones

    def add(what: str, old_text: str, new_text: str, goal: str, met: str) -> None:
        rows.append((what, old_text, new_text, goal, met))

    not_run = "not run"
    if new.html:
        late_old = sum(math.isinf(x) for x in old.html) if old and old.html else 0
        old_text = (
            (
                f"{n_old} phones: {spread(old.html)}"
                + (f" ({late_old} not there after {OLD_DEADLINE_S:.0f} s)" if late_old else "")
            )
            if old and old.html
            else not_run
        )
        p95 = percentile(new.html, 95)
        add(
            "phones open the page at the same moment: whole HTML p50 / p95 / max",
            old_text,
            f"{len(new.html)} phones: {spread(new.html)} (server CPU {duration(new.html_cpu)} a page)",
            "p95 ≤ 50 ms at 200",
            verdict(p95, GOAL_HTML_P95_S),
        )
    if new.usable:
        old_text = f"{duration(median(old.usable))} (median of {len(old.usable)})" if old and old.usable else not_run
        add(
            f"one phone in Chromium ({VIEWPORT['width']}×{VIEWPORT['height']}, CPU {CPU_SLOWDOWN}× slower): "
            "open → name field accepts input",
            old_text,
            f"{duration(median(new.usable))} (median of {len(new.usable)})",
            "≤ 1.0 s",
            verdict(median(new.usable), GOAL_USABLE_S),
        )
    kernel = f"~{median(old.kernel_mb):.0f} MB each, measured" if old and old.kernel_mb else "~80 MB each"
    na = f"n/a (a kernel per phone: {kernel})"
    if new.joined:
        n = new.joined
        add(
            f"{n:,} phones join (page, join, register; 50 at a time): per phone p50 / p95 / max",
            na,
            spread(new.join),
            "",
            "",
        )
        add(
            f"{n:,} phones on the push channel, held {new.held_minutes:.1f} min: still connected",
            na,
            f"{new.connected_after_hold:,} of {n:,}",
            f"{n:,}",
            verdict(n - new.connected_after_hold, 0),
        )
        add(
            'trainer opens a form → "items" event on each phone: p50 / p95 / max',
            na,
            spread(new.push),
            "p95 ≤ 3 s",
            verdict(percentile(new.push, 95), GOAL_PUSH_P95_S),
        )
        add(
            f"each phone: 10 drafts + 1 submit within {args.write_seconds:.0f} s: write latency p50 / p95 / max",
            na,
            spread(new.writes)
            + (f"; {new.write_errors} refused" if new.write_errors else "")
            + f" (server CPU {duration(new.write_cpu)} a write; {11 * n / args.write_seconds:.0f} writes/s asked)",
            "p95 ≤ 100 ms (SQLite)",
            verdict(percentile(new.writes, 95), GOAL_WRITE_P95_S) if not new.write_errors else "not met",
        )
        all_ok = new.stored == new.distinct == new.matching == n and not new.drafts_left
        add(
            "stored: submissions / distinct phones / answers as last sent / drafts left",
            na,
            f"{new.stored:,} / {new.distinct:,} / {new.matching:,} / {new.drafts_left}",
            f"{n:,} / {n:,} / {n:,} / 0",
            "met" if all_ok else "not met",
        )
    old_memory = (
        f"{n_old} phones: peak {old.peak_mb:,.0f} MB, {old.kernels} kernels of ~{median(old.kernel_mb):.0f} MB"
        if old and old.kernel_mb
        else not_run
    )
    add(
        "server memory (RSS of the server and its children), peak during the run",
        old_memory,
        f"{new.peak_mb:,.0f} MB",
        "≤ 300 MB",
        verdict(new.peak_mb, GOAL_MEMORY_MB),
    )
    header = (
        "what",
        f"old page ({OLD_COMMIT}: Voila, kernel per phone, pool 4)",
        "room server",
        "goal (room server)",
        "",
    )
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(5)]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    return [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [line(r) for r in rows]


def bench_room(args, say=print) -> list[str]:
    """Run both sides and return the table's lines (also printed)."""
    raise_open_files(4 * args.phones + 1024)
    machine = (
        f"{os.cpu_count()} cores · Python {sys.version.split()[0]} · the simulated phones (one asyncio "
        "process) and Chromium run on the same machine as the server"
    )
    say(f"room benchmark · {machine}")
    chromium = None if args.no_browser else args.chromium
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        say("room server (handlers, no kernel per phone):")
        new = bench_new(folder, chromium, args.page_phones, args.phones, args.minutes, args.write_seconds, say)
        old = None
        if not args.no_old:
            say(f"old page ({OLD_COMMIT}):")
            old = bench_old(folder, chromium, args.old_phones, say)
    lines = [f"\nPhones in the room · {machine}", *table(new, old, args)]
    say("\n".join(lines))
    return lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--minutes",
        type=float,
        default=0.5,
        help="how long 1,000 phones stay connected before the form opens (full run: 10)",
    )
    parser.add_argument("--phones", type=int, default=1000, help="phones joined and connected (0: skip)")
    parser.add_argument("--page-phones", type=int, default=200, help="phones opening the room page at once")
    parser.add_argument("--old-phones", type=int, default=20, help="phones opening the old page at once")
    parser.add_argument("--write-seconds", type=float, default=60.0, help="the drafts and submits spread over this")
    parser.add_argument("--no-old", action="store_true", help="skip the old page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    parser.add_argument("--no-browser", action="store_true", help="skip Chromium")
    parser.add_argument("--chromium", default=os.environ.get("PZ_CHROMIUM", "/usr/bin/chromium"))
    bench_room(parser.parse_args(), lambda text: print(text, flush=True))


if __name__ == "__main__":
    main()
