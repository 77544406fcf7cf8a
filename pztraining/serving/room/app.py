"""The room server: on the room's network for phones and facilitators' tablets (one process per core, :mod:`.workers`).

* Phones (``/``, ``/pz/api/…``, ``/pz/static/…``) are served by handlers of this process:
  a phone costs a connection and a few queries, never a kernel.
* Facilitators' tablets open ``/rollenspel?f=CODE``: the Rollenspel notebook in Voila's
  single-notebook mode, one kernel per tablet (a few per room). The code is checked here,
  before a kernel starts, and again in the kernel, which then shows only that meeting.
  Every other path is a 404: the trainer, results and case pages do not exist here.
* Anonymous answers wait in this process's memory and are stored in batches
  (:mod:`pztraining.services.mixing`); a clean stop stores what still waits.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from dataclasses import replace
from functools import partial
from typing import Any, NoReturn

from jupyter_server.utils import url_path_join
from tornado.ioloop import IOLoop, PeriodicCallback
from tornado.netutil import bind_sockets
from traitlets import Int, default
from voila.tornado.handler import TornadoVoilaHandler

from pztraining.core import settings
from pztraining.core.errors import PztrainingError
from pztraining.core.settings import Context
from pztraining.core.texts import t
from pztraining.domain.links import FACILITATOR_PATH
from pztraining.serving import voila_page
from pztraining.serving.log_repeats import limit_repeats
from pztraining.serving.room.accept import (
    LISTEN_BACKLOG,
    GuardedHTTPServer,
    connections_per_address,
    max_connections,
    raise_descriptor_limit,
)
from pztraining.serving.room.handlers import MAX_BODY_BYTES, Room, handlers
from pztraining.serving.room.streams import STREAMS_PER_ADDRESS, STREAMS_PER_DEVICE, total_streams
from pztraining.serving.room.workers import fork_workers, steer_by_address, worker_count
from pztraining.serving.voila_app import PzVoila
from pztraining.serving.web_errors import DutchErrors, NotFoundHandler, plain_page
from pztraining.store import Store, StoreError

#: Tornado reads at most this much of any request body (the JSON endpoints allow less).
SERVER_MAX_BODY = 4 * MAX_BODY_BYTES
#: How long a phone's write waits for a busy database before the phone is told to try again.
PHONE_BUSY_SECONDS = 4.0
#: How often waiting anonymous answers are looked at (a closed form's rest is stored then; ms).
MIXING_TICK_MS = 1000
#: A connection that sends no request for this long is closed (tornado's default is an hour):
#: a browser opens a new one when it needs it, an abandoned one no longer holds a descriptor.
IDLE_CONNECTION_SECONDS = 75.0


def settle_heap() -> None:
    """Leave what the server loaded at its start out of Python's garbage collection from now on.

    The modules of Voila and Jupyter leave ~250,000 objects behind; every full collection
    walked all of them (160 ms on the event loop, in the middle of the phones' writes, ~0.1 ms
    of CPU a write). They stay for the life of the process anyway.
    """
    gc.collect()
    gc.freeze()


def anonymous_batch_size() -> int:
    """Anonymous answers stored together: the ``anonymous_batch`` setting (at least 1), default 5."""
    return settings.current().anonymous_batch


class FacilitatorHandler(DutchErrors, TornadoVoilaHandler):
    """The Rollenspel page, only with a valid facilitator code (no kernel starts without one)."""

    def initialize(self, **kwargs):
        self.room_store: Store = kwargs.pop("store")
        super().initialize(**kwargs)

    async def get(self, path=None):
        code = self.get_argument("f", "")
        try:
            link = self.room_store.find_facilitator_link(code)
        except StoreError:
            link = None
        if link is None:
            self.set_status(403)
            self.set_header("Cache-Control", "no-store")
            self.finish(plain_page(t("room.facilitator.denied"), t("room.title")))
            return
        voila_page.give_xsrf_cookie(self)  # so that leaving the page can stop its kernel
        await super().get(path=None)


class RoomVoila(PzVoila):
    """Voila in single-notebook mode (the Rollenspel page) with the participants' handlers."""

    strict_paths = ("/",)
    referrer_policy = "no-referrer"  # facilitator codes are in URLs here
    #: The limit of open files (before, now) after :func:`raise_descriptor_limit`.
    descriptors: tuple[int, int] = (0, 0)
    #: Worker processes listening on the port together (``--workers``; see :mod:`.workers`).
    workers: int = 1

    join_days = Int(
        config=True,
        help=(
            "Days after a training's last meeting that its join code still works (then a phone hears, in "
            "Dutch, that the training is over). Default: $PZTRAINING_JOIN_DAYS, else 14. A training whose "
            "last meeting has no date keeps its code."
        ),
    )

    @default("join_days")
    def _default_join_days(self) -> int:
        return settings.current().join_days

    @default("base_url")
    def _default_base_url(self) -> str:
        # As a JupyterHub service the proxy passes /services/NAME/... on unchanged.
        return Context.read().service_prefix or "/"

    def init_handlers(self) -> list:
        voila_routes = super().init_handlers()
        # A phone should hear "busy" within seconds (its page keeps the answers and sends
        # again) rather than hold one of the few store threads for the full window.
        store = Store.open(busy_seconds=PHONE_BUSY_SECONDS)
        self.room = Room.open(store, join_days=self.join_days, batch_size=anonymous_batch_size())
        PeriodicCallback(self.room.store_due_answers, MIXING_TICK_MS).start()
        IOLoop.current().add_callback(settle_heap)  # once everything is loaded and the server listens
        limit_repeats(self.log)
        # Every body is small here; refuse big ones before they are read into memory.
        # Behind the hub's proxy (and nginx) every phone would be 127.0.0.1 to the wrong-code
        # limiter: take the client's address from X-Real-IP / X-Forwarded-For there.
        behind_proxy = bool(Context.read().service_prefix)
        self.app.listen = partial(
            self._listen,
            max_body_size=SERVER_MAX_BODY,
            xheaders=behind_proxy,
            idle_connection_timeout=IDLE_CONNECTION_SECONDS,
            **self._limits(behind_proxy),
        )
        base = url_path_join(self.server_url, "/")
        # Our cookie only (the hub and the trainers' servers on the same host set their own _xsrf).
        self.app.settings["xsrf_cookie_kwargs"] = {**self.app.settings["xsrf_cookie_kwargs"], "path": base}
        routes = handlers(self.room, base)
        for route in voila_routes:
            if issubclass(route[1], TornadoVoilaHandler):  # single-notebook mode's catch-all "/(.*)"
                routes.append((base + FACILITATOR_PATH, FacilitatorHandler, {**route[2], "store": store}))
            elif "/voila/files/" in route[0]:
                continue  # the notebooks' folder has nothing for tablets: a Dutch 404 like any other path
            else:
                routes.append(route)
        routes.append((base + ".*", NotFoundHandler))
        return routes

    def stop(self):
        # A clean stop (SIGTERM, Ctrl+C) stores the anonymous answers still waiting, as one
        # batch per form; a killed server loses them, and the phones send them again.
        room = getattr(self, "room", None)
        if room is not None and room.mixer is not None:
            try:
                room.mixer.flush_all()
            except Exception:  # stopping must go on; the phones still hold them
                self.log.exception("anonymous answers not stored at stop")
        super().stop()

    def _limits(self, behind_proxy: bool) -> dict[str, Any]:
        """Derive the caps from the limit of open files (raised in main), say them once; the
        HTTP server's settings."""
        before, limit = self.descriptors if self.descriptors[1] else raise_descriptor_limit()
        self.room.streams.total = total_streams(limit)
        connections = max_connections(limit)
        # Behind a proxy every connection comes from the proxy: not counted per address.
        per_address = connections if behind_proxy else connections_per_address(connections)
        self.log.info(
            t(
                "room.log.descriptors",
                before=before,
                limit=limit,
                connections=connections,
                connections_per_address=per_address,
                total=self.room.streams.total,
                per_address=STREAMS_PER_ADDRESS,
                per_device=STREAMS_PER_DEVICE,
            )
        )
        return {"max_connections": connections, "per_address": per_address}

    def _listen(self, port: int, address: str | None = None, **settings) -> GuardedHTTPServer:
        # tornado's Application.listen, with an accept loop that never spins out of descriptors.
        server = GuardedHTTPServer(self.app, **settings)
        sockets = bind_sockets(port, address, backlog=LISTEN_BACKLOG, reuse_port=self.workers > 1)
        if self.workers > 1:
            for sock in sockets:
                steer_by_address(sock, self.workers)
        server.add_sockets(sockets)
        return server


def main() -> None:
    # Handed to the facilitator kernels: they check the code themselves too.
    settings.hand_down(replace(settings.current(), room=True))
    # Before anything opens files: every phone's push stream holds a descriptor.
    RoomVoila.descriptors = raise_descriptor_limit()
    chosen = settings.current()
    RoomVoila.workers, sys.argv[1:] = worker_count(
        sys.argv[1:],
        chosen.room_workers,
        behind_proxy=bool(Context.read().service_prefix),
        one_writer=chosen.database_url().startswith("sqlite"),
    )
    try:
        if RoomVoila.workers > 1:
            # Migrate once, before the workers open the store together; then fork (the loaded
            # code is shared): each worker is a whole room server on the same port.
            Store.open().close()
            fork_workers(RoomVoila.workers)
        RoomVoila.launch_instance()
    except PztrainingError as exc:  # started on its own (a hub service): one Dutch sentence, no traceback
        print(t("cli.error", message=exc), file=sys.stderr)
        sys.exit(1)
    exit_now()


def exit_now(status: int = 0) -> NoReturn:
    """Leave at once after a clean stop (SIGINT, SIGTERM): the waiting anonymous answers are
    stored and the kernels stopped by then. Tearing down the interpreter's modules took 2–4 s
    more (a big heap to collect), and JupyterHub polls a stopping service with growing pauses
    (0.1, 0.2, 0.4 … s), so each copy held the hub's stop up by up to 6 s."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


if __name__ == "__main__":
    main()
