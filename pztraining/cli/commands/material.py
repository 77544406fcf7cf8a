"""Commands about the training material: ``check``, ``agenda``, ``slides``, ``handouts``, ``content``."""

from __future__ import annotations

import sys
from pathlib import Path

from pztraining import content
from pztraining.cli.parsing import UsageError, region_options, say_where, store_options, subcommands, whole
from pztraining.core.texts import t
from pztraining.domain import agenda as agenda_lib
from pztraining.reports.handouts import HandoutsError
from pztraining.services import access
from pztraining.store import Store


def check_arguments(sub) -> None:
    sub.add_argument("paths", nargs="*", type=Path, metavar=t("cli.metavar.path"), help=t("cli.opt.paths"))
    region_options(sub)


def agenda_arguments(sub) -> None:
    sub.add_argument("program", metavar=t("cli.metavar.program"), help=t("cli.opt.program"))
    sub.add_argument("--meeting", type=whole, default=1, metavar="N", help=t("cli.opt.meeting"))
    sub.add_argument("--minutes", type=whole, metavar="M", help=t("cli.opt.minutes"))
    sub.add_argument("--start", default="09:00", metavar=t("cli.metavar.clock"), help=t("cli.opt.start"))


def slides_arguments(sub) -> None:
    sub.add_argument("paths", nargs="*", type=Path, metavar=t("cli.metavar.path"), help=t("cli.opt.decks"))
    sub.add_argument("--out", type=Path, metavar=t("cli.metavar.folder"), help=t("cli.opt.slides_out"))
    sub.add_argument("--overwrite", action="store_true", help=t("cli.opt.overwrite"))
    region_options(sub)


def handouts_arguments(sub) -> None:
    store_options(sub)
    sub.add_argument("--training", metavar=t("cli.metavar.training"), help=t("cli.opt.training"))
    sub.add_argument("--program", metavar=t("cli.metavar.program"), help=t("cli.opt.program"))
    sub.add_argument("--out", type=Path, metavar=t("cli.metavar.folder"), help=t("cli.opt.handouts_out"))
    sub.add_argument("--copies", type=whole, metavar="N", help=t("cli.opt.copies"))
    sub.add_argument("--with-names", action="store_true", help=t("cli.opt.names_attendance"))
    sub.add_argument("--no-pdf", action="store_true", help=t("cli.opt.no_pdf"))
    sub.add_argument("--overwrite", action="store_true", help=t("cli.opt.overwrite"))
    region_options(sub)


def content_arguments(sub) -> None:
    actions = subcommands(sub, "action")
    new_case = actions.add_parser("new-case", help=t("cli.content.new_case"), description=t("cli.content.new_case"))
    new_case.add_argument("case_id", metavar=t("cli.metavar.id"), help=t("cli.opt.case_id"))
    new_case.add_argument("--program", required=True, metavar=t("cli.metavar.program"), help=t("cli.opt.case_program"))
    region_options(new_case)
    check = actions.add_parser("check", help=t("cli.content.check"), description=t("cli.content.check"))
    region_options(check)


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


def cmd_agenda(args) -> int:
    program = content.load_program(args.program)
    meeting = agenda_lib.find_meeting(program, args.meeting)
    clock = agenda_lib.parse_clock(args.start)
    rows = agenda_lib.plan_meeting(meeting, agenda_lib.start_on(None, clock), args.minutes)
    sys.stdout.write(agenda_lib.format_agenda(program, meeting, rows))
    return 0


def cmd_slides(args) -> int:
    from pztraining.core.clock import local, utc_now
    from pztraining.reports import slides

    report = slides.build(args.out, args.paths or None, overwrite=args.overwrite, now=local(utc_now()))
    if args.out is not None:
        say_where(args.out, report.out)
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
        from pztraining.services.results import training_by_reference

        store = Store.open(args.db, args.data_dir, create=False)
        training = training_by_reference(store, args.training)
        access.require(access.current_user(store), training, access.can_run, "handouts")
        names = tuple(p.name for p in store.list_participants(training.id))
        participants = len(names)
        info = handouts.TrainingInfo(
            training.name,
            training.organisation,
            training.meeting_dates,
            names if args.with_names else (),
            frozenset(store.checklist_ticks(training.id)),
        )
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
    report = handouts.write_handouts(
        pages,
        out,
        t("handout.index.title", name=name),
        pdf=not args.no_pdf,
        now=local(utc_now()),
        overwrite=args.overwrite,
    )
    for warning in report.warnings:
        print(t("cli.handouts.warning", problem=warning), file=sys.stderr)
    say_where(out, report.out)
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
