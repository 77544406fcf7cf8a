"""One error family: every error of the package is a PztrainingError, and the CLI and the room
server turn any of them into its Dutch sentence with its exit code or HTTP status."""

from __future__ import annotations

import ast
import importlib
import json
import logging
from pathlib import Path

import pytest
from tornado import web
from tornado.httpclient import AsyncHTTPClient
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

import pztraining
from pztraining.cli import main as cli
from pztraining.cli import table
from pztraining.core.errors import PztrainingError
from pztraining.domain.decision_tree import InvalidPath
from pztraining.serving.room.handlers import RoomHandler
from pztraining.serving.web_errors import DutchErrors
from tests.loops import run_async

PACKAGE = Path(pztraining.__file__).parent


def _exception_classes() -> list[type]:
    """Every top-level class of the package that is an exception (imported to follow its bases)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
        if not names:
            continue
        module = importlib.import_module(
            ".".join(("pztraining", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
        )
        found += [
            cls for name in names if isinstance(cls := getattr(module, name), type) and issubclass(cls, BaseException)
        ]
    return found


# Importing every module imports JupyterHub's auth, whose PAM binding runs ldconfig once.
@pytest.mark.subprocess
def test_every_error_of_the_package_can_be_caught_as_one_pztraining_error():
    classes = _exception_classes()
    assert len(classes) > 20  # the scan sees them (access, content, files, the room, the store, ...)
    outside = sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in classes if not issubclass(cls, PztrainingError))
    assert outside == []
    # Callers that catch the builtin error these were before still catch them.
    from pztraining.content import UnknownProgram
    from pztraining.domain.roleplay import RolePlayError
    from pztraining.domain.schedule import ScheduleError
    from pztraining.services.participation import InvalidDevice
    from pztraining.serving.request_body import BadBody

    value_errors = (InvalidPath, InvalidDevice, BadBody, RolePlayError, ScheduleError)
    assert all(issubclass(cls, ValueError) for cls in value_errors)
    assert issubclass(UnknownProgram, KeyError)


class _Refused(PztrainingError):
    exit_code = 3
    http_status = 418


def test_the_cli_says_any_pztraining_error_in_dutch_with_its_exit_code(capsys, monkeypatch):
    def refuse(args):
        raise _Refused("Dit programma kan vandaag niet.")

    monkeypatch.setattr(table.command("agenda"), "run", refuse)
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


async def _fetch(paths: list[str]) -> list[tuple[int, str]]:
    """Each path's status and body from a tornado server with both handlers, on a free port."""
    sock, port = bind_unused_port()
    server = HTTPServer(web.Application([(r"/", _Raises, {"room": None}), (r"/page", _PageRaises)]))
    server.add_sockets([sock])
    client = AsyncHTTPClient()
    try:
        replies = [await client.fetch(f"http://127.0.0.1:{port}{path}", raise_error=False) for path in paths]
    finally:
        client.close()
        server.stop()
    return [(reply.code, reply.body.decode()) for reply in replies]


def _answers(paths: list[str]) -> list[tuple[int, str]]:
    # In a thread of its own: once the browser tests ran, Playwright owns this thread's loop.
    logging.getLogger("tornado.application").disabled = True  # the expected traceback of the bug
    try:
        return run_async(_fetch(paths))
    finally:
        logging.getLogger("tornado.application").disabled = False


def test_a_page_says_our_sentence_with_its_status_and_a_bug_in_general_words():
    (code, body), (bug_code, bug_body) = _answers(["/page?error=ours", "/page?error=bug"])
    assert code == 418 and "Koffie zetten kan deze server niet." in body
    assert bug_code == 500 and "a bug" not in bug_body and "<p>" in bug_body


def test_a_refusal_of_ours_gets_its_4xx_and_dutch_sentence_a_bug_still_a_bare_500():
    path, ours, (bug_code, bug_body) = _answers(["/?error=path", "/?error=ours", "/?error=bug"])
    assert (path[0], json.loads(path[1])) == (400, {"error": "Deze keuze past niet bij de beslisboom."})
    assert (ours[0], json.loads(ours[1])) == (418, {"error": "Koffie zetten kan deze server niet."})
    assert bug_code == 500 and "a bug" not in json.loads(bug_body)["error"] and json.loads(bug_body)["error"]
