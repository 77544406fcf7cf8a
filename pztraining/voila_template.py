"""The page template of every pztraining Voila server: Voila's "lab" with nothing from outside.

Voila's own template loads Font Awesome from a CDN; on a Wi-Fi that swallows outside
traffic the pages then stayed on "Running…" (see ``pztraining/jupyter/voila/templates/pz``).
Voila finds templates only in Jupyter's data folders (``JUPYTER_PATH`` and the install
prefix), so the package's own ``jupyter`` folder is put first on ``JUPYTER_PATH`` of the
server process: a wheel installed anywhere carries its template, and no file is written
outside the package. Used by the laptop's and the room's servers
(:class:`pztraining.voila_app.PzVoila`) and by a trainer's server under JupyterHub
(:mod:`pztraining.hub_server`), which also needs :func:`without_mathjax`.
"""

from __future__ import annotations

import os
from importlib.resources import files

from traitlets.config import Config

#: The template's name (its folder under ``jupyter/voila/templates/``).
TEMPLATE = "pz"


def jupyter_dir() -> str:
    """The package's folder laid out as a Jupyter data folder (``voila/templates/pz``)."""
    return str(files("pztraining").joinpath("jupyter"))


def add_jupyter_path(environ=os.environ) -> None:
    """Put the package's Jupyter folder first on ``JUPYTER_PATH`` (once)."""
    ours = jupyter_dir()
    paths = [p for p in environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    if ours not in paths:
        environ["JUPYTER_PATH"] = os.pathsep.join([ours, *paths])


def without_mathjax(settings: dict) -> None:
    """Keep Voila's pages from loading MathJax (from cdnjs) on a Jupyter server with ``settings``.

    Voila's own app sets both to None; as an extension of another Jupyter server it falls
    back to cdnjs. The apps typeset no formulas.
    """
    settings.update(mathjax_url=None, mathjax_config=None)


def use_template(config: Config) -> None:
    """Make ``config``'s Voila render with our template, unless a template was configured."""
    add_jupyter_path()
    if "template" not in config.VoilaConfiguration:
        config.VoilaConfiguration.template = TEMPLATE
