"""A trainer's single-user server under JupyterHub: what it may not do, and what it adds.

It may not change files. It adds what the laptop's trainer server has besides the apps:
the slide decks at ``<base_url>pz/dia/`` and the beamer page at ``<base_url>pz/zaal/``
(:func:`_load_jupyter_server_extension`, enabled in the printed config), behind the hub's login,
and Voila's pages use the package's template, which loads nothing from outside the server
(:func:`_link_jupyter_server_extension`).

The server shows the package's app notebooks in Voila. Its REST API (jupyter_server) would
let a logged-in trainer write a notebook next to them and have Voila run it; this contents
manager refuses every write. Together with ``MappingKernelManager.allowed_message_types``
(set in the printed config: widget messages only, no ``execute_request``) a trainer cannot
run code of their own in the kernel. See the README, "What a trainer can still reach".
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado.web import HTTPError

from pztraining.core.errors import PztrainingError
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


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "pztraining.serving.hub_server"}]


def _link_jupyter_server_extension(serverapp) -> None:
    """Before any extension loads: Voila's pages use our template and no MathJax (no CDN)."""
    # Linking runs for every extension before the first one loads (and before the server
    # builds its tornado settings), so Voila's extension reads these when it sets itself up.
    from pztraining.serving.voila_page import use_template, without_mathjax

    use_template(serverapp.config)
    without_mathjax(serverapp.tornado_settings)


def decks_dir() -> Path:
    """Where this trainer's decks are built: ``$PZTRAINING_SLIDES``, else the data folder.

    Never the installed package (site-packages is not the server's to write): the data folder
    lies in the trainer's home, which the spawner gives every trainer.
    """
    return Path(os.environ.get(slides.SLIDES_ENV) or default_data_dir() / "dia")


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


def _load_jupyter_server_extension(serverapp) -> None:
    """Add the beamer page and the decks to this server, behind its normal (hub) login."""
    from pztraining.serving.voila_app import trainer_handlers
    from pztraining.serving.web_errors import use_dutch_error_templates
    from pztraining.serving.web_security import SAME_SITE

    # The hub stops this server with SIGINT (SIGTERM only 10 s later); a hub started in the
    # background by a script passes SIGINT on ignored, and the trainer's server then held the
    # hub's stop up by 10 s. A SIGINT stops it, always (jupyter_server: "Interrupted...").
    signal.signal(signal.SIGINT, signal.default_int_handler)
    folder = decks_dir()
    served = fresh_decks(folder, serverapp.log)
    if served:
        # The kernels inherit this environment: the Draaiboek links to the deck of its meeting.
        os.environ[slides.SLIDES_ENV] = str(folder)
    else:
        os.environ.pop(slides.SLIDES_ENV, None)
    base_url = serverapp.web_app.settings["base_url"]
    # The hub's cookies get SameSite from the printed config; this server's own _xsrf from here.
    settings = serverapp.web_app.settings
    settings["xsrf_cookie_kwargs"] = {**settings.get("xsrf_cookie_kwargs", {}), **SAME_SITE}
    serverapp.web_app.add_handlers(".*$", trainer_handlers(base_url, str(folder) if served else ""))
    # jupyter_server's own error pages (an unknown path, a refused method) in Dutch, without the exception.
    use_dutch_error_templates(serverapp.web_app.settings)
