"""docs/commands.md, made from the command table: every command's (and action's) ``--help``.

``python -m pztraining.cli.docs`` rewrites the file; a test fails when it is out of date.
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path

from pztraining.cli.parsing import Formatter
from pztraining.cli.table import build_parser, subparsers_of
from pztraining.core.texts import t

#: The width the help is wrapped at in the file (the terminal's width must not change the file).
WIDTH = 100
#: Where the file lives in a checkout.
DOCS = Path(__file__).resolve().parents[2] / "docs" / "commands.md"


def _help(parser: argparse.ArgumentParser) -> str:
    parser.formatter_class = functools.partial(Formatter, width=WIDTH)
    return parser.format_help().rstrip()


def commands_markdown() -> str:
    """The text of docs/commands.md."""
    parser = build_parser()
    lines = [
        f"# {t('cli.docs.title')}",
        "",
        "<!-- Generated from pztraining/cli/table.py by `python -m pztraining.cli.docs`; do not edit. -->",
        "",
        t("cli.docs.intro"),
        "",
        "```",
        _help(parser),
        "```",
    ]
    for name, sub in subparsers_of(parser).items():
        lines += ["", f"## `pztraining {name}`", "", "```", _help(sub), "```"]
        for action, step in subparsers_of(sub).items():
            lines += ["", f"### `pztraining {name} {action}`", "", "```", _help(step), "```"]
    return "\n".join(lines) + "\n"


def main() -> int:
    DOCS.parent.mkdir(exist_ok=True)
    DOCS.write_text(commands_markdown(), encoding="utf-8")
    print(DOCS)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
