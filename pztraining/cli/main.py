"""The ``pztraining`` command: thin glue that turns library errors into one Dutch sentence."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import signal
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from pztraining import content
from pztraining.cli import demo as demo_lib
from pztraining.core.errors import PztrainingError, ScopeError
from pztraining.core.os_errors import describe
from pztraining.core.settings import hand_down
from pztraining.core.settings import read as read_settings
from pztraining.core.text_input import whole_number
from pztraining.core.texts import t
from pztraining.domain import agenda as agenda_lib
from pztraining.reports.handouts import HandoutsError
from pztraining.services import access
from pztraining.serving import server
from pztraining.serving.hub import (
    HubConfigError,
    HubSettings,
    NginxSettings,
    config_text,
    install_script,
    nginx_text,
    nginx_version,
    write_static,
)
from pztraining.serving.room.beamer import ROOM_PAGE, terminal_qr
from pztraining.store import ROLES, MissingEntry, Store, display_url, login_name


class UsageError(PztrainingError):
    """Wrong arguments on the command line."""

    exit_code = 2


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix=t("cli.usage") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Dutch and raises instead of exiting on bad input."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = t("cli.arguments")
        self._optionals.title = t("cli.options")
        self.add_argument("-h", "--help", action="help", help=t("cli.help"))

    def error(self, message: str):  # argparse API
        raise UsageError(_dutch_argparse(message))


def _dutch_argparse(message: str) -> str:
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


def _port(text: str) -> int:
    """A TCP port number (1–65535), for argparse."""
    number = whole_number(text) or 0  # "٨٨٦٦" is no port
    if not 1 <= number <= 65535:
        raise argparse.ArgumentTypeError(t("cli.bad_port", value=text))
    return number


def _whole(text: str) -> int:
    """A whole number 0 or more in ASCII digits, for argparse (``int`` would take "١٠")."""
    number = whole_number(text)
    if number is None:
        raise argparse.ArgumentTypeError(t("cli.bad_number", value=text))
    return number


def _hours(text: str) -> int:
    """A number of hours for a claim window (1–720, a month; ASCII digits), for argparse."""
    number = whole_number(text)
    if number is None or not 1 <= number <= 720:
        raise argparse.ArgumentTypeError(t("cli.bad_hours", value=text))
    return number


def build_parser() -> _Parser:
    parser = _Parser(prog="pztraining", description=t("cli.description"))
    commands = parser.add_subparsers(dest="command", title=t("cli.commands"), metavar=t("cli.metavar.command"),
                                     parser_class=_Parser)

    def with_store_options(sub: _Parser) -> None:
        sub.add_argument("--db", metavar="URL", help=t("cli.opt.db"))
        sub.add_argument("--data-dir", metavar=t("cli.metavar.folder"), type=Path, help=t("cli.opt.data_dir"))

    def with_server_options(sub: _Parser) -> None:
        sub.add_argument("--host", default="127.0.0.1", help=t("cli.opt.host"))
        sub.add_argument("--port", type=_port, default=8866, metavar="N", help=t("cli.opt.port"))
        sub.add_argument("--participant-port", type=_port, default=8867, metavar="N",
                         help=t("cli.opt.participant_port"))
        sub.add_argument("--trainer-host", default="127.0.0.1", help=t("cli.opt.trainer_host"))
        sub.add_argument("--token", help=t("cli.opt.token"))
        sub.add_argument("--room", action="store_true", help=t("cli.opt.room"))

    def with_region_option(sub: _Parser) -> None:
        sub.add_argument("--region", type=Path, metavar=t("cli.metavar.file"), help=t("cli.opt.region"))
        # Wherever content is read, an organisation's own folder may be added to it.
        sub.add_argument("--content-dir", type=Path, metavar=t("cli.metavar.folder"), help=t("cli.opt.content_dir"))

    serve = commands.add_parser("serve", help=t("cli.serve"), description=t("cli.serve"))
    with_store_options(serve)
    with_server_options(serve)
    with_region_option(serve)

    check = commands.add_parser("check", help=t("cli.check"), description=t("cli.check"))
    check.add_argument("paths", nargs="*", type=Path, metavar=t("cli.metavar.path"), help=t("cli.opt.paths"))
    with_region_option(check)

    agenda = commands.add_parser("agenda", help=t("cli.agenda"), description=t("cli.agenda"))
    agenda.add_argument("program", metavar=t("cli.metavar.program"), help=t("cli.opt.program"))
    agenda.add_argument("--meeting", type=_whole, default=1, metavar="N", help=t("cli.opt.meeting"))
    agenda.add_argument("--minutes", type=_whole, metavar="M", help=t("cli.opt.minutes"))
    agenda.add_argument("--start", default="09:00", metavar=t("cli.metavar.clock"), help=t("cli.opt.start"))

    export = commands.add_parser("export", help=t("cli.export"), description=t("cli.export"))
    with_store_options(export)
    export.add_argument("--training", metavar=t("cli.metavar.training"), help=t("cli.opt.training"))
    export.add_argument("--program", metavar=t("cli.metavar.program"), help=t("cli.opt.program"))
    export.add_argument("--from", dest="date_from", metavar=t("cli.metavar.date"), help=t("cli.opt.from"))
    export.add_argument("--to", dest="date_to", metavar=t("cli.metavar.date"), help=t("cli.opt.to"))
    export.add_argument("--format", default="xlsx", choices=("xlsx", "csv", "html"), help=t("cli.opt.format"))
    export.add_argument("--out", required=True, type=Path, metavar=t("cli.metavar.path"), help=t("cli.opt.out"))
    export.add_argument("--with-names", action="store_true", help=t("cli.opt.with_names"))
    export.add_argument("--overwrite", action="store_true", help=t("cli.opt.overwrite"))

    borging = commands.add_parser("borging", help=t("cli.borging"), description=t("cli.borging"))
    with_store_options(borging)
    borging.add_argument("--org", required=True, metavar=t("cli.metavar.organisation"), help=t("cli.opt.borging_org"))
    borging.add_argument("--program", metavar=t("cli.metavar.program"), help=t("cli.opt.program"))
    borging.add_argument("--from", dest="date_from", metavar=t("cli.metavar.date"), help=t("cli.opt.from"))
    borging.add_argument("--to", dest="date_to", metavar=t("cli.metavar.date"), help=t("cli.opt.to"))
    borging.add_argument("--per", choices=("halfjaar", "jaar"), help=t("cli.opt.per"))
    borging.add_argument("--format", default="xlsx", choices=("xlsx", "csv", "html"),
                         help=t("cli.opt.borging_format"))
    borging.add_argument("--out", required=True, type=Path, metavar=t("cli.metavar.path"), help=t("cli.opt.out"))
    borging.add_argument("--overwrite", action="store_true", help=t("cli.opt.overwrite"))

    remove = commands.add_parser("remove", help=t("cli.remove"), description=t("cli.remove"))
    with_store_options(remove)
    remove.add_argument("--training", required=True, metavar=t("cli.metavar.training"), help=t("cli.opt.training"))
    remove.add_argument("--yes", action="store_true", help=t("cli.opt.yes"))

    slides = commands.add_parser("slides", help=t("cli.slides"), description=t("cli.slides"))
    slides.add_argument("paths", nargs="*", type=Path, metavar=t("cli.metavar.path"), help=t("cli.opt.decks"))
    slides.add_argument("--out", type=Path, metavar=t("cli.metavar.folder"), help=t("cli.opt.slides_out"))
    slides.add_argument("--overwrite", action="store_true", help=t("cli.opt.overwrite"))
    with_region_option(slides)

    handouts = commands.add_parser("handouts", help=t("cli.handouts"), description=t("cli.handouts"))
    with_store_options(handouts)
    handouts.add_argument("--training", metavar=t("cli.metavar.training"), help=t("cli.opt.training"))
    handouts.add_argument("--program", metavar=t("cli.metavar.program"), help=t("cli.opt.program"))
    handouts.add_argument("--out", type=Path, metavar=t("cli.metavar.folder"), help=t("cli.opt.handouts_out"))
    handouts.add_argument("--copies", type=_whole, metavar="N", help=t("cli.opt.copies"))
    handouts.add_argument("--with-names", action="store_true", help=t("cli.opt.names_attendance"))
    handouts.add_argument("--no-pdf", action="store_true", help=t("cli.opt.no_pdf"))
    handouts.add_argument("--overwrite", action="store_true", help=t("cli.opt.overwrite"))
    with_region_option(handouts)

    users = commands.add_parser("users", help=t("cli.users"), description=t("cli.users"))
    actions = users.add_subparsers(dest="action", title=t("cli.commands"), metavar=t("cli.metavar.action"),
                                   parser_class=_Parser)
    users_add = actions.add_parser("add", help=t("cli.users.add"), description=t("cli.users.add"))
    users_add.add_argument("name", metavar=t("cli.metavar.name"), help=t("cli.opt.user_name"))
    users_add.add_argument("--role", required=True, choices=ROLES, help=t("cli.opt.role"))
    users_add.add_argument("--org", default="", metavar=t("cli.metavar.organisation"), help=t("cli.opt.org"))
    users_add.add_argument("--first-login-hours", type=_hours, default=24, metavar=t("cli.metavar.hours"),
                           help=t("cli.opt.first_login_hours"))
    with_store_options(users_add)
    users_list = actions.add_parser("list", help=t("cli.users.list"), description=t("cli.users.list"))
    with_store_options(users_list)
    users_remove = actions.add_parser("remove", help=t("cli.users.remove"), description=t("cli.users.remove"))
    users_remove.add_argument("name", metavar=t("cli.metavar.name"), help=t("cli.opt.user_name"))
    with_store_options(users_remove)

    certificates = commands.add_parser("certificates", help=t("cli.certificates"), description=t("cli.certificates"))
    with_store_options(certificates)
    certificates.add_argument("--training", required=True, metavar=t("cli.metavar.training"),
                       help=t("cli.opt.training"))
    certificates.add_argument("--out", required=True, type=Path, metavar=t("cli.metavar.file"),
                              help=t("cli.opt.cert_out"))
    certificates.add_argument("--trainers", metavar=t("cli.metavar.name"), help=t("cli.opt.trainers"))
    certificates.add_argument("--register", metavar=t("cli.metavar.name"), help=t("cli.opt.register"))
    certificates.add_argument("--number", metavar="NR", help=t("cli.opt.accreditation_number"))
    certificates.add_argument("--points", metavar="N", help=t("cli.opt.points"))
    certificates.add_argument("--overwrite", action="store_true", help=t("cli.opt.overwrite"))

    invitation = commands.add_parser("invitation", help=t("cli.invitation"), description=t("cli.invitation"))
    with_store_options(invitation)
    invitation.add_argument("--training", required=True, metavar=t("cli.metavar.training"),
                       help=t("cli.opt.training"))
    invitation.add_argument("--out", required=True, type=Path, metavar=t("cli.metavar.file"), help=t("cli.opt.ics_out"))
    invitation.add_argument("--poster", type=Path, metavar=t("cli.metavar.file"), help=t("cli.opt.poster"))
    invitation.add_argument("--location", metavar=t("cli.metavar.name"), help=t("cli.opt.location"))
    invitation.add_argument("--url", metavar="URL", help=t("cli.opt.url"))
    invitation.add_argument("--start", default="09:00", metavar=t("cli.metavar.clock"), help=t("cli.opt.invite_start"))
    invitation.add_argument("--overwrite", action="store_true", help=t("cli.opt.overwrite"))

    lab = commands.add_parser("lab", help=t("cli.lab"), description=t("cli.lab.description"))
    with_store_options(lab)
    lab.add_argument("--folder", type=Path, metavar=t("cli.metavar.folder"), help=t("cli.opt.lab_folder"))
    lab.add_argument("--port", type=_port, metavar="N", help=t("cli.opt.lab_port"))
    lab.add_argument("--no-browser", action="store_true", help=t("cli.opt.no_browser"))

    local = commands.add_parser("content", help=t("cli.content"), description=t("cli.content"))
    content_actions = local.add_subparsers(dest="action", title=t("cli.commands"), metavar=t("cli.metavar.action"),
                                           parser_class=_Parser)
    new_case = content_actions.add_parser("new-case", help=t("cli.content.new_case"),
                                          description=t("cli.content.new_case"))
    new_case.add_argument("case_id", metavar=t("cli.metavar.id"), help=t("cli.opt.case_id"))
    new_case.add_argument("--program", required=True, metavar=t("cli.metavar.program"), help=t("cli.opt.case_program"))
    with_region_option(new_case)
    content_check = content_actions.add_parser("check", help=t("cli.content.check"), description=t("cli.content.check"))
    with_region_option(content_check)

    bundle = commands.add_parser("bundle", help=t("cli.bundle"), description=t("cli.bundle"))
    steps = bundle.add_subparsers(dest="action", title=t("cli.commands"), metavar=t("cli.metavar.action"),
                                  parser_class=_Parser)
    bundle_export = steps.add_parser("export", help=t("cli.bundle.export"), description=t("cli.bundle.export"))
    bundle_export.add_argument("--training", required=True, metavar=t("cli.metavar.training"),
                               help=t("cli.opt.training"))
    bundle_export.add_argument("--out", required=True, type=Path, metavar=t("cli.metavar.file"),
                               help=t("cli.opt.bundle_out"))
    bundle_export.add_argument("--org", metavar=t("cli.metavar.organisation"), help=t("cli.opt.bundle_org_export"))
    bundle_export.add_argument("--overwrite", action="store_true", help=t("cli.opt.overwrite"))
    with_store_options(bundle_export)
    bundle_import = steps.add_parser("import", help=t("cli.bundle.import"), description=t("cli.bundle.import"))
    bundle_import.add_argument("file", type=Path, metavar=t("cli.metavar.file"), help=t("cli.opt.bundle_file"))
    bundle_import.add_argument("--org", required=True, metavar=t("cli.metavar.organisation"),
                               help=t("cli.opt.bundle_org_import"))
    with_store_options(bundle_import)

    demo = commands.add_parser("demo", help=t("cli.demo"), description=t("cli.demo"))
    with_store_options(demo)
    with_server_options(demo)
    with_region_option(demo)
    demo.add_argument("--no-serve", action="store_true", help=t("cli.opt.no_serve"))

    hub = commands.add_parser("hub", help=t("cli.hub"), description=t("cli.hub.description"))
    hub.add_argument("--db", metavar="URL", help=t("cli.opt.hub_db"))
    what = hub.add_mutually_exclusive_group(required=True)
    what.add_argument("--config", action="store_true", help=t("cli.opt.hub_config"))
    what.add_argument("--nginx", action="store_true", help=t("cli.opt.hub_nginx"))
    what.add_argument("--write-static", type=Path, metavar=t("cli.metavar.folder"), help=t("cli.opt.hub_write_static"))
    what.add_argument("--install-script", action="store_true", help=t("cli.opt.hub_install_script"))
    hub.add_argument("--public-url", metavar="URL", help=t("cli.opt.public_url"))
    hub.add_argument("--ip", default="127.0.0.1", help=t("cli.opt.hub_ip"))
    hub.add_argument("--port", type=_port, default=8000, metavar="N", help=t("cli.opt.hub_port"))
    hub.add_argument("--room-port", type=_port, default=8870, metavar="N", help=t("cli.opt.room_port"))
    hub.add_argument("--room-copies", type=_whole, default=1, metavar="N", help=t("cli.opt.room_copies"))
    hub.add_argument("--admin", action="append", default=[], metavar=t("cli.metavar.name"), help=t("cli.opt.hub_admin"))
    hub.add_argument("--state-dir", type=Path, default=Path("."), metavar=t("cli.metavar.folder"),
                     help=t("cli.opt.hub_state"))
    # The nginx site (--nginx) in front of the hub and the room copies.
    hub.add_argument("--static-dir", default="/srv/pztraining/static", metavar=t("cli.metavar.folder"),
                     help=t("cli.opt.hub_static_dir"))
    hub.add_argument("--certificate", default="", metavar=t("cli.metavar.file"), help=t("cli.opt.hub_certificate"))
    hub.add_argument("--certificate-key", default="", metavar=t("cli.metavar.file"),
                     help=t("cli.opt.hub_certificate_key"))
    hub.add_argument("--acme-dir", default="/var/www/letsencrypt", metavar=t("cli.metavar.folder"),
                     help=t("cli.opt.hub_acme_dir"))
    hub.add_argument("--http-port", type=_port, default=80, metavar="N", help=t("cli.opt.hub_http_port"))
    hub.add_argument("--nginx-version", default="", metavar=t("cli.metavar.text"), help=t("cli.opt.hub_nginx_version"))
    hub.add_argument("--no-tls", action="store_true", help=t("cli.opt.hub_no_tls"))
    hub.add_argument("--no-ipv6", action="store_true", help=t("cli.opt.hub_no_ipv6"))
    return parser


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
        command = next((a + " " for a in args_list if a in _commands(parser)), "")
        print(t("cli.bad_args", message=exc, command=command), file=sys.stderr)
        return 2
    if args.command is None:
        parser.print_help()
        return 2
    handler = {"serve": cmd_serve, "check": cmd_check, "agenda": cmd_agenda, "demo": cmd_demo,
               "export": cmd_export, "borging": cmd_borging, "remove": cmd_remove, "slides": cmd_slides,
               "handouts": cmd_handouts, "users": cmd_users, "hub": cmd_hub, "content": cmd_content,
               "certificates": cmd_certificates, "invitation": cmd_invitation, "lab": cmd_lab,
               "bundle": cmd_bundle}
    if getattr(args, "region", None) is not None:
        # Handed down, so the app servers and their kernels use the same region.
        hand_down(read_settings(region=args.region.resolve()))
    if getattr(args, "content_dir", None) is not None:  # likewise the organisation's own content
        hand_down(read_settings(content_dir=args.content_dir.resolve()))
        content.loader.library.cache_clear()
    try:
        return handler[args.command](args)
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


def _say_where(asked: Path, written: Path) -> None:
    """Say so when a folder of files went into a new subfolder because ``asked`` held other files."""
    if Path(written) != Path(asked):
        print(t("files.subfolder", folder=asked, path=written))


def _commands(parser: _Parser) -> set[str]:
    return {"serve", "check", "agenda", "demo", "export", "borging", "remove", "slides", "handouts", "users", "hub",
            "content", "certificates", "invitation", "lab", "bundle"}


# ------------------------------------------------------------------------- commands


def cmd_check(args) -> int:
    from pztraining.content.deck import check_decks, deck_files

    roots = args.paths or [None]
    files: list[Path] = []
    decks: list[Path] = []
    for root in roots:
        if root is not None and root.is_file():
            (decks if root.suffix == ".md" else files).append(root)
            continue
        if root is not None and not root.exists():
            print(t("cli.check.no_files", path=root), file=sys.stderr)
            return 1
        files.extend(content.content_files(root))
        decks.extend(deck_files(root) if root is not None else deck_files())
    if not files and not decks:
        print(t("cli.check.no_files", path=", ".join(map(str, args.paths))), file=sys.stderr)
        return 1
    problems = content.check_files(files) + check_decks(decks)
    for problem in problems:
        print(problem)
    if problems:
        print(t("cli.check.failed", count=len(problems)), file=sys.stderr)
        return 1
    print(t("cli.check.ok", count=len(files) + len(decks)))
    return 0


def cmd_content(args) -> int:
    from pztraining.content import local

    if args.action is None:
        raise UsageError(t("cli.content.need_action"))
    if args.action == "new-case":
        path = local.new_case(args.case_id, args.program)
        print(t("cli.content.written", path=path))
        return 0
    report = local.check_folder()
    if not report.files:
        print(t("cli.content.empty", folder=report.folder), file=sys.stderr)
        return 1
    for problem in report.problems:
        print(problem)
    for case in report.cases:
        print()
        print(local.briefing_preview(case), end="")
    if report.problems:
        print(t("cli.content.failed", count=len(report.problems)), file=sys.stderr)
        return 1
    print(t("cli.content.checked", count=len(report.files), folder=report.folder))
    return 0


def _paperwork_training(args, **changes: str | None):
    """The training of ``--training`` (this login must run it), its details saved with what the options changed."""
    from pztraining.core.clock import utc_now
    from pztraining.services.results import find_training  # by id, code or name, as for exports

    store = Store.open(args.db, args.data_dir, create=False)
    training = find_training(store, args.training)
    access.require(access.current_user(store), training, access.can_run, args.command)
    details = store.training_details(training.id)
    given = {name: value for name, value in changes.items() if value is not None}
    if given:
        details = store.save_training_details(training.id, dataclasses.replace(details, **given), utc_now())
    return store, training, details


def cmd_certificates(args) -> int:
    from pztraining.reports import certificates

    store, training, _details = _paperwork_training(args, trainers=args.trainers, register=args.register,
                                                    accreditation_number=args.number, points=args.points)
    found = certificates.write_certificates(store, training, args.out, overwrite=args.overwrite)
    print(t("cli.certificates.written", count=len(found.complete), path=args.out))
    missing = certificates.missing_lines(found, training)
    if missing:
        print(t("cert.missing_title"), file=sys.stderr)
        for line in missing:
            print(f"  {line}", file=sys.stderr)
    return 0


def cmd_invitation(args) -> int:
    from pztraining.core.clock import local_zone, utc_now
    from pztraining.core.files import atomic_file, atomic_text
    from pztraining.reports import invitation

    _store, training, details = _paperwork_training(args, location=args.location)
    program = content.load_program(training.program_id)
    start = agenda_lib.parse_clock(args.start)
    url = invitation.join_url(training, args.url)
    ics, skipped = invitation.calendar_ics(training, program, details, url, start, local_zone(), utc_now())
    atomic_file(args.out, lambda target: target.write_bytes(ics), overwrite=args.overwrite)
    print(t("cli.invitation.written", path=args.out))
    if args.poster is not None:
        html = invitation.poster_html(training, program, details, url, start, local_zone())
        if args.poster.suffix.lower() == ".pdf":
            invitation.write_poster_pdf(html, args.poster, overwrite=args.overwrite)
        else:
            atomic_text(args.poster, html, overwrite=args.overwrite)
        print(t("cli.invitation.poster_written", path=args.poster))
    if skipped:
        print(t("cli.invitation.skipped", numbers=", ".join(map(str, skipped))), file=sys.stderr)
    if url is None:
        print(t("cli.invitation.no_url"), file=sys.stderr)
    return 0


def cmd_lab(args) -> int:
    from pztraining.cli import lab
    from pztraining.store import database_url, default_data_dir

    url = database_url(args.db, args.data_dir)
    Store(url, read_only=True).close()  # a wrong or missing database is said now, not in the notebook
    command_folder = args.folder or (args.data_dir or default_data_dir()) / "analyse"
    notebook, copied = lab.place_notebook(command_folder)
    print(t("cli.lab.copied" if copied else "cli.lab.existing", path=notebook))
    command = lab.lab_command(notebook, args.no_browser, args.port)
    print(t("cli.lab.starting", database=display_url(url)), flush=True)
    try:
        return lab.run(command, url)
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 0


def cmd_agenda(args) -> int:
    program = content.load_program(args.program)
    meeting = agenda_lib.find_meeting(program, args.meeting)
    clock = agenda_lib.parse_clock(args.start)
    rows = agenda_lib.plan_meeting(meeting, agenda_lib.start_on(None, clock), args.minutes)
    sys.stdout.write(agenda_lib.format_agenda(program, meeting, rows))
    return 0


def _date(text: str | None):
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ScopeError(t("export.date", text=text))


def cmd_export(args) -> int:
    from pztraining.core.clock import local, utc_now
    from pztraining.reports import export
    from pztraining.services import results  # pandas: only for this command

    if not args.training and not args.program:
        raise ScopeError(t("export.need_scope"))
    store = Store.open(args.db, args.data_dir, create=False)  # a typo must not make an empty database
    user = access.current_user(store)  # hosted: only what this login may read
    if args.training:
        scope = results.training_scope(store, args.training)
        access.require(user, scope.trainings[0], access.can_read_results, "export")
    else:
        scope = results.program_scope(store, args.program, _date(args.date_from), _date(args.date_to))
        scope = dataclasses.replace(scope, trainings=tuple(
            access.visible_trainings(user, scope.trainings, access.can_read_results)))
    with_names = args.with_names and not access.must_pseudonymize(user)
    if args.with_names and not with_names:
        print(t("access.cli_pseudonymized"), file=sys.stderr)
    bundle = results.build(store, scope, with_names=with_names)
    written = export.write(bundle, args.format, args.out, with_names, local(utc_now()), overwrite=args.overwrite)
    if bundle.tidy.empty:
        print(t("export.empty"), file=sys.stderr)
    _say_where(args.out, written)
    print(t("export.written", path=written))
    return 0


def cmd_borging(args) -> int:
    from pztraining.core.clock import local, local_zone, utc_now
    from pztraining.reports import borging as report_export  # pandas: only for this command
    from pztraining.services.kartrekker import gather

    date_from, date_to = _date(args.date_from), _date(args.date_to)
    if date_from is None or date_to is None:
        raise ScopeError(t("cli.borging.need_period"))
    if args.program and args.program not in content.library().programs:
        raise content.UnknownProgram(args.program)
    store = Store.open(args.db, args.data_dir, create=False)  # a typo must not make an empty database
    now = local(utc_now())
    data = gather.borging(store, args.org, date_from, date_to, now.date(), local_zone(),
                          program_id=args.program, per=args.per, user=access.current_user(store))
    written = report_export.write(data, args.format, args.out, now, overwrite=args.overwrite)
    for note in data.notes:
        print(note, file=sys.stderr)
    _say_where(args.out, written)
    print(t("cli.borging.written", path=written))
    return 0


def cmd_remove(args) -> int:
    from pztraining.services.results import find_training  # by id, code or name, as for exports

    store = Store.open(args.db, args.data_dir, create=False)
    training = find_training(store, args.training)
    access.require(access.current_user(store), training, access.can_run, "remove")
    if not args.yes:
        print(t("cli.remove.confirm", name=training.name, code=training.join_code), file=sys.stderr)
        return 1
    store.remove_training(training.id)
    print(t("cli.remove.done", name=training.name))
    return 0


def _who(role: str, organisation: str) -> str:
    if organisation:
        return t("cli.users.who", role=t(f"role.{role}"), organisation=organisation)
    return t("cli.users.who_all", role=t(f"role.{role}"))


def cmd_users(args) -> int:
    if args.action is None:
        raise UsageError(t("cli.users.need_action"))
    if args.action == "add":
        store = Store.open(args.db, args.data_dir)  # roles may be given before the first serve
        try:
            store.find_user(args.name)
            key = "cli.users.updated"
        except MissingEntry:
            key = "cli.users.added"
        from pztraining.core.clock import local, utc_now

        # The hub lets this name choose its first password only until then (see hub_auth).
        until = utc_now() + timedelta(hours=args.first_login_hours)
        account = store.add_user(args.name, args.role, args.org, first_login_until=until)
        print(t(key, name=account.name, who=_who(account.role, account.organisation)))
        print(t("cli.users.first_login", until=local(until).strftime("%d-%m-%Y %H:%M")))
        return 0
    store = Store.open(args.db, args.data_dir, create=False)
    if args.action == "remove":
        store.remove_user(args.name)
        print(t("cli.users.removed", name=login_name(args.name)))
        return 0
    accounts = store.list_users()
    if not accounts:
        print(t("cli.users.none"))
        return 0
    rows = [(t("cli.users.col.name"), t("cli.users.col.role"), t("cli.users.col.organisation"))]
    rows += [(a.name, t(f"role.{a.role}"), a.organisation or t("cli.users.all_orgs")) for a in accounts]
    name_width, role_width = (max(len(row[i]) for row in rows) for i in (0, 1))
    for name, role, organisation in rows:
        print(f"{name:<{name_width}}  {role:<{role_width}}  {organisation}")
    return 0


def cmd_bundle(args) -> int:
    """Export one training to a bundle file (laptop), or import one (the organisation's server)."""
    from importlib.metadata import PackageNotFoundError, version

    from pztraining.core.clock import utc_now
    from pztraining.core.files import atomic_file
    from pztraining.domain import bundle as bundle_lib

    if args.action is None:
        raise UsageError(t("cli.bundle.need_action"))
    store = Store.open(args.db, args.data_dir, create=False)  # a typo must not make an empty database
    user = access.current_user(store)
    if args.action == "export":
        from pztraining.services.results import find_training  # by id, code or name, as for exports

        training = find_training(store, args.training)
        access.require(user, training, access.can_run, "bundle export")
        organisation = bundle_lib.export_organisation(training.organisation, args.org)
        rows = store.training_bundle(training.id)
        try:
            made_by = version("pztraining")
        except PackageNotFoundError:  # run from a checkout that was never installed
            made_by = ""
        text, _digest = bundle_lib.seal(rows, organisation=organisation, exported_at=utc_now(),
                                        version=made_by, schema_version=store.schema_version())
        atomic_file(args.out, lambda path: path.write_text(text, encoding="utf-8"), overwrite=args.overwrite)
        print(t("bundle.written", path=args.out, name=training.name, org=organisation, **bundle_lib.summary(rows)))
        still_open = bundle_lib.open_forms(rows)
        if still_open:
            print(t("bundle.open_forms", forms="; ".join(still_open)), file=sys.stderr)
        return 0
    found = bundle_lib.read(args.file.read_bytes(), args.file)
    known = {account.organisation for account in store.list_users()}
    known |= {tr.organisation for tr in store.list_trainings()}
    organisation = bundle_lib.import_organisation(found, args.org, known - {""})
    access.require_organisation(user, organisation, "bundle import")
    result = store.import_bundle(found.content, organisation, found.data_checksum, utc_now())
    said = {"name": found.training_name, "org": organisation, **bundle_lib.summary(found.content)}
    if result.outcome == "older":
        raise bundle_lib.BundleError(t("bundle.older", **said))
    if result.outcome == "other_organisation":
        raise bundle_lib.ForeignBundle(t("bundle.other_org_imported", **said))
    print(t({"new": "bundle.imported", "replaced": "bundle.replaced", "unchanged": "bundle.unchanged"}[result.outcome],
            **said))
    return 0


def cmd_slides(args) -> int:
    from pztraining.core.clock import local, utc_now
    from pztraining.reports import slides

    report = slides.build(args.out, args.paths or None, overwrite=args.overwrite, now=local(utc_now()))
    if args.out is not None:
        _say_where(args.out, report.out)
    for deck in report.built:
        print(t("cli.slides.built", path=report.out / deck.file))
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if report.built:
        print(t("cli.slides.open", path=report.out / "index.html"))
    if not report.ok:
        print(t("cli.slides.failed", count=len(report.problems)), file=sys.stderr)
        return 1
    return 0


def cmd_handouts(args) -> int:
    from pztraining.core.clock import local, utc_now
    from pztraining.reports import handouts

    if not args.training and not args.program:
        raise HandoutsError(t("cli.handouts.need_scope"))
    if args.copies is not None and args.copies < 1:
        raise HandoutsError(t("cli.handouts.copies"))
    # A broken content file is named at the end; everything that does not need it is written.
    lib, problems = content.load_library()
    info, participants = None, 0
    if args.training:
        from pztraining.services.results import find_training  # by id, code or name, as for exports

        store = Store.open(args.db, args.data_dir, create=False)
        training = find_training(store, args.training)
        access.require(access.current_user(store), training, access.can_run, "handouts")
        names = tuple(p.name for p in store.list_participants(training.id))
        participants = len(names)
        info = handouts.TrainingInfo(training.name, training.organisation, training.meeting_dates,
                                     names if args.with_names else (),
                                     frozenset(store.checklist_ticks(training.id)))
        program_id = training.program_id
    else:
        program_id = args.program
    if program_id not in lib.programs:
        for problem in problems:
            print(problem, file=sys.stderr)
        raise content.UnknownProgram(program_id)
    program = lib.programs[program_id]
    copies = args.copies or handouts.card_copies(participants)
    name = info.name if info else program.id
    out = args.out or Path("hand-outs") / _slug(name)
    pages = handouts.handouts_for(program, info, copies, lib)
    report = handouts.write_handouts(pages, out, t("handout.index.title", name=name), pdf=not args.no_pdf,
                                     now=local(utc_now()), overwrite=args.overwrite)
    for warning in report.warnings:
        print(t("cli.handouts.warning", problem=warning), file=sys.stderr)
    _say_where(out, report.out)
    print(t("cli.handouts.written", count=len(pages), path=report.out, index=report.out / "index.html"))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(t("cli.handouts.incomplete", count=len(problems)), file=sys.stderr)
        return 1
    return 0


def _slug(text: str) -> str:
    """A folder name from a training's name: letters, digits and '-'."""
    import re
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "training"


def cmd_serve(args) -> int:
    store = Store.open(args.db, args.data_dir)  # creates or migrates before the apps start
    store.close()
    return _serve_until_interrupted(store.url, args)


def cmd_demo(args) -> int:
    data_dir = args.data_dir
    store = Store.open(args.db, data_dir)
    from pztraining.core.clock import utc_now

    for training, created in demo_lib.ensure_demo_trainings(store, utc_now()):
        key = "cli.demo.created" if created else "cli.demo.exists"
        print(t(key, name=training.name, program=training.program_id, code=training.join_code))
    store.close()
    if args.no_serve:
        return 0
    return _serve_until_interrupted(store.url, args)


def cmd_hub(args) -> int:
    """Print a jupyterhub_config.py for this install (this Python, this database, these ports)."""
    chosen = read_settings(database=args.db, public_url=args.public_url)
    public_url = chosen.public_url or f"http://{args.ip}:{args.port}"
    if args.install_script:
        print(install_script(), end="")
        return 0
    if args.write_static is not None:
        write_static(args.write_static)
        return 0
    if args.nginx:
        print(nginx_text(NginxSettings(
            public_url=public_url, hub_port=args.port, room_port=args.room_port, room_copies=args.room_copies,
            static_dir=args.static_dir, certificate=args.certificate, certificate_key=args.certificate_key,
            acme_dir=args.acme_dir, http_port=args.http_port, nginx_version=nginx_version(args.nginx_version),
            tls=not args.no_tls, ipv6=not args.no_ipv6)), end="")
        return 0
    db_url = chosen.database
    if not db_url:
        raise HubConfigError(t("cli.hub.need_db"))
    store = Store.open(db_url)  # a wrong address is said now, not when the first trainer logs in
    store.close()
    settings = HubSettings(db_url=db_url, public_url=public_url, hub_ip=args.ip, hub_port=args.port,
                           room_port=args.room_port, room_copies=args.room_copies, admins=args.admin,
                           state_dir=str(args.state_dir.resolve()))
    print(config_text(settings), end="")
    return 0


def _stop_on_sigterm() -> None:
    # A service manager (or a test) stops us with SIGTERM: treat it like Ctrl+C so the
    # Voila servers are stopped too instead of being orphaned on their ports.
    def _raise(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _raise)


def _serve_until_interrupted(db_url: str, args) -> int:
    _stop_on_sigterm()
    # --room: phones and tablets reach the room server over the room's Wi-Fi; the trainer
    # server stays on this laptop.
    host = "0.0.0.0" if args.room and args.host == "127.0.0.1" else args.host
    # Busy ports are said before anything else (a running `serve` would answer for us).
    server.require_free_ports(server.serve_ports(host, args.port, args.participant_port, args.trainer_host))
    print(t("cli.serve.starting"), flush=True)
    log_dir = _log_dir(db_url, args)
    slides_dir = _fresh_slides()
    apps = server.serve(db_url, host=host, port=args.port, participant_port=args.participant_port,
                        trainer_host=args.trainer_host, token=args.token, log_dir=log_dir, slides_dir=slides_dir)
    try:
        print(t("cli.serve.ready"))
        print(t("cli.serve.trainer", url=apps.trainer.url("trainer.ipynb")))
        print(t("cli.serve.facilitator", url=apps.trainer.url("facilitator.ipynb")))
        print(t("cli.serve.results", url=apps.trainer.url("results.ipynb")))
        print(t("cli.serve.kartrekker", url=apps.trainer.url("kartrekker.ipynb")))
        print(t("cli.serve.participant", url=apps.participant_url))
        print(t("cli.serve.room_page", url=apps.trainer.url_of(ROOM_PAGE)))
        if args.room:
            print(t("cli.serve.room_qr"))
            assert apps.participant_url is not None  # the room server runs
            print(terminal_qr(apps.participant_url), end="")
            print(t("cli.serve.room_facilitators"))
        print(t("cli.serve.database", url=display_url(db_url)))
        print(t("cli.serve.stop"), flush=True)
        while all(s.process.poll() is None for s in apps.servers):
            time.sleep(0.5)
        return 1
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 0
    finally:
        apps.stop()


def _fresh_slides() -> Path | None:
    """Build the decks when their sources changed, so the trainer app links to current slides.

    A deck that does not build is reported and the apps start anyway: a training can go on
    without slides, not without its draaiboek.
    """
    from pztraining.reports import slides

    out = slides.default_build_dir()
    try:
        if slides.is_stale(out):
            print(t("cli.serve.slides"), flush=True)
            report = slides.build(out)
            for problem in report.problems:
                print(t("cli.serve.slides_problem", problem=problem), file=sys.stderr)
    except PztrainingError as exc:  # e.g. a file that is not ours in the build folder: kept, and said
        print(t("cli.serve.slides_problem", problem=exc), file=sys.stderr)
        return None
    return out


def _log_dir(db_url: str, args) -> Path | None:
    folder = args.data_dir
    if folder is None and db_url.startswith("sqlite:///"):
        folder = Path(db_url[len("sqlite:///"):]).parent
    if folder is None:
        return None
    folder = Path(folder) / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
