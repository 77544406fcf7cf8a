"""Which page template our Voila servers use, on the laptop and under JupyterHub.

The browser tests (tests/browser/test_offline_pages.py, tests/hub/test_hub_real.py) show what
the template renders; these show that every server picks it, from the installed package.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from jupyter_server.extension.application import ExtensionApp
from traitlets.config import Config
from voila.paths import collect_template_paths

import pztraining
from pztraining.serving import hub_server


def test_a_hub_trainers_voila_pages_use_the_packages_template_and_no_mathjax(monkeypatch):
    monkeypatch.delenv("JUPYTER_PATH", raising=False)
    server = SimpleNamespace(config=Config(), tornado_settings={})
    hub_server.use_offline_voila(server)
    assert server.config.VoilaConfiguration.template == "pz"
    ours = collect_template_paths(["voila", "nbconvert"], "pz", prune=True)[0]
    assert Path(ours, "index.html.j2").is_file()
    assert Path(ours).is_relative_to(Path(pztraining.__file__).parent)
    # Voila as an extension points MathJax at cdnjs unless the server says None.
    assert server.tornado_settings == {"mathjax_url": None, "mathjax_config": None}


def test_a_template_the_administrator_configured_is_kept(monkeypatch):
    monkeypatch.delenv("JUPYTER_PATH", raising=False)
    server = SimpleNamespace(config=Config({"VoilaConfiguration": {"template": "lab"}}), tornado_settings={})
    hub_server.use_offline_voila(server)
    assert server.config.VoilaConfiguration.template == "lab"


def test_the_hub_server_extension_is_a_jupyter_server_extension_app():
    (point,) = hub_server._jupyter_server_extension_points()
    assert point["module"] == "pztraining.serving.hub_server"
    assert issubclass(point["app"], ExtensionApp)
    assert point["app"].name == "pztraining"
