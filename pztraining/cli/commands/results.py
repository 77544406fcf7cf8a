"""Commands that read what trainings gathered: ``export``, ``borging``, ``remove``, ``certificates``, ``invitation``."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from pztraining import content
from pztraining.cli.parsing import parse_date, say_where, store_options
from pztraining.core.errors import ScopeError
from pztraining.core.texts import t
from pztraining.domain import agenda as agenda_lib
from pztraining.domain import periods
from pztraining.services import access
from pztraining.store import Store

FORMATS = ("xlsx", "csv", "html")


def export_arguments(sub) -> None:
    store_options(sub)
    sub.add_argument("--training", metavar=t("cli.metavar.training"), help=t("cli.opt.training"))
    sub.add_argument("--program", metavar=t("cli.metavar.program"), help=t("cli.opt.program"))
    sub.add_argument("--from", dest="date_from", metavar=t("cli.metavar.date"), help=t("cli.opt.from"))
    sub.add_argument("--to", dest="date_to", metavar=t("cli.metavar.date"), help=t("cli.opt.to"))
    sub.add_argument("--format", default="xlsx", choices=FORMATS, help=t("cli.opt.format"))
    sub.add_argument("--out", required=True, type=Path, metavar=t("cli.metavar.path"), help=t("cli.opt.out"))
    sub.add_argument("--with-names", action="store_true", help=t("cli.opt.with_names"))
    sub.add_argument("--overwrite", action="store_true", help=t("cli.opt.overwrite"))


def borging_arguments(sub) -> None:
    store_options(sub)
    sub.add_argument("--org", required=True, metavar=t("cli.metavar.organisation"), help=t("cli.opt.borging_org"))
    sub.add_argument("--program", metavar=t("cli.metavar.program"), help=t("cli.opt.program"))
    sub.add_argument("--from", dest="date_from", metavar=t("cli.metavar.date"), help=t("cli.opt.from"))
    sub.add_argument("--to", dest="date_to", metavar=t("cli.metavar.date"), help=t("cli.opt.to"))
    sub.add_argument("--per", choices=periods.PERIODS, help=t("cli.opt.per"))
    sub.add_argument("--format", default="xlsx", choices=FORMATS, help=t("cli.opt.borging_format"))
    sub.add_argument("--out", required=True, type=Path, metavar=t("cli.metavar.path"), help=t("cli.opt.out"))
    sub.add_argument("--overwrite", action="store_true", help=t("cli.opt.overwrite"))


def remove_arguments(sub) -> None:
    store_options(sub)
    sub.add_argument("--training", required=True, metavar=t("cli.metavar.training"), help=t("cli.opt.training"))
    sub.add_argument("--yes", action="store_true", help=t("cli.opt.yes"))


def certificates_arguments(sub) -> None:
    store_options(sub)
    sub.add_argument("--training", required=True, metavar=t("cli.metavar.training"), help=t("cli.opt.training"))
    sub.add_argument("--out", required=True, type=Path, metavar=t("cli.metavar.file"), help=t("cli.opt.cert_out"))
    sub.add_argument("--trainers", metavar=t("cli.metavar.name"), help=t("cli.opt.trainers"))
    sub.add_argument("--register", metavar=t("cli.metavar.name"), help=t("cli.opt.register"))
    sub.add_argument("--number", metavar="NR", help=t("cli.opt.accreditation_number"))
    sub.add_argument("--points", metavar="N", help=t("cli.opt.points"))
    sub.add_argument("--overwrite", action="store_true", help=t("cli.opt.overwrite"))


def invitation_arguments(sub) -> None:
    store_options(sub)
    sub.add_argument("--training", required=True, metavar=t("cli.metavar.training"), help=t("cli.opt.training"))
    sub.add_argument("--out", required=True, type=Path, metavar=t("cli.metavar.file"), help=t("cli.opt.ics_out"))
    sub.add_argument("--poster", type=Path, metavar=t("cli.metavar.file"), help=t("cli.opt.poster"))
    sub.add_argument("--location", metavar=t("cli.metavar.name"), help=t("cli.opt.location"))
    sub.add_argument("--url", metavar="URL", help=t("cli.opt.url"))
    sub.add_argument("--start", default="09:00", metavar=t("cli.metavar.clock"), help=t("cli.opt.invite_start"))
    sub.add_argument("--overwrite", action="store_true", help=t("cli.opt.overwrite"))


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
        scope = results.program_scope(store, args.program, parse_date(args.date_from), parse_date(args.date_to))
        scope = dataclasses.replace(
            scope, trainings=tuple(access.visible_trainings(user, scope.trainings, access.can_read_results))
        )
    with_names = args.with_names and not access.must_pseudonymize(user)
    if args.with_names and not with_names:
        print(t("access.cli_pseudonymized"), file=sys.stderr)
    bundle = results.build(store, scope, with_names=with_names)
    written = export.write(bundle, args.format, args.out, with_names, local(utc_now()), overwrite=args.overwrite)
    if bundle.tidy.empty:
        print(t("export.empty"), file=sys.stderr)
    say_where(args.out, written)
    print(t("export.written", path=written))
    return 0


def cmd_borging(args) -> int:
    from pztraining.core.clock import local, local_zone, utc_now
    from pztraining.reports import borging as report_export  # pandas: only for this command
    from pztraining.services.kartrekker import gather

    period = periods.borging_period(parse_date(args.date_from), parse_date(args.date_to), args.per)
    if args.program and args.program not in content.library().programs:
        raise content.UnknownProgram(args.program)
    store = Store.open(args.db, args.data_dir, create=False)  # a typo must not make an empty database
    now = local(utc_now())
    # ``args.per``, not ``period.per``: without --per the programme's planning chooses (in gather).
    data = gather.borging(
        store,
        args.org,
        period.start,
        period.end,
        now.date(),
        local_zone(),
        program_id=args.program,
        per=args.per,
        user=access.current_user(store),
    )
    written = report_export.write(data, args.format, args.out, now, overwrite=args.overwrite)
    for note in data.notes:
        print(note, file=sys.stderr)
    say_where(args.out, written)
    print(t("cli.borging.written", path=written))
    return 0


def cmd_remove(args) -> int:
    from pztraining.services.results import training_by_reference  # by id, code or name, as for exports

    store = Store.open(args.db, args.data_dir, create=False)
    training = training_by_reference(store, args.training)
    access.require(access.current_user(store), training, access.can_run, "remove")
    if not args.yes:
        print(t("cli.remove.confirm", name=training.name, code=training.join_code), file=sys.stderr)
        return 1
    store.remove_training(training.id)
    print(t("cli.remove.done", name=training.name))
    return 0


def _paperwork_training(args, **changes: str | None):
    """The training of ``--training`` (this login must run it), its details saved with what the options changed."""
    from pztraining.core.clock import utc_now
    from pztraining.services.results import training_by_reference  # by id, code or name, as for exports

    store = Store.open(args.db, args.data_dir, create=False)
    training = training_by_reference(store, args.training)
    access.require(access.current_user(store), training, access.can_run, args.command)
    details = store.training_details(training.id)
    given = {name: value for name, value in changes.items() if value is not None}
    if given:
        details = store.save_training_details(training.id, dataclasses.replace(details, **given), utc_now())
    return store, training, details


def cmd_certificates(args) -> int:
    from pztraining.reports import certificates

    store, training, _details = _paperwork_training(
        args, trainers=args.trainers, register=args.register, accreditation_number=args.number, points=args.points
    )
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
