"""The trainer's single-user server under JupyterHub: when its decks are built and served, its error pages."""

from __future__ import annotations

import json
import logging

import pytest

from pztraining.reports import slides
from pztraining.serving import hub_server

LOG = logging.getLogger("test-hub-server")


def test_a_cache_folder_that_cannot_be_written_serves_no_decks_and_says_why(tmp_path, monkeypatch, caplog):
    (tmp_path / "bestand").write_text("geen map")
    monkeypatch.setenv("PZTRAINING_CACHE", str(tmp_path / "bestand" / "cache"))
    with caplog.at_level(logging.WARNING, logger=LOG.name):
        assert hub_server.fresh_decks(LOG) is None
    assert "kan niet beschreven worden" in caplog.text


def test_decks_built_for_this_content_version_are_served_without_building_again(tmp_path, monkeypatch):
    monkeypatch.setenv("PZTRAINING_CACHE", str(tmp_path))
    folder = slides.default_build_dir()
    folder.mkdir(parents=True)
    (folder / slides.MANIFEST).write_text(
        json.dumps(
            [
                {
                    "id": "mysupport-1",
                    "program": "mysupport",
                    "meeting": 1,
                    "title": "Bijeenkomst 1",
                    "file": "mysupport-1.html",
                }
            ]
        )
    )
    monkeypatch.setattr(slides, "build", lambda *_a, **_k: pytest.fail("built again"))
    assert hub_server.fresh_decks(LOG) == folder


def test_a_build_that_fails_serves_no_decks_and_says_why(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("PZTRAINING_CACHE", str(tmp_path))
    monkeypatch.setattr(
        slides, "reveal_source", lambda: (_ for _ in ()).throw(slides.SlidesError("reveal.js ontbreekt"))
    )
    with caplog.at_level(logging.WARNING, logger=LOG.name):
        assert hub_server.fresh_decks(LOG) is None
    assert "reveal.js ontbreekt" in caplog.text
    assert not slides.default_build_dir().exists()  # no half build left to be served later


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
