"""One command table (pztraining/cli/table.py): the parser, the dispatch, the help, the bash
completion and docs/commands.md all come from it, so none of them can miss a command."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pztraining.cli import table
from pztraining.cli.commands.completion import bash_script
from pztraining.cli.docs import DOCS, commands_markdown
from pztraining.cli.main import build_parser, main


def test_the_parser_has_exactly_the_commands_of_the_table_in_its_order():
    assert list(table.subparsers_of(build_parser())) == table.names()
    assert len(set(table.names())) == len(table.names())


def test_main_runs_the_handler_of_the_table_row(monkeypatch):
    ran = []
    monkeypatch.setattr(table.command("agenda"), "run", lambda args: ran.append(args.program) or 7)
    assert main(["agenda", "mysupport"]) == 7
    assert ran == ["mysupport"]


def test_docs_commands_md_is_generated_from_the_table_and_up_to_date():
    expected = commands_markdown()
    for name in table.names():
        assert f"## `pztraining {name}`" in expected
    assert "### `pztraining users add`" in expected and "--first-login-hours" in expected
    assert DOCS.read_text(encoding="utf-8") == expected, (
        "docs/commands.md is out of date: run `python -m pztraining.cli.docs`"
    )


def test_the_completion_script_names_every_command_action_option_and_choice(capsys):
    assert main(["completion", "bash"]) == 0
    script = capsys.readouterr().out
    assert script == bash_script() and script.rstrip().endswith("complete -o default -F _pztraining pztraining")
    parser = build_parser()
    for name, sub in table.subparsers_of(parser).items():
        assert f"        {name})" in script
        for action in table.subparsers_of(sub):
            assert f"{name}:{action}" in script
    assert '--per) words="halfjaar jaar"' in script
    assert '--role) words="trainer kartrekker coordinator"' in script
    assert "--first-login-hours" in script and "--content-dir" in script


def _complete(words: list[str]) -> list[str]:
    """What bash offers after ``words`` (the last one is the word being typed)."""
    program = (
        bash_script() + "\nCOMP_WORDS=(" + " ".join(f"'{w}'" for w in words) + ")\n"
        f"COMP_CWORD={len(words) - 1}\n_pztraining\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n"
    )
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program], capture_output=True, text=True, check=True, timeout=30
    )
    return [line for line in done.stdout.splitlines() if line]


@pytest.mark.subprocess
@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_actions_options_and_choices():
    assert _complete(["pztraining", "bor"]) == ["borging"]
    assert _complete(["pztraining", "users", "a"]) == ["add"]
    assert _complete(["pztraining", "users", "add", "--r"]) == ["--role"]
    assert _complete(["pztraining", "users", "add", "sanne", "--role", ""]) == ["trainer", "kartrekker", "coordinator"]
    assert _complete(["pztraining", "borging", "--org", "Noord", "--per", "j"]) == ["jaar"]
    assert _complete(["pztraining", "export", "--with"]) == ["--with-names"]
    assert _complete(["pztraining", "completion", ""]) == ["bash", "-h", "--help"]


def test_the_readme_points_at_the_generated_docs():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "docs/commands.md" in readme and "pztraining completion bash" in readme
