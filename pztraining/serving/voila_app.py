"""Our Voila servers: the trainer's (apps and slide decks) and the room's (phones and tablets).

Both add the same security headers to every response and keep tokens out of their logs.
The trainer server (:class:`DecksVoila`) also serves the built slide decks at ``/pz/dia/``,
behind the same token as its pages. The room server lives in :mod:`pztraining.serving.room.app`.
"""

from __future__ import annotations

import os

from jupyter_server.base.handlers import AuthenticatedFileHandler
from jupyter_server.utils import url_path_join
from traitlets import List, Unicode, default
from voila.app import Voila

from pztraining.core import settings
from pztraining.reports.slides import SLIDES_ROUTE
from pztraining.serving import voila_page
from pztraining.serving.web_errors import DutchErrors, NotFoundHandler, dutch_errors
from pztraining.serving.web_security import SAME_SITE, guard_hosts, redact_logs, security_headers


class PzVoila(voila_page.PzPages, Voila):
    """Voila with our security headers on every response, no secrets in its log, and our page."""

    #: Paths (under the server's base URL) that get the strict participants' policy.
    strict_paths: tuple[str, ...] = ()
    #: Referrer-Policy of every response.
    referrer_policy = "same-origin"

    allowed_hosts = List(
        Unicode(),
        default_value=["*"],
        config=True,
        help=(
            "Host names and addresses this server answers besides localhost and loopback addresses; "
            "other Host headers get a 403 (DNS rebinding). '*' answers any host."
        ),
    )

    def init_handlers(self) -> list:
        # Voila builds the tornado application just before asking for the handlers.
        strict = tuple(url_path_join(self.server_url, p) for p in self.strict_paths)
        self.app.add_transform(security_headers(strict, self.referrer_policy, settings.current().instance))
        self.app.settings["xsrf_cookie_kwargs"] = {**self.app.settings.get("xsrf_cookie_kwargs", {}), **SAME_SITE}
        if getattr(self, "identity_provider", None) is not None:  # the cookie a token login sets
            self.identity_provider.cookie_options = {**self.identity_provider.cookie_options, **SAME_SITE}
        if "*" not in self.allowed_hosts:
            guard_hosts(self.app, self.allowed_hosts, self.log)
        redact_logs(self.log)
        # Voila's and jupyter_server's handlers get Dutch error, login and logout pages.
        return dutch_errors(super().init_handlers())


class DeckFileHandler(DutchErrors, AuthenticatedFileHandler):
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


def trainer_handlers(base_url: str, slides_dir: str) -> list:
    """The trainer's own pages besides the apps: the beamer page and (with ``slides_dir``) the decks.

    Used by :class:`DecksVoila` on the laptop and by the hub's single-user server extension
    (:mod:`pztraining.serving.hub_server`); both answer only a logged-in trainer (token or hub login).
    """
    from pztraining.serving.room.beamer import ROOM_PAGE, RoomPageHandler

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

    @default("allowed_hosts")
    def _local_only(self) -> list[str]:
        # Tokenless on 127.0.0.1: only this computer's own names; `serve` adds what it printed.
        return []

    def init_handlers(self) -> list:
        # First in the list: tornado takes the first pattern that matches; last a Dutch 404.
        return (
            trainer_handlers(self.server_url, self.slides_dir)
            + super().init_handlers()
            + [(url_path_join(self.server_url, ".*"), NotFoundHandler)]
        )


main = DecksVoila.launch_instance

if __name__ == "__main__":
    main()
