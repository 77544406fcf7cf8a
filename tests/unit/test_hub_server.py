"""The trainer's single-user server under JupyterHub: where its decks are built, and when they are served."""

from __future__ import annotations

import json
import logging
import os

from pztraining.reports import slides
from pztraining.serving import hub_server

LOG = logging.getLogger("test-hub-server")


def test_decks_are_built_in_the_trainers_data_folder_never_in_the_package(tmp_path, monkeypatch):
    monkeypatch.delenv("PZTRAINING_SLIDES", raising=False)
    monkeypatch.setenv("PZTRAINING_DATA", str(tmp_path / "data"))
    assert hub_server.decks_dir() == tmp_path / "data" / "dia"
    monkeypatch.setenv("PZTRAINING_SLIDES", str(tmp_path / "gedeeld"))  # one folder for all trainers
    assert hub_server.decks_dir() == tmp_path / "gedeeld"


def test_a_folder_that_cannot_be_written_serves_no_decks_and_says_why(tmp_path, caplog):
    (tmp_path / "bestand").write_text("geen map")
    with caplog.at_level(logging.WARNING, logger=LOG.name):
        assert hub_server.fresh_decks(tmp_path / "bestand" / "dia", LOG) is False
    assert "kan niet beschreven worden" in caplog.text


def test_decks_that_cannot_be_rebuilt_are_still_served(tmp_path, monkeypatch, caplog):
    folder = tmp_path / "dia"
    folder.mkdir()
    manifest = folder / slides.MANIFEST
    manifest.write_text(json.dumps([{"id": "mysupport-1", "program": "mysupport", "meeting": 1,
                                     "title": "Bijeenkomst 1", "file": "mysupport-1.html"}]))
    os.utime(manifest, (0, 0))  # older than every source: a rebuild is due
    monkeypatch.setattr(slides, "reveal_source", lambda: tmp_path / "geen-revealjs")  # and it fails
    with caplog.at_level(logging.WARNING, logger=LOG.name):
        assert hub_server.fresh_decks(folder, LOG) is True
    assert "kan niet beschreven worden" in caplog.text


def test_the_hub_servers_error_pages_are_dutch_and_carry_no_exception():
    # jupyter_server renders "<status>.html", else "error.html", with the exception in the namespace.
    from jinja2 import Environment, FileSystemLoader
    from jupyter_server import DEFAULT_TEMPLATE_PATH_LIST

    from pztraining.core.texts import t
    from pztraining.serving.web_errors import use_dutch_error_templates

    settings = {"jinja2_env": Environment(loader=FileSystemLoader(DEFAULT_TEMPLATE_PATH_LIST), autoescape=True)}
    use_dutch_error_templates(settings)
    env = settings["jinja2_env"]
    secret = "ValueError: not enough values to unpack"
    namespace = {"message": secret, "exception": secret, "status_code": 0}
    assert t("room.error.not_found") in env.get_template("404.html").render(**{**namespace, "status_code": 404})
    assert t("room.error.method") in env.get_template("405.html").render(**{**namespace, "status_code": 405})
    for status, key in ((500, "room.error.server"), (502, "room.error.server"), (409, "web.error.4xx")):
        page = env.get_template("error.html").render(**{**namespace, "status_code": status})
        assert t(key) in page and secret not in page and "lang='nl'" in page
    assert env.loader.get_source(env, "login.html")  # jupyter_server's other templates are still found
