"""Every server of ours starts without compiling jsonschema's IRI grammars, and the checks still hold.

Each test runs in a fresh interpreter: whether a module was imported is a fact of one process,
and this test session has imported half of Jupyter already.
"""

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.subprocess

#: IRIs and IRI references, good and bad, as jsonschema's "iri" formats judge them.
VALUES = [
    "https://palliatieve-zorg.example/ä?x=1#top",
    "urn:isbn:9789000000000",
    "not an iri at all ::",
    "a b",
    "//example.org/pad",
    "http://[::1]:8080/",
    "",
]

CHECK = f"""
import json, sys
BEFORE
import jsonschema
checker = jsonschema.FormatChecker()
grammar_at_import = "rfc3987_syntax.syntax_helpers" in sys.modules
results = [[checker.conforms(v, f) for f in ("iri", "iri-reference")] for v in {VALUES!r}]
print(json.dumps({{"grammar_at_import": grammar_at_import, "results": results}}))
"""


def _run(before: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHECK.replace("BEFORE", before)], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(done.stdout)


def test_our_processes_import_jsonschema_without_compiling_the_iri_grammars_and_judge_iris_as_before():
    ours = _run("import pztraining")  # what every `python -m pztraining...` and the CLI do first
    plain = _run("")
    assert plain["grammar_at_import"], "rfc3987_syntax no longer compiles at import: this stand-in can go"
    assert not ours["grammar_at_import"]
    assert ours["results"] == plain["results"]
    assert [True, True] in ours["results"] and [False, False] in ours["results"]


def test_the_room_trainer_and_hub_servers_load_without_the_iri_grammars():
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, pztraining.serving.room.app, pztraining.serving.voila_app, pztraining.serving.singleuser; "
            "print('rfc3987_syntax.syntax_helpers' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.strip() == "False"
