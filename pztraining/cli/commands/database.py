"""``db``: PostgreSQL for hosting: migrate as the tables' owner, make a login role a server's."""

from __future__ import annotations

from pztraining.cli.parsing import UsageError, store_options, subcommands
from pztraining.core.texts import t
from pztraining.store import Store, display_url


def db_arguments(sub) -> None:
    actions = subcommands(sub, "action")
    migrate = actions.add_parser("migrate", help=t("cli.db.migrate"), description=t("cli.db.migrate"))
    store_options(migrate)
    grant = actions.add_parser("grant", help=t("cli.db.grant"), description=t("cli.db.grant"))
    grant.add_argument("role", metavar=t("cli.metavar.db_role"), help=t("cli.opt.db_role"))
    grant.add_argument("--every-organisation", action="store_true", help=t("cli.opt.every_organisation"))
    store_options(grant)


def cmd_db(args) -> int:
    if args.action is None:
        raise UsageError(t("cli.db.need_action"))
    store = Store.open(args.db, args.data_dir)  # opening migrates: run it with the owner's URL
    try:
        if args.action == "grant":
            store.grant_server_role(args.role, args.every_organisation)
            print(t("cli.db.granted_every" if args.every_organisation else "cli.db.granted_bound", role=args.role))
        else:
            print(t("cli.db.migrated", version=store.schema_version(), where=display_url(store.url)))
    finally:
        store.close()
    return 0
