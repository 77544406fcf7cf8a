"""The CLI's argument parser in Dutch, the argument types, and the option groups commands share."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path

from pztraining.core.errors import PztrainingError, ScopeError
from pztraining.core.text_input import whole_number
from pztraining.core.texts import t


class UsageError(PztrainingError):
    """Wrong arguments on the command line."""

    exit_code = 2


class Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix=t("cli.usage") if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Dutch and raises instead of exiting on bad input."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = t("cli.arguments")
        self._optionals.title = t("cli.options")
        self.add_argument("-h", "--help", action="help", help=t("cli.help"))

    def error(self, message: str):  # argparse API
        raise UsageError(dutch_argparse(message))


def dutch_argparse(message: str) -> str:
    # argparse's own messages are English; translate the few a user meets.
    replacements = {
        "the following arguments are required": t("cli.argparse.ontbreekt"),
        "unrecognized arguments": t("cli.argparse.onbekende_argumenten"),
        "invalid int value": t("cli.argparse.geen_geheel_getal"),
        "invalid choice": t("cli.argparse.ongeldige_keuze"),
        "expected one argument": t("cli.argparse.verwacht_waarde"),
        "choose from": t("cli.argparse.kies_uit"),
        "argument ": "",
    }
    for english, dutch in replacements.items():
        message = message.replace(english, dutch)
    return message


def port(text: str) -> int:
    """A TCP port number (1–65535), for argparse."""
    number = whole_number(text) or 0  # "٨٨٦٦" is no port
    if not 1 <= number <= 65535:
        raise argparse.ArgumentTypeError(t("cli.bad_port", value=text))
    return number


def whole(text: str) -> int:
    """A whole number 0 or more in ASCII digits, for argparse (``int`` would take "١٠")."""
    number = whole_number(text)
    if number is None:
        raise argparse.ArgumentTypeError(t("cli.bad_number", value=text))
    return number


def hours(text: str) -> int:
    """A number of hours for a claim window (1–720, a month; ASCII digits), for argparse."""
    number = whole_number(text)
    if number is None or not 1 <= number <= 720:
        raise argparse.ArgumentTypeError(t("cli.bad_hours", value=text))
    return number


def parse_date(text: str | None) -> date | None:
    """A date typed as JJJJ-MM-DD or DD-MM-JJJJ; None when not given; ScopeError (Dutch) otherwise."""
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ScopeError(t("export.date", text=text))


def subcommands(parser: Parser, dest: str) -> argparse._SubParsersAction:
    """The sub-actions of a command (``users add``), as a Dutch parser each."""
    return parser.add_subparsers(
        dest=dest, title=t("cli.commands"), metavar=t("cli.metavar.action"), parser_class=Parser
    )


def store_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--db", metavar="URL", help=t("cli.opt.db"))
    sub.add_argument("--data-dir", metavar=t("cli.metavar.folder"), type=Path, help=t("cli.opt.data_dir"))


def server_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--host", default="127.0.0.1", help=t("cli.opt.host"))
    sub.add_argument("--port", type=port, default=8866, metavar="N", help=t("cli.opt.port"))
    sub.add_argument("--participant-port", type=port, default=8867, metavar="N", help=t("cli.opt.participant_port"))
    sub.add_argument("--trainer-host", default="127.0.0.1", help=t("cli.opt.trainer_host"))
    sub.add_argument("--token", help=t("cli.opt.token"))
    sub.add_argument("--room", action="store_true", help=t("cli.opt.room"))


def region_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--region", type=Path, metavar=t("cli.metavar.file"), help=t("cli.opt.region"))
    # Wherever content is read, an organisation's own folder may be added to it.
    sub.add_argument("--content-dir", type=Path, metavar=t("cli.metavar.folder"), help=t("cli.opt.content_dir"))


def say_where(asked: Path, written: Path) -> None:
    """Say so when a folder of files went into a new subfolder because ``asked`` held other files."""
    if Path(written) != Path(asked):
        print(t("files.subfolder", folder=asked, path=written))
