"""Our Voila servers: the trainer's (apps and slide decks) and the room's (phones and tablets).

Both add the same security headers to every response and keep tokens out of their logs.
The trainer server (:class:`DecksVoila`) also serves the built slide decks at ``/pz/dia/``,
behind the same token as its pages. The room server lives in :mod:`pztraining.room.app`.
"""

from __future__ import annotations

import os

from jupyter_server.base.handlers import AuthenticatedFileHandler
from jupyter_server.utils import url_path_join
from traitlets import Unicode
from voila.app import Voila

from . import voila_page
from .slides import SLIDES_ROUTE
from .texts import t
from .web_security import redact_logs, security_headers


class PzVoila(voila_page.PzPages, Voila):
    """Voila with our security headers on every response, no secrets in its log, and our page."""

    #: Paths (under the server's base URL) that get the strict participants' policy.
    strict_paths: tuple[str, ...] = ()
    #: Referrer-Policy of every response.
    referrer_policy = "same-origin"

    def init_handlers(self) -> list:
        # Voila builds the tornado application just before asking for the handlers.
        strict = tuple(url_path_join(self.server_url, p) for p in self.strict_paths)
        self.app.add_transform(security_headers(strict, self.referrer_policy))
        redact_logs(self.log)
        return super().init_handlers()


class DeckFileHandler(AuthenticatedFileHandler):
    """A built deck: behind the trainer's token like the apps, and allowed to run its scripts."""

    @property
    def content_security_policy(self) -> str:
        # jupyter_server sandboxes served files; reveal.js needs its own origin (speaker view).
        return "frame-ancestors 'self'; object-src 'none'; base-uri 'self'"

    def check_xsrf_cookie(self) -> None:
        # jupyter_server refuses a file GET without a Referer unless a token came with it; a
        # deck opened from a bookmark or the address bar has none. Reading a deck changes
        # nothing, and who may read it is still checked (the token, or its login cookie).
        return

    def write_error(self, status_code: int, **kwargs) -> None:
        # jupyter_server's error page needs a static_path that Voila does not set: a missing
        # deck would answer an empty page and log a traceback. A plain Dutch line instead.
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(t("room.error.not_found") if status_code == 404 else f"{status_code} {self._reason}")


def trainer_handlers(base_url: str, slides_dir: str) -> list:
    """The trainer's own pages besides the apps: the beamer page and (with ``slides_dir``) the decks.

    Used by :class:`DecksVoila` on the laptop and by the hub's single-user server extension
    (:mod:`pztraining.hub_server`); both answer only a logged-in trainer (token or hub login).
    """
    from .room.beamer import ROOM_PAGE, RoomPageHandler

    handlers: list = [(url_path_join(base_url, ROOM_PAGE), RoomPageHandler)]
    if slides_dir:
        route = url_path_join(base_url, SLIDES_ROUTE, "(.*)")
        # The real path: jupyter_server compares served files with it after resolving links.
        folder = os.path.realpath(slides_dir)
        handlers.insert(0, (route, DeckFileHandler, {"path": folder, "default_filename": "index.html"}))
    return handlers


class DecksVoila(PzVoila):
    """The trainer's Voila, which also serves a folder of built slide decks at ``/pz/dia/``."""

    slides_dir = Unicode("", config=True, help="Folder with the built slide decks (empty: not served).")

    def init_handlers(self) -> list:
        # First in the list: tornado takes the first pattern that matches.
        return trainer_handlers(self.server_url, self.slides_dir) + super().init_handlers()


main = DecksVoila.launch_instance

if __name__ == "__main__":
    main()
