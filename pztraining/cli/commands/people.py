"""Commands about logins and carrying data: ``users``, ``bundle``, ``lab``."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from pztraining.cli.parsing import UsageError, hours, port, store_options, subcommands
from pztraining.core.texts import t
from pztraining.services import access
from pztraining.store import MissingEntry, Store, display_url, login_name


def users_arguments(sub) -> None:
    actions = subcommands(sub, "action")
    add = actions.add_parser("add", help=t("cli.users.add"), description=t("cli.users.add"))
    add.add_argument("name", metavar=t("cli.metavar.name"), help=t("cli.opt.user_name"))
    add.add_argument("--role", required=True, choices=access.ACCOUNT_ROLES, help=t("cli.opt.role"))
    add.add_argument("--org", default="", metavar=t("cli.metavar.organisation"), help=t("cli.opt.org"))
    add.add_argument(
        "--first-login-hours",
        type=hours,
        default=24,
        metavar=t("cli.metavar.hours"),
        help=t("cli.opt.first_login_hours"),
    )
    store_options(add)
    listing = actions.add_parser("list", help=t("cli.users.list"), description=t("cli.users.list"))
    store_options(listing)
    remove = actions.add_parser("remove", help=t("cli.users.remove"), description=t("cli.users.remove"))
    remove.add_argument("name", metavar=t("cli.metavar.name"), help=t("cli.opt.user_name"))
    store_options(remove)


def bundle_arguments(sub) -> None:
    steps = subcommands(sub, "action")
    export = steps.add_parser("export", help=t("cli.bundle.export"), description=t("cli.bundle.export"))
    export.add_argument("--training", required=True, metavar=t("cli.metavar.training"), help=t("cli.opt.training"))
    export.add_argument("--out", required=True, type=Path, metavar=t("cli.metavar.file"), help=t("cli.opt.bundle_out"))
    export.add_argument("--org", metavar=t("cli.metavar.organisation"), help=t("cli.opt.bundle_org_export"))
    export.add_argument("--overwrite", action="store_true", help=t("cli.opt.overwrite"))
    store_options(export)
    load = steps.add_parser("import", help=t("cli.bundle.import"), description=t("cli.bundle.import"))
    load.add_argument("file", type=Path, metavar=t("cli.metavar.file"), help=t("cli.opt.bundle_file"))
    load.add_argument(
        "--org", required=True, metavar=t("cli.metavar.organisation"), help=t("cli.opt.bundle_org_import")
    )
    store_options(load)


def lab_arguments(sub) -> None:
    store_options(sub)
    sub.add_argument("--folder", type=Path, metavar=t("cli.metavar.folder"), help=t("cli.opt.lab_folder"))
    sub.add_argument("--port", type=port, metavar="N", help=t("cli.opt.lab_port"))
    sub.add_argument("--no-browser", action="store_true", help=t("cli.opt.no_browser"))


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
        account = access.add_user(store, args.name, args.role, args.org, first_login_until=until)
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
        from pztraining.services.results import training_by_reference  # by id, code or name, as for exports

        training = training_by_reference(store, args.training)
        access.require(user, training, access.can_run, "bundle export")
        organisation = bundle_lib.export_organisation(training.organisation, args.org)
        rows = store.training_bundle(training.id)
        try:
            made_by = version("pztraining")
        except PackageNotFoundError:  # run from a checkout that was never installed
            made_by = ""
        text, _digest = bundle_lib.seal(
            rows,
            organisation=organisation,
            exported_at=utc_now(),
            version=made_by,
            schema_version=store.schema_version(),
        )
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
    print(
        t(
            {"new": "bundle.imported", "replaced": "bundle.replaced", "unchanged": "bundle.unchanged"}[result.outcome],
            **said,
        )
    )
    if result.outcome == "replaced":
        print(t("bundle.server_additions_kept"))
        if result.server_newer:
            said_as = {
                "run": "bundle.kept.run",
                "form": "bundle.kept.form",
                "case": "bundle.kept.case",
                "roleplay": "bundle.kept.roleplay",
            }
            what = "; ".join(
                t(said_as[kind], meeting=meeting, name=name) for kind, meeting, name in result.server_newer
            )
            print(t("bundle.server_newer", what=what))
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
