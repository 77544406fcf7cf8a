"""Hosted for an organisation: JupyterHub with 5 trainings running at once, 20 phones each.

The set-up is the real-parts test's (tests/hub/): a JupyterHub with configurable-http-proxy
and the config ``pztraining hub --config`` prints, on a throwaway PostgreSQL cluster, with the
room service in ``--copies`` copies. Five trainers log in through the hub (each gets a
single-user server and a Draaiboek kernel); each training opens the evaluation; 20 phones per
training open the participants' page through the hub's proxy, join, and send 3 drafts and the
evaluation spread over ``--seconds``. Printed: p95 page and submit latency, what was stored,
and the memory of everything (hub, proxy, single-user servers and kernels, room services,
PostgreSQL). Written to ``benchmarks/results-hub.txt``.

Usage: ``python benchmarks/hub.py [--trainings 5] [--phones 20] [--seconds 60] [--copies 2]``,
or ``python benchmarks/run.py --only hub``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' hub and PostgreSQL helpers

import room  # benchmarks/room.py: the simulated phone and its HTTP by hand
from pztraining.services import forms

PREFIX = "/services/room/"
PASSWORD = "bench-wachtwoord-1"
RESULTS = Path(__file__).resolve().parent / "results-hub.txt"


def log_in_and_open_draaiboek(hub_url: str, name: str, timeout: float = 300) -> float:
    """Log ``name`` in through the hub's form and render the Draaiboek once (its kernel stays); seconds."""
    import requests

    started = time.perf_counter()
    session = requests.Session()
    session.get(f"{hub_url}/hub/login", timeout=30)
    xsrf = session.cookies.get("_xsrf", path="/hub/")
    reply = session.post(
        f"{hub_url}/hub/login", data={"username": name, "password": PASSWORD, "_xsrf": xsrf}, timeout=60
    )
    reply.raise_for_status()
    if "/hub/login" in reply.url:
        raise RuntimeError(f"{name}: login refused ({reply.status_code} {reply.url})")
    app = f"{hub_url}/user/{name}/voila/render/trainer.ipynb"
    deadline, page = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        page = session.get(app, timeout=timeout)
        if page.url.startswith(app) and page.status_code == 200 and "voila" in page.text:
            return time.perf_counter() - started
        time.sleep(2)
    seen = f"{page.status_code} {page.url} {page.text[:300]!r}" if page is not None else ""
    raise RuntimeError(f"{name}: the Draaiboek did not open within {timeout} s: {seen}")


async def phone_session(
    host: str,
    port: int,
    code: str,
    number: int,
    seconds: float,
    rng: random.Random,
    pages: list[float],
    submits: list[float],
    drafts: list[float],
    errors: list[str],
) -> None:
    """One phone: open the page, join, register, fetch the form, 3 drafts, the submit."""
    phone = room.Phone(host, port, number)
    await asyncio.sleep(rng.uniform(0, seconds / 4))  # phones arrive over the first quarter
    sent = time.perf_counter()
    page = await phone.request("GET", f"{PREFIX}?{urllib.parse.urlencode({'code': code})}")
    pages.append(time.perf_counter() - sent)
    joined = await phone.request("POST", f"{PREFIX}pz/api/register", {"code": code, "name": f"Telefoon {number}"})
    if (page.status, joined.status) != (200, 200):
        errors.append(f"join {page.status} {joined.status} {joined.body[:120]!r}")
        return
    query = urllib.parse.urlencode({"code": code, "meeting": room.MEETING, "form": room.FORM})
    form = await phone.request("GET", f"{PREFIX}pz/api/form?{query}")
    if form.status != 200:
        errors.append(f"form {form.status}")
        return
    offsets = sorted(rng.uniform(seconds / 4, seconds) for _ in range(4))
    started = time.perf_counter()
    for n, offset in enumerate(offsets):
        await asyncio.sleep(max(0.0, started + offset - seconds / 4 - time.perf_counter()))
        last = n == len(offsets) - 1
        body = {"code": code, "meeting": room.MEETING, "form": room.FORM, "values": room.form_values(n, last)}
        sent = time.perf_counter()
        reply = await phone.request("POST", f"{PREFIX}pz/api/{'submit' if last else 'draft'}", body)
        (submits if last else drafts).append(time.perf_counter() - sent)
        if reply.status != 200:
            errors.append(f"{'submit' if last else 'draft'} {reply.status} {reply.body[:120]!r}")
    phone.close()


async def crowd(host: str, port: int, codes: list[str], phones: int, seconds: float) -> dict:
    figures: dict = {"pages": [], "submits": [], "drafts": [], "errors": []}
    rng = random.Random(13)
    await asyncio.gather(
        *(
            phone_session(
                host,
                port,
                code,
                t * phones + n + 1,
                seconds,
                rng,
                figures["pages"],
                figures["submits"],
                figures["drafts"],
                figures["errors"],
            )
            for t, code in enumerate(codes)
            for n in range(phones)
        )
    )
    return figures


def memory_mb(pids: list[int]) -> float:
    return sum(room.rss_mb(pid) for pid in pids)


def postgres_pids(cluster) -> list[int]:
    """The cluster's postmaster and its backends."""
    postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
    return [postmaster, *room.process_tree(postmaster)[1:]] if postmaster else []


def bench_hub(args, say=print) -> list[str]:
    from pztraining.content import load_form
    from pztraining.domain.forms import form_spec
    from pztraining.store import Store
    from tests.hub.conftest import start_hub, stop_hub
    from tests.postgres import Cluster, find_bin

    cluster = Cluster(find_bin())
    lines: list[str] = []
    try:
        db_url = cluster.new_database()
        with tempfile.TemporaryDirectory() as tmp:
            room.raise_open_files(4096)
            started = time.perf_counter()
            hub = start_hub(Path(tmp), db_url, room_copies=args.copies)
            say(f"  hub up with {args.copies} room copies in {time.perf_counter() - started:.0f} s")
            try:
                store = Store(db_url)
                now = datetime.now(UTC)
                names = [f"trainer{n + 1}" for n in range(args.trainings)]
                codes = []
                spec = form_spec(load_form(room.FORM))
                for n, name in enumerate(names):
                    store.add_user(name, "trainer", f"Organisatie {n + 1}")
                    training = store.add_training(
                        f"Training {n + 1}", room.PROGRAM, now, organisation=f"Organisatie {n + 1}"
                    )
                    forms.open_form(store, training.id, room.MEETING, room.FORM, False, now, spec=spec)
                    codes.append(training.join_code)
                import requests  # noqa: F401 - fail early when missing (a dependency of jupyterhub)

                # FirstUseAuthenticator: the first login sets the password.
                logins = [log_in_and_open_draaiboek(hub.url, name) for name in names]
                median = sorted(logins)[len(logins) // 2]
                say(f"  {len(names)} trainers logged in, Draaiboek open: median {median:.0f} s")
                host, port = urllib.parse.urlsplit(hub.url).hostname, urllib.parse.urlsplit(hub.url).port
                figures = asyncio.run(crowd(host, port, codes, args.phones, args.seconds))
                pids = [hub.process.pid, *hub.processes()]
                mem_hub = memory_mb(pids)
                mem_pg = memory_mb(postgres_pids(cluster))
                counts = [
                    store.response_counts(store.find_training_by_code(code).id, room.MEETING).get(room.FORM, 0)
                    for code in codes
                ]
                store.close()
                by_kind = {"single-user servers + kernels": 0.0, "room services": 0.0, "hub + proxy": 0.0}
                for pid in pids:
                    command = room_command_line(pid)
                    kind = (
                        "room services"
                        if "pztraining.serving.room" in command
                        else "single-user servers + kernels"
                        if ("singleuser" in command or "ipykernel" in command)
                        else "hub + proxy"
                    )
                    by_kind[kind] += room.rss_mb(pid)
            finally:
                stop_hub(hub)
    finally:
        cluster.stop()
    phones = args.trainings * args.phones
    rows = [
        ("phones (trainings × phones)", f"{args.trainings} × {args.phones} = {phones}", ""),
        (
            "page through the hub's proxy, p95",
            room.duration(room.percentile(figures["pages"], 95)),
            room.spread(figures["pages"]),
        ),
        ("draft, p95", room.duration(room.percentile(figures["drafts"], 95)), room.spread(figures["drafts"])),
        ("submit, p95", room.duration(room.percentile(figures["submits"], 95)), room.spread(figures["submits"])),
        ("evaluations stored", f"{sum(counts)} of {phones}", f"per training {counts}"),
        ("errors", str(len(figures["errors"])), "; ".join(figures["errors"][:3])),
        *[(f"memory: {kind}", f"{mb:.0f} MB", "") for kind, mb in by_kind.items()],
        ("memory: PostgreSQL", f"{mem_pg:.0f} MB", ""),
        ("memory: total", f"{mem_hub + mem_pg:.0f} MB", "RSS summed (shared pages counted per process)"),
    ]
    width = max(len(r[0]) for r in rows)
    lines = [
        f"JupyterHub + {args.copies} room copies + PostgreSQL · {os.cpu_count()} cores · "
        f"{args.trainings} trainings at once, {args.phones} phones each, writes over {args.seconds:.0f} s",
        "",
    ]
    lines += [f"| {'what':<{width}} | value | spread |", "|---|---:|---|"]
    lines += [f"| {what:<{width}} | {value} | {spread} |" for what, value, spread in rows]
    for line in lines:
        say(line)
    RESULTS.write_text("\n".join(lines) + "\n")
    return lines


def room_command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--trainings", type=int, default=5, help="trainings running at once (hub part)")
    parser.add_argument(
        "--hub-phones", dest="phones_per_training", type=int, default=20, help="phones per training (hub part)"
    )
    parser.add_argument(
        "--hub-seconds",
        dest="hub_seconds",
        type=float,
        default=60.0,
        help="the phones' drafts and submits spread over this (hub part)",
    )
    parser.add_argument(
        "--copies",
        type=int,
        default=1,
        help="room service copies (hub part; the hub's proxy routes phones to the first)",
    )


def hub_args(args) -> argparse.Namespace:
    return argparse.Namespace(
        trainings=args.trainings, phones=args.phones_per_training, seconds=args.hub_seconds, copies=args.copies
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_arguments(parser)
    bench_hub(hub_args(parser.parse_args()), lambda text: print(text, flush=True))


if __name__ == "__main__":
    main()
