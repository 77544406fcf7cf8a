"""Commands that start servers or configure them: ``serve``, ``demo``, ``hub``."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

from pztraining.cli import demo as demo_lib
from pztraining.cli.parsing import port, region_options, server_options, store_options, whole
from pztraining.core.errors import PztrainingError
from pztraining.core.settings import read as read_settings
from pztraining.core.texts import t
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
from pztraining.store import Store, display_url


def serve_arguments(sub) -> None:
    store_options(sub)
    server_options(sub)
    region_options(sub)


def demo_arguments(sub) -> None:
    store_options(sub)
    server_options(sub)
    region_options(sub)
    sub.add_argument("--no-serve", action="store_true", help=t("cli.opt.no_serve"))


def hub_arguments(sub) -> None:
    sub.add_argument("--db", metavar="URL", help=t("cli.opt.hub_db"))
    what = sub.add_mutually_exclusive_group(required=True)
    what.add_argument("--config", action="store_true", help=t("cli.opt.hub_config"))
    what.add_argument("--nginx", action="store_true", help=t("cli.opt.hub_nginx"))
    what.add_argument("--write-static", type=Path, metavar=t("cli.metavar.folder"), help=t("cli.opt.hub_write_static"))
    what.add_argument("--install-script", action="store_true", help=t("cli.opt.hub_install_script"))
    sub.add_argument("--public-url", metavar="URL", help=t("cli.opt.public_url"))
    sub.add_argument("--ip", default="127.0.0.1", help=t("cli.opt.hub_ip"))
    sub.add_argument("--port", type=port, default=8000, metavar="N", help=t("cli.opt.hub_port"))
    sub.add_argument("--room-port", type=port, default=8870, metavar="N", help=t("cli.opt.room_port"))
    sub.add_argument("--room-copies", type=whole, default=1, metavar="N", help=t("cli.opt.room_copies"))
    sub.add_argument("--admin", action="append", default=[], metavar=t("cli.metavar.name"), help=t("cli.opt.hub_admin"))
    sub.add_argument(
        "--state-dir", type=Path, default=Path("."), metavar=t("cli.metavar.folder"), help=t("cli.opt.hub_state")
    )
    # The nginx site (--nginx) in front of the hub and the room copies.
    sub.add_argument(
        "--static-dir",
        default="/srv/pztraining/static",
        metavar=t("cli.metavar.folder"),
        help=t("cli.opt.hub_static_dir"),
    )
    sub.add_argument("--certificate", default="", metavar=t("cli.metavar.file"), help=t("cli.opt.hub_certificate"))
    sub.add_argument(
        "--certificate-key", default="", metavar=t("cli.metavar.file"), help=t("cli.opt.hub_certificate_key")
    )
    sub.add_argument(
        "--acme-dir", default="/var/www/letsencrypt", metavar=t("cli.metavar.folder"), help=t("cli.opt.hub_acme_dir")
    )
    sub.add_argument("--http-port", type=port, default=80, metavar="N", help=t("cli.opt.hub_http_port"))
    sub.add_argument("--nginx-version", default="", metavar=t("cli.metavar.text"), help=t("cli.opt.hub_nginx_version"))
    sub.add_argument("--no-tls", action="store_true", help=t("cli.opt.hub_no_tls"))
    sub.add_argument("--no-ipv6", action="store_true", help=t("cli.opt.hub_no_ipv6"))


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
        print(
            nginx_text(
                NginxSettings(
                    public_url=public_url,
                    hub_port=args.port,
                    room_port=args.room_port,
                    room_copies=args.room_copies,
                    static_dir=args.static_dir,
                    certificate=args.certificate,
                    certificate_key=args.certificate_key,
                    acme_dir=args.acme_dir,
                    http_port=args.http_port,
                    nginx_version=nginx_version(args.nginx_version),
                    tls=not args.no_tls,
                    ipv6=not args.no_ipv6,
                )
            ),
            end="",
        )
        return 0
    db_url = chosen.database
    if not db_url:
        raise HubConfigError(t("cli.hub.need_db"))
    store = Store.open(db_url)  # a wrong address is said now, not when the first trainer logs in
    store.close()
    settings = HubSettings(
        db_url=db_url,
        public_url=public_url,
        hub_ip=args.ip,
        hub_port=args.port,
        room_port=args.room_port,
        room_copies=args.room_copies,
        admins=args.admin,
        state_dir=str(args.state_dir.resolve()),
    )
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
    apps = server.serve(
        db_url,
        host=host,
        port=args.port,
        participant_port=args.participant_port,
        trainer_host=args.trainer_host,
        token=args.token,
        log_dir=log_dir,
        slides_dir=slides_dir,
    )
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
        folder = Path(db_url[len("sqlite:///") :]).parent
    if folder is None:
        return None
    folder = Path(folder) / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
