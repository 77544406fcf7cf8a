"""One error family: every error of the package is a PztrainingError, and the CLI and the room
server turn any of them into its Dutch sentence with its exit code or HTTP status."""

from __future__ import annotations

import ast
import importlib
import json
import logging
from pathlib import Path

from tornado import web
from tornado.testing import AsyncHTTPTestCase

import pztraining
from pztraining import cli
from pztraining.decision_tree import InvalidPath
from pztraining.errors import PztrainingError
from pztraining.room.handlers import RoomHandler
from pztraining.web_errors import DutchErrors

PACKAGE = Path(pztraining.__file__).parent


def _exception_classes() -> list[type]:
    """Every top-level class of the package that is an exception (imported to follow its bases)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
        if not names:
            continue
        module = importlib.import_module(".".join(("pztraining", *path.relative_to(PACKAGE).with_suffix("").parts))
                                         .removesuffix(".__init__"))
        found += [cls for name in names if isinstance(cls := getattr(module, name), type)
                  and issubclass(cls, BaseException)]
    return found


def test_every_error_of_the_package_can_be_caught_as_one_pztraining_error():
    classes = _exception_classes()
    assert len(classes) > 20  # the scan sees them (access, content, files, the room, the store, ...)
    outside = sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in classes if not issubclass(cls, PztrainingError))
    assert outside == []
    # Callers that catch the builtin error these were before still catch them.
    from pztraining.content import UnknownProgram
    from pztraining.participation import InvalidDevice
    from pztraining.request_body import BadBody
    from pztraining.roleplay import RolePlayError
    from pztraining.schedule import ScheduleError

    value_errors = (InvalidPath, InvalidDevice, BadBody, RolePlayError, ScheduleError)
    assert all(issubclass(cls, ValueError) for cls in value_errors)
    assert issubclass(UnknownProgram, KeyError)


class _Refused(PztrainingError):
    exit_code = 3
    http_status = 418


def test_the_cli_says_any_pztraining_error_in_dutch_with_its_exit_code(capsys, monkeypatch):
    def refuse(args):
        raise _Refused("Dit programma kan vandaag niet.")

    monkeypatch.setattr(cli, "cmd_agenda", refuse)
    assert cli.main(["agenda", "mysupport"]) == 3
    captured = capsys.readouterr()
    assert captured.err == "Fout: Dit programma kan vandaag niet.\n"
    assert "Traceback" not in captured.err and captured.out == ""


class _Raises(RoomHandler):
    def get(self) -> None:
        error = self.get_argument("error")
        if error == "path":
            raise InvalidPath("Deze keuze past niet bij de beslisboom.")
        if error == "ours":
            raise _Refused("Koffie zetten kan deze server niet.")
        raise RuntimeError("a bug")


class _PageRaises(DutchErrors, web.RequestHandler):
    """A page of the trainer's server (the beamer page, the decks, Voila's pages) that fails."""

    get = _Raises.get


class TestServersAnswerAnyPztrainingErrorWithItsStatusAndSentence(AsyncHTTPTestCase):
    def get_app(self) -> web.Application:
        return web.Application([(r"/", _Raises, {"room": None}), (r"/page", _PageRaises)])

    def test_a_page_says_our_sentence_with_its_status_and_a_bug_in_general_words(self):
        refused = self.fetch("/page?error=ours")
        assert refused.code == 418 and "Koffie zetten kan deze server niet." in refused.body.decode()
        logging.getLogger("tornado.application").disabled = True  # the expected traceback of the bug
        try:
            bug = self.fetch("/page?error=bug")
        finally:
            logging.getLogger("tornado.application").disabled = False
        assert bug.code == 500 and "a bug" not in bug.body.decode() and "<p>" in bug.body.decode()

    def _get(self, error: str) -> tuple[int, dict]:
        response = self.fetch(f"/?error={error}")
        return response.code, json.loads(response.body)

    def test_a_refusal_of_ours_gets_its_4xx_and_dutch_sentence_a_bug_still_a_bare_500(self):
        assert self._get("path") == (400, {"error": "Deze keuze past niet bij de beslisboom."})
        assert self._get("ours") == (418, {"error": "Koffie zetten kan deze server niet."})
        logging.getLogger("tornado.application").disabled = True  # the expected traceback of the bug
        try:
            code, body = self._get("bug")
        finally:
            logging.getLogger("tornado.application").disabled = False
        assert code == 500 and "a bug" not in body["error"] and body["error"]

