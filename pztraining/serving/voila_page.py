"""What every pztraining Voila page needs besides Voila: nothing from outside, no kernel left behind.

* **The template.** Voila's own ("lab") loads Font Awesome from a CDN in the page's head; on a
  Wi-Fi that swallows outside traffic the pages then stayed on "Running…". Ours, ``pz``
  (``pztraining/jupyter/voila/templates/pz``), loads nothing from outside. Voila finds
  templates only in Jupyter's data folders (``JUPYTER_PATH`` and the install prefix), so the
  package's own ``jupyter`` folder is put first on ``JUPYTER_PATH`` of the server process: a
  wheel installed anywhere carries its template, and nothing is written outside the package.
* **The kernel on leaving.** Voila's page asks the server to shut its kernel down when it goes
  away; :class:`PageHandler` gives it the XSRF cookie that request needs.

Used by the laptop's and the room's servers (:class:`PzPages`, a base of
:class:`pztraining.serving.voila_app.PzVoila`) and by a
trainer's server under JupyterHub (:mod:`pztraining.serving.hub_server`; there JupyterHub's login sets
the XSRF cookie).
"""

from __future__ import annotations

import os
from importlib.resources import files
from typing import TYPE_CHECKING

from traitlets.config import Config
from voila.tornado.handler import TornadoVoilaHandler

from pztraining.core.settings import process_environ

#: The template's name (its folder under ``jupyter/voila/templates/``).
TEMPLATE = "pz"


def jupyter_dir() -> str:
    """The package's folder laid out as a Jupyter data folder (``voila/templates/pz``)."""
    return str(files("pztraining").joinpath("jupyter"))


def add_jupyter_path(environ=None) -> None:
    """Put the package's Jupyter folder first on ``JUPYTER_PATH`` (once; Jupyter reads it from there)."""
    environ = process_environ() if environ is None else environ
    ours = jupyter_dir()
    paths = [p for p in environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    if ours not in paths:
        environ["JUPYTER_PATH"] = os.pathsep.join([ours, *paths])


def use_template(config: Config) -> None:
    """Make ``config``'s Voila render with our template, unless a template was configured."""
    add_jupyter_path()
    if "template" not in config.VoilaConfiguration:
        config.VoilaConfiguration.template = TEMPLATE


def without_mathjax(settings: dict) -> None:
    """Keep Voila's pages from loading MathJax (from cdnjs) on a server with tornado ``settings``.

    Voila's own app sets both to None; as an extension of another Jupyter server it falls
    back to cdnjs. The apps typeset no formulas.
    """
    settings.update(mathjax_url=None, mathjax_config=None)


def give_xsrf_cookie(handler) -> None:
    """Set the `_xsrf` cookie on ``handler``'s response (when the browser has none yet)."""
    # On leaving the page, Voila's widget manager asks the server to shut its kernel down
    # with a POST that carries the `_xsrf` cookie. Voila's page never sets that cookie, so
    # the POST got a 403 and every reload or closed tab left a kernel running until it was
    # culled (voila-dashboards/voila#1458). Reading the token sets the cookie.
    handler.xsrf_token  # noqa: B018


class PageHandler(TornadoVoilaHandler):
    """Voila's page, which also gives the browser the XSRF cookie that closing it needs."""

    async def get(self, path=None):
        give_xsrf_cookie(self)
        return await super().get(path=path)


if TYPE_CHECKING:
    from voila.app import Voila as _VoilaApp  # what PzPages is mixed into
else:
    _VoilaApp = object


class PzPages(_VoilaApp):
    """Mixin for a Voila app (before ``Voila`` in its bases): our template and :class:`PageHandler`."""

    def setup_template_dirs(self) -> None:
        # Our page template (nothing from outside the server) unless one was configured.
        use_template(self.config)
        self.voila_configuration.template = self.config.VoilaConfiguration.template
        super().setup_template_dirs()

    def init_handlers(self) -> list:
        return [
            (route[0], PageHandler, *route[2:])
            if isinstance(route, tuple) and route[1] is TornadoVoilaHandler
            else route
            for route in super().init_handlers()
        ]
