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

import signal
from dataclasses import replace
from pathlib import Path

from jupyter_server.extension.application import ExtensionApp
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado.web import HTTPError

from pztraining.core.errors import PztrainingError
from pztraining.core.settings import current, hand_down
from pztraining.reports import slides
from pztraining.store import default_data_dir


class ReadOnlyContentsManager(AsyncLargeFileManager):
    """The notebooks folder as it was installed: reading yes, writing, renaming, deleting no."""

    async def save(self, model, path=""):
        raise HTTPError(403, "read-only")

    async def delete_file(self, path):
        raise HTTPError(403, "read-only")

    async def rename_file(self, old_path, new_path):
        raise HTTPError(403, "read-only")

    async def new_untitled(self, path="", type="", ext=""):  # jupyter_server API
        raise HTTPError(403, "read-only")

    async def new(self, model=None, path=""):
        raise HTTPError(403, "read-only")

    async def copy(self, from_path, to_path=None):
        raise HTTPError(403, "read-only")

    async def create_checkpoint(self, path):
        raise HTTPError(403, "read-only")


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

        folder = decks_dir()
        served = fresh_decks(folder, self.log)
        # Handed to the kernels: the Draaiboek links to the deck of its meeting (none: no link).
        hand_down(replace(current(), slides_dir=folder if served else None))
        assert self.serverapp is not None  # linked before initialize
        web_app = self.serverapp.web_app
        # trainer_handlers' patterns carry the base URL already (the laptop's server uses them
        # too), so they are added as they are rather than through self.handlers' prefixing.
        web_app.add_handlers(".*$", trainer_handlers(web_app.settings["base_url"], str(folder) if served else ""))


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


def decks_dir() -> Path:
    """Where this trainer's decks are built: the ``slides_dir`` setting, else the data folder.

    Never the installed package (site-packages is not the server's to write): the data folder
    lies in the trainer's home, which the spawner gives every trainer.
    """
    return current().slides_dir or default_data_dir() / "dia"


def fresh_decks(folder: Path, log) -> bool:
    """Build the decks into ``folder`` when their sources changed; False when none can be served.

    A deck that does not build is logged and the server starts anyway, as with ``serve``; a
    folder that cannot be written (e.g. one prebuilt for all trainers) still serves the decks
    it has.
    """
    try:
        if slides.is_stale(folder):
            report = slides.build(folder)
            for problem in report.problems:
                log.warning("pztraining: %s", problem)
    except PztrainingError as exc:  # also a file in the folder that no build of ours wrote
        log.warning("pztraining: %s", exc)
        return bool(slides.built_decks(folder))
    return True
