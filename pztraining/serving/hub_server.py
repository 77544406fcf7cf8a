"""A trainer's single-user server under JupyterHub: what it may not do, and what it adds.

It may not change files. It adds what the laptop's trainer server has besides the apps:
the slide decks at ``<base_url>pz/dia/`` and the beamer page at ``<base_url>pz/zaal/``, behind
the hub's login, and Voila's pages use the package's template, which loads nothing from outside
the server. :class:`TrainerServerApp` is the jupyter_server extension that does this (enabled in
the printed config as ``pztraining.serving.hub_server``).

The server shows the package's app notebooks in Voila. Its REST API (jupyter_server) would
let a logged-in trainer write a notebook next to them and have Voila run it; this contents
manager refuses every write. Together with ``MappingKernelManager.allowed_message_types``
(set in the printed config: widget messages only, no ``execute_request``) a trainer cannot
run code of their own in the kernel. See the README, "What a trainer can still reach".
"""

from __future__ import annotations

import logging
import signal
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlparse

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.extension.application import ExtensionApp
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.web import HTTPError
from traitlets import Int

from pztraining.core.errors import PztrainingError
from pztraining.core.settings import current, hand_down
from pztraining.core.texts import t
from pztraining.reports import slides

log = logging.getLogger(__name__)

#: What Voila's page handler (and nothing else) puts in a kernel's environment: the page's URL.
VOILA_REQUEST_URL = "VOILA_REQUEST_URL"
#: The package's apps: the only notebooks a kernel is started for.
APPS_DIR = Path(__file__).resolve().parent.parent / "notebooks"


def app_of(env: dict | None) -> str | None:
    """The app notebook a kernel is being started for, from the kernel's environment; None when
    it is not Voila rendering one of the package's apps (the kernel API, the sessions API)."""
    url = (env or {}).get(VOILA_REQUEST_URL)
    if not url:
        return None
    path = unquote(urlparse(url).path)
    marker = "/voila/render/"
    if marker not in path:
        return None
    name = path.rsplit(marker, 1)[1]
    return name if "/" not in name and name.endswith(".ipynb") and (APPS_DIR / name).is_file() else None


class AppKernelManager(AsyncMappingKernelManager):
    """Kernels only for the package's app pages, and at most ``max_kernels`` at once.

    A hub user's server is one user's, so the cap is per user. Voila's page handler starts its
    page's kernel through :meth:`start_kernel` with the page's URL in the kernel's environment;
    ``POST /api/kernels`` passes no such environment and is refused (403), as is a page beyond
    the cap (429: the trainer closes a tab; idle kernels are culled).
    """

    max_kernels = Int(6, config=True, help="Kernels (open app pages) one user's server may run at once.")

    _starting = 0

    async def start_kernel(self, *args, **kwargs):  # type: ignore[override]  # async, as its direct parent
        app = app_of(kwargs.get("env"))
        if app is None:
            log.warning("kernel refused: not started by an app page")
            raise HTTPError(403, reason=t("hub.kernels.no_app"))
        # Counted before the await: pages opened at the same moment cannot all pass the check.
        if len(self.list_kernel_ids()) + self._starting >= self.max_kernels:
            log.warning("kernel refused for %s: %d kernels running", app, len(self.list_kernel_ids()))
            raise HTTPError(429, reason=t("hub.kernels.too_many", limit=self.max_kernels))
        self._starting += 1
        try:
            return await super().start_kernel(*args, **kwargs)
        finally:
            self._starting -= 1


class NoSessionsHandler(JupyterHandler):
    """``/api/sessions``: refused (403). Voila's pages never use it; it exists to start kernels for
    notebooks, which the kernel manager refuses anyway (as a 500 of the sessions API): said plainly."""

    @web.authenticated
    def get(self, *_args) -> None:
        log.warning("sessions API refused: %s %s", self.request.method, self.request.path)
        raise HTTPError(403, reason=t("hub.kernels.no_app"))

    post = patch = delete = get


def _read_only() -> HTTPError:
    text = t("hub.contents.read_only")
    # log_message is what jupyter_server's API puts in the reply's "message"; it is %-formatted
    # without arguments, hence no "%" in the text.
    return HTTPError(403, text, reason=text)


class ReadOnlyContentsManager(AsyncLargeFileManager):
    """The notebooks folder as it was installed: reading yes, writing, renaming, deleting no.

    The refusal's text is Dutch: jupyter_server answers it as the JSON ``message`` and ``reason``
    and as the status line's reason (so the text stays Latin-1: no typographic quotes or ellipsis).
    """

    async def save(self, model, path=""):
        raise _read_only()

    async def delete_file(self, path):
        raise _read_only()

    async def rename_file(self, old_path, new_path):
        raise _read_only()

    async def new_untitled(self, path="", type="", ext=""):  # jupyter_server API
        raise _read_only()

    async def new(self, model=None, path=""):
        raise _read_only()

    async def copy(self, from_path, to_path=None):
        raise _read_only()

    async def create_checkpoint(self, path):
        raise _read_only()


class TrainerServerApp(ExtensionApp):
    """The pztraining extension of a trainer's single-user server (a jupyter_server ``ExtensionApp``).

    Linking (before any extension loads, and before the server builds its tornado settings) makes
    Voila render with our template and without MathJax (no CDN); loading builds the decks when
    their sources changed and adds the beamer page, the decks and Dutch error pages.
    """

    name = "pztraining"
    description = "pztraining: beamer page, slide decks and Dutch pages on a trainer's server"

    def _link_jupyter_server_extension(self, serverapp) -> None:
        super()._link_jupyter_server_extension(serverapp)
        use_offline_voila(serverapp)

    def initialize_settings(self) -> None:
        from pztraining.serving.web_errors import use_dutch_error_templates
        from pztraining.serving.web_security import SAME_SITE

        assert self.serverapp is not None  # linked before initialize
        # The hub stops this server with SIGINT (SIGTERM only 10 s later); a hub started in the
        # background by a script passes SIGINT on ignored, and the trainer's server then held the
        # hub's stop up by 10 s. A SIGINT stops it, always (jupyter_server: "Interrupted...").
        signal.signal(signal.SIGINT, signal.default_int_handler)
        # ExtensionApp copies the web app's settings into self.settings before this and writes
        # them back after it: a change made to the web app's own dict here would be undone.
        settings = self.settings
        # The hub's cookies get SameSite from the printed config; this server's own _xsrf from here.
        settings["xsrf_cookie_kwargs"] = {**settings.get("xsrf_cookie_kwargs", {}), **SAME_SITE}
        # jupyter_server's own error pages (an unknown path, a refused method) in Dutch, without the exception.
        use_dutch_error_templates(settings)

    def initialize_handlers(self) -> None:
        from pztraining.serving.voila_app import trainer_handlers

        folder = fresh_decks(self.log)
        # Handed to the kernels: the Draaiboek links to the deck of its meeting (none: no link).
        hand_down(replace(current(), slides_dir=folder))
        assert self.serverapp is not None  # linked before initialize
        web_app = self.serverapp.web_app
        base_url = web_app.settings["base_url"]
        # trainer_handlers' patterns carry the base URL already (the laptop's server uses them
        # too), so they are added as they are rather than through self.handlers' prefixing.
        web_app.add_handlers(
            ".*$",
            trainer_handlers(base_url, str(folder) if folder is not None else "")
            + [(url_path_join(base_url, r"api/sessions(/.*)?"), NoSessionsHandler)],
        )


def use_offline_voila(serverapp) -> None:
    """Voila's pages on ``serverapp`` render with our template and without MathJax (no CDN).

    Called while linking: Voila's extension reads these when it sets itself up, after every
    extension is linked and before the server builds its tornado settings.
    """
    from pztraining.serving.voila_page import use_template, without_mathjax

    use_template(serverapp.config)
    without_mathjax(serverapp.tornado_settings)


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "pztraining.serving.hub_server", "app": TrainerServerApp}]


def fresh_decks(server_log) -> Path | None:
    """The decks of the current content version, built by the first server that needs them; None
    when there are none to serve.

    Every trainer's server of a hub finds them in the same cache folder (``$PZTRAINING_CACHE``,
    set for all trainers by the printed config): built once per content version, not per trainer.
    A deck that does not build is logged and the server starts anyway, as with ``serve``.
    """
    try:
        folder, problems = slides.fresh_decks()
    except PztrainingError as exc:  # a cache folder that cannot be written
        server_log.warning("pztraining: %s", exc)
        return None
    for problem in problems:
        server_log.warning("pztraining: %s", problem)
    return folder if slides.built_decks(folder) else None
