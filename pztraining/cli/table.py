"""The one table of ``pztraining``'s commands: the parser, the dispatch, the help, the shell
completion (:mod:`.completion`) and docs/commands.md (:mod:`.docs`) are all made from it, so a
new command is one row here and one module under :mod:`pztraining.cli.commands`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from pztraining.cli.commands import completion, database, material, people, results, serving
from pztraining.cli.parsing import Parser
from pztraining.core.texts import t


@dataclass
class Command:
    """One command: its name, its help (a text key), how it reads its arguments and what it runs.

    Not frozen: a test may put another ``run`` in (``monkeypatch.setattr(command("agenda"), "run", …)``).
    """

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    #: The longer text of ``pztraining NAME --help`` (a text key); the help line when None.
    description: str | None = None


#: Every command, in the order ``pztraining --help`` lists them.
COMMANDS: tuple[Command, ...] = (
    Command("serve", "cli.serve", serving.serve_arguments, serving.cmd_serve),
    Command("check", "cli.check", material.check_arguments, material.cmd_check),
    Command("agenda", "cli.agenda", material.agenda_arguments, material.cmd_agenda),
    Command("export", "cli.export", results.export_arguments, results.cmd_export),
    Command("borging", "cli.borging", results.borging_arguments, results.cmd_borging),
    Command("remove", "cli.remove", results.remove_arguments, results.cmd_remove),
    Command("slides", "cli.slides", material.slides_arguments, material.cmd_slides),
    Command("handouts", "cli.handouts", material.handouts_arguments, material.cmd_handouts),
    Command("users", "cli.users", people.users_arguments, people.cmd_users),
    Command("certificates", "cli.certificates", results.certificates_arguments, results.cmd_certificates),
    Command("invitation", "cli.invitation", results.invitation_arguments, results.cmd_invitation),
    Command("lab", "cli.lab", people.lab_arguments, people.cmd_lab, "cli.lab.description"),
    Command("content", "cli.content", material.content_arguments, material.cmd_content),
    Command("bundle", "cli.bundle", people.bundle_arguments, people.cmd_bundle),
    Command("demo", "cli.demo", serving.demo_arguments, serving.cmd_demo),
    Command("hub", "cli.hub", serving.hub_arguments, serving.cmd_hub, "cli.hub.description"),
    Command("db", "cli.db", database.db_arguments, database.cmd_db, "cli.db.description"),
    Command(
        "completion",
        "cli.completion",
        completion.completion_arguments,
        completion.cmd_completion,
        "cli.completion.description",
    ),
)


def names() -> list[str]:
    """The command names, in table order."""
    return [command.name for command in COMMANDS]


def command(name: str) -> Command:
    """The row of ``name`` (KeyError when there is none)."""
    found = {row.name: row for row in COMMANDS}
    return found[name]


def build_parser() -> Parser:
    """The whole ``pztraining`` parser, one sub-parser per row of :data:`COMMANDS`."""
    parser = Parser(prog="pztraining", description=t("cli.description"))
    subparsers = parser.add_subparsers(
        dest="command", title=t("cli.commands"), metavar=t("cli.metavar.command"), parser_class=Parser
    )
    for row in COMMANDS:
        sub = subparsers.add_parser(row.name, help=t(row.help), description=t(row.description or row.help))
        row.arguments(sub)
    return parser


def subparsers_of(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The sub-parsers of ``parser`` by name (commands, or a command's actions); empty when it has none."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}
