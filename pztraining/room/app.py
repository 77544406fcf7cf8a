"""The room server: one process on the room's network for phones and facilitators' tablets.

* Phones (``/``, ``/pz/api/…``, ``/pz/static/…``) are served by handlers of this process:
  a phone costs a connection and a few queries, never a kernel.
* Facilitators' tablets open ``/rollenspel?f=CODE``: the Rollenspel notebook in Voila's
  single-notebook mode, one kernel per tablet (a few per room). The code is checked here,
  before a kernel starts, and again in the kernel, which then shows only that meeting.
  Every other path is a 404: the trainer, results and case pages do not exist here.
"""

from __future__ import annotations

import os
import sys
from functools import partial
from html import escape

from jupyter_server.utils import url_path_join
from tornado import web
from traitlets import default
from voila.tornado.handler import TornadoVoilaHandler

from .. import voila_page
from ..links import FACILITATOR_PATH
from ..store import Store, StoreError
from ..texts import t
from ..voila_app import PzVoila
from .handlers import MAX_BODY_BYTES, Room, handlers

#: Tornado reads at most this much of any request body (the JSON endpoints allow less).
SERVER_MAX_BODY = 4 * MAX_BODY_BYTES
#: How long a phone's write waits for a busy database before the phone is told to try again.
PHONE_BUSY_SECONDS = 4.0


class FacilitatorHandler(TornadoVoilaHandler):
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
            self.finish(_plain_page(t("room.facilitator.denied")))
            return
        voila_page.give_xsrf_cookie(self)  # so that leaving the page can stop its kernel
        await super().get(path=None)


def _plain_page(message: str) -> str:
    return ("<!doctype html><html lang='nl'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{escape(t('room.title'))}</title></head><body><p>{escape(message)}</p></body></html>")


class NotFoundHandler(web.RequestHandler):
    """Any other path: a Dutch 404 (there are no trainer pages here to find)."""

    def prepare(self) -> None:
        self.set_status(404)
        self.finish(_plain_page(t("room.error.not_found")))


class RoomVoila(PzVoila):
    """Voila in single-notebook mode (the Rollenspel page) with the participants' handlers."""

    strict_paths = ("/",)
    referrer_policy = "no-referrer"  # facilitator codes are in URLs here

    @default("base_url")
    def _default_base_url(self) -> str:
        # As a JupyterHub service the proxy passes /services/NAME/... on unchanged.
        return os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")

    def init_handlers(self) -> list:
        voila_routes = super().init_handlers()
        # A phone should hear "busy" within seconds (its page keeps the answers and sends
        # again) rather than hold one of the few store threads for the full window.
        store = Store.open(busy_seconds=PHONE_BUSY_SECONDS)
        self.room = Room.open(store)
        # Every body is small here; refuse big ones before they are read into memory.
        # Behind the hub's proxy (and nginx) every phone would be 127.0.0.1 to the wrong-code
        # limiter: take the client's address from X-Real-IP / X-Forwarded-For there.
        behind_proxy = bool(os.environ.get("JUPYTERHUB_SERVICE_PREFIX"))
        self.app.listen = partial(self.app.listen, max_body_size=SERVER_MAX_BODY, xheaders=behind_proxy)
        base = url_path_join(self.server_url, "/")
        # Our cookie only (the hub and the trainers' servers on the same host set their own _xsrf).
        self.app.settings["xsrf_cookie_kwargs"] = {"path": base}
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


def main() -> None:
    os.environ["PZTRAINING_ROOM"] = "1"  # the facilitator kernels check the code themselves too
    try:
        RoomVoila.launch_instance()
    except StoreError as exc:  # started on its own (a hub service): one Dutch sentence, no traceback
        print(t("cli.error", message=exc), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
