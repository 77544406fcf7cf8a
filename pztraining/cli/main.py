"""The ``pztraining`` command: thin glue that turns library errors into one Dutch sentence.

The commands themselves are rows of :mod:`pztraining.cli.table` (parser, dispatch, help,
completion and docs come from that one table), each in a module of :mod:`pztraining.cli.commands`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from pztraining import content
from pztraining.cli import table
from pztraining.cli.parsing import UsageError
from pztraining.cli.table import build_parser
from pztraining.core.errors import PztrainingError
from pztraining.core.os_errors import describe
from pztraining.core.settings import hand_down
from pztraining.core.settings import read as read_settings
from pztraining.core.texts import t
from pztraining.services import access

__all__ = ["UsageError", "build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 failure, 2 wrong usage)."""
    # A refusal is said in Dutch on stderr; its log line (English, for a server's log) is not.
    refusals = logging.getLogger(access.__name__)
    if not any(isinstance(handler, logging.NullHandler) for handler in refusals.handlers):
        refusals.addHandler(logging.NullHandler())
    parser = build_parser()
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(args_list)
    except UsageError as exc:
        command = next((a + " " for a in args_list if a in table.names()), "")
        print(t("cli.bad_args", message=exc, command=command), file=sys.stderr)
        return 2
    if args.command is None:
        parser.print_help()
        return 2
    if getattr(args, "region", None) is not None:
        # Handed down, so the app servers and their kernels use the same region.
        hand_down(read_settings(region=args.region.resolve()))
    if getattr(args, "content_dir", None) is not None:  # likewise the organisation's own content
        hand_down(read_settings(content_dir=args.content_dir.resolve()))
        content.loader.library.cache_clear()
    try:
        return table.command(args.command).run(args)
    except PztrainingError as exc:  # every refusal of the library carries its Dutch sentence
        print(t("cli.error", message=str(exc)), file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # the system's reason in Dutch, never its English strerror
        print(t("cli.error", message=describe(exc)), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
    except Exception as exc:  # the edge: a user sees a sentence, never a traceback
        print(t("cli.error", message=t("unexpected", error=type(exc).__name__)), file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
