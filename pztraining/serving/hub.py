"""Hosting on JupyterHub: the ``jupyterhub_config.py`` that ``pztraining hub --config`` prints.

The hub logs trainers in and gives each a single-user Jupyter server that only shows the
trainer apps in Voila (no JupyterLab, no terminals). The room server (phones, facilitator
tablets) runs as a hub-managed service at ``/services/room/``, open without a login, in as
many copies as asked (the extra copies sit behind the TLS proxy, see ``deploy/nginx``).
Everything points at one database, ``PZTRAINING_DB`` (PostgreSQL for more than one process).
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

from pztraining.core.errors import PztrainingError
from pztraining.core.files import atomic_text
from pztraining.core.texts import t
from pztraining.serving.server import notebooks_dir
from pztraining.serving.web_security import STRICT_POLICY


class HubConfigError(PztrainingError):
    """A setting for the hub config is wrong; the message is Dutch."""


def venv_python() -> str:
    """The ``python`` of this venv (``bin/python`` exists in every venv, whichever of python,
    python3 or python3.11 started us: the printed config is then the same on every install),
    else the running interpreter."""
    candidate = Path(sys.prefix) / "bin" / "python"
    if sys.prefix != sys.base_prefix and candidate.exists():
        return str(candidate)
    return sys.executable


@dataclass
class HubSettings:
    """What the printed config needs to know about this install (ports are TCP ports)."""

    db_url: str
    public_url: str = "http://127.0.0.1:8000"
    hub_ip: str = "127.0.0.1"
    hub_port: int = 8000
    room_port: int = 8870
    room_copies: int = 1
    admins: list[str] = field(default_factory=list)
    python: str = field(default_factory=venv_python)
    notebooks: str = ""
    state_dir: str = "."
    #: The hub's own pages (login, start, home, errors) in Dutch: JupyterHub's templates extended.
    hub_templates: str = ""

    def checked(self) -> HubSettings:
        """These settings, or a Dutch :class:`HubConfigError` for the first wrong one."""
        if not self.public_url.startswith(("http://", "https://")):
            raise HubConfigError(t("hub.bad_public_url", url=self.public_url))
        if not 1 <= self.room_copies <= 32:
            raise HubConfigError(t("hub.bad_copies"))
        if self.room_copies > 1 and not self.db_url.startswith("postgresql"):
            raise HubConfigError(t("hub.copies_need_postgres"))
        return self


def hub_templates_dir() -> Path:
    """The folder of the hub page templates inside the installed package (a wheel works too)."""
    return Path(str(files("pztraining").joinpath("jupyter", "hub", "templates")))


def config_text(settings: HubSettings) -> str:
    """The text of a ``jupyterhub_config.py`` for ``settings``."""
    s = settings.checked()
    notebooks = s.notebooks or str(notebooks_dir())
    values = {
        "PYTHON": s.python,
        "NOTEBOOKS": notebooks,
        "HUB_TEMPLATES": s.hub_templates or str(hub_templates_dir()),
        "DB_URL": s.db_url,
        "PUBLIC_URL": s.public_url.rstrip("/"),
        "HUB_IP": s.hub_ip,
        "HUB_PORT": s.hub_port,
        "ROOM_PORT": s.room_port,
        "ROOM_COPIES": s.room_copies,
        "ADMINS": sorted(set(s.admins)),
        "STATE_DIR": s.state_dir,
    }
    settings_block = "\n".join(f"{name} = {value!r}" for name, value in values.items())
    return _TEMPLATE.replace("@SETTINGS@", settings_block)


_TEMPLATE = '''\
"""JupyterHub for pztraining: trainers log in, phones join without a login.

Written by `pztraining hub --config`; start it with `jupyterhub -f jupyterhub_config.py` as an
ordinary (non-root) user, behind a TLS proxy (see the README, "Hosting for an organisation").
Settings can also come from the environment: PZTRAINING_DB, PZTRAINING_PUBLIC_URL,
PZTRAINING_ROOM_DB, PZTRAINING_TRAINER_DB.
"""

import os

# ---------------------------------------------------------------- settings of this install
@SETTINGS@

DB_URL = os.environ.get("PZTRAINING_DB", DB_URL)
PUBLIC_URL = os.environ.get("PZTRAINING_PUBLIC_URL", PUBLIC_URL).rstrip("/")
BIN = os.path.dirname(PYTHON)
WIDGET_MESSAGES = ["comm_open", "comm_msg", "comm_close", "comm_info_request", "kernel_info_request"]
ROOM_PREFIX = "/services/room/"
# PostgreSQL's roles (README, "Organisations kept apart by PostgreSQL"): the room service and the
# coordinators' servers log in as a role that sees every organisation, trainers' and kartrekkers'
# servers as a role bound to the organisation they are started for. Unset: DB_URL for all.
ROOM_DB_URL = os.environ.get("PZTRAINING_ROOM_DB") or DB_URL
TRAINER_DB_URL = os.environ.get("PZTRAINING_TRAINER_DB") or DB_URL

c = get_config()  # noqa: F821 - provided by JupyterHub

# ---------------------------------------------------------------- the hub itself
c.JupyterHub.ip = HUB_IP
c.JupyterHub.port = HUB_PORT
c.JupyterHub.bind_url = f"http://{HUB_IP}:{HUB_PORT}/"
# The hub's own state (users, tokens); the trainings are in DB_URL.
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE_DIR, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(STATE_DIR, "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = os.path.join(STATE_DIR, "jupyterhub-proxy.pid")
c.JupyterHub.cleanup_servers = True
# Every cookie of the hub and of the trainers' servers (login, OAuth, _xsrf) is SameSite=Lax:
# never sent with another site's POST, fetch or frame (pztraining's own servers do the same).
c.JupyterHub.tornado_settings = {"cookie_options": {"samesite": "Lax"}}
# A bookmarked app (e.g. /user/NAME/voila/render/results.ipynb) starts the server by itself.
c.JupyterHub.implicit_spawn_seconds = 1
# The hub's own pages (login, start, home, errors) in Dutch with pztraining's look: the package's
# templates extend JupyterHub's ({% extends "templates/login.html" %}); their words come from
# pztraining's texts, as `pz` in every template.
c.JupyterHub.template_paths = [HUB_TEMPLATES]
from pztraining.core.texts import texts_under  # noqa: E402 - the hub runs in pztraining's Python

c.JupyterHub.template_vars = {"pz": texts_under("hub.page.")}

# ---------------------------------------------------------------- who logs in
# A login name that `pztraining users add NAME --role ... --org ...` gave a role (admins too)
# chooses its password at its first login, within the window that command opens (bcrypt
# hashes in STATE_DIR). A refused login stores nothing. Nothing to run besides the hub:
# right for a small team. For a region: OAuth (oauthenticator: Azure AD, Google) or LDAP
# (ldapauthenticator) instead, with the same users table for the roles (see the README).
c.JupyterHub.authenticator_class = "pztraining.serving.hub_auth.RoleAuthenticator"
c.RoleAuthenticator.db_url = DB_URL
c.RoleAuthenticator.dbm_path = os.path.join(STATE_DIR, "passwords.dbm")
c.RoleAuthenticator.create_users = True
c.RoleAuthenticator.min_password_length = 10
c.Authenticator.allow_all = False
c.Authenticator.admin_users = set(ADMINS)

# ---------------------------------------------------------------- each trainer's server
# One process per trainer, as the hub's own user (no system accounts needed). For
# production across machines: KubeSpawner (deploy/kubernetes/), DockerSpawner or SystemdSpawner.
# TrainerSpawner is JupyterHub's SimpleLocalProcessSpawner whose progress lines (the page that
# waits while the apps start) are Dutch.
c.JupyterHub.spawner_class = "pztraining.serving.hub_spawner.TrainerSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(STATE_DIR, "home", "{username}")
# JupyterHub's jupyterhub-singleuser, through our package: ~2 s of CPU less at each start
# (pztraining.core.deferred_imports).
c.Spawner.cmd = [PYTHON, "-m", "pztraining.serving.singleuser"]
c.Spawner.notebook_dir = NOTEBOOKS
c.Spawner.default_url = "/voila/render/trainer.ipynb"  # the Draaiboek
c.Spawner.args = [
    # Only Voila: no JupyterLab, no classic notebook, no terminals. pztraining.serving.hub_server adds
    # the slide decks (pz/dia/) and the beamer page with the join codes (pz/zaal/).
    # (One item per argument: traitlets 5 deprecates a whole dict or list in one argument.)
    *(f"--ServerApp.jpserver_extensions={name}={on}" for name, on in (
        ("voila", True), ("pztraining.serving.hub_server", True), ("jupyterlab", False), ("notebook_shim", False),
        ("jupyter_lsp", False), ("jupyter_server_terminals", False))),
    "--ServerApp.terminals_enabled=False",
    "--VoilaConfiguration.show_tracebacks=False",
    # No code of the trainer's own: the kernel takes widget messages only (no execute_request
    # through the websocket; Voila runs the app notebook server-side), and no file can be written.
    *(f"--MappingKernelManager.allowed_message_types={kind}" for kind in WIDGET_MESSAGES),
    "--ServerApp.contents_manager_class=pztraining.serving.hub_server.ReadOnlyContentsManager",
    # Kernels only for the apps' own pages (POST /api/kernels and /api/sessions are refused),
    # at most 6 at once per trainer.
    "--ServerApp.kernel_manager_class=pztraining.serving.hub_server.AppKernelManager",
    "--AppKernelManager.max_kernels=6",
    # Closed tabs leave kernels behind: reclaim them.
    "--MappingKernelManager.cull_idle_timeout=1800",
    "--MappingKernelManager.cull_interval=300",
]
if os.geteuid() == 0:
    # Jupyter refuses root; SimpleLocalProcessSpawner runs servers as the hub's own user.
    # Better: run the hub as an unprivileged user (the README does).
    c.Spawner.args.append("--allow-root")


def _account(spawner):
    """(role, organisation) of the user whose server starts, from the users table; ("", "") if none."""
    from pztraining.store import MissingEntry, Store

    store = Store(DB_URL, create=False)
    try:
        account = store.find_user(spawner.user.name)
        return account.role, account.organisation
    except MissingEntry:
        return "", ""
    finally:
        store.close()


def _organisation(spawner):
    return _account(spawner)[1]


def _database(spawner):
    """Coordinators see every organisation (never names); everyone else is bound to their own."""
    return ROOM_DB_URL if _account(spawner)[0] == "coordinator" else TRAINER_DB_URL


c.Spawner.environment = {
    # Read at every start (callables get the spawner): a role change counts from the next start.
    "PZTRAINING_DB": _database,
    "PZTRAINING_ORGANISATION": _organisation,
    # The links and QR codes trainers show: what phones type or scan.
    "PZTRAINING_PARTICIPANT_URL": PUBLIC_URL + ROOM_PREFIX,
    "PZTRAINING_TZ": os.environ.get("PZTRAINING_TZ", "Europe/Amsterdam"),
    # One cache for all trainers: the slide decks are built once per content version, not per trainer.
    "PZTRAINING_CACHE": os.path.join(STATE_DIR, "cache"),
}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

# ---------------------------------------------------------------- the room: phones and tablets
# Not behind the hub's login (phones have no account): the service answers everyone and
# checks join codes and facilitator codes itself. Copy 1 is what the hub's proxy routes
# to; copies 2.. serve the same prefix on the next ports, for the TLS proxy to balance over.
def _room(number):
    port = ROOM_PORT + number - 1
    name = "room" if number == 1 else f"room-{number}"
    return {
        "name": name,
        "url": f"http://127.0.0.1:{port}",
        "command": [PYTHON, "-m", "pztraining.serving.room.launch", os.path.join(NOTEBOOKS, "facilitator.ipynb"),
                    "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}", "--Voila.port_retries=0",
                    "--Voila.token=", f"--Voila.base_url={ROOM_PREFIX}",
                    "--VoilaConfiguration.show_tracebacks=False",
                    "--MappingKernelManager.cull_idle_timeout=1800",
                    "--MappingKernelManager.cull_interval=300"],
        "environment": {"PZTRAINING_DB": ROOM_DB_URL, "PZTRAINING_ROOM": "1",
                        "PZTRAINING_TZ": os.environ.get("PZTRAINING_TZ", "Europe/Amsterdam"),
                        # Days after a training's last meeting that its join code still works.
                        "PZTRAINING_JOIN_DAYS": os.environ.get("PZTRAINING_JOIN_DAYS", "14"),
                        # anonymous answers stored together (see the README's AVG section)
                        "PZTRAINING_ANONYMOUS_BATCH": os.environ.get("PZTRAINING_ANONYMOUS_BATCH", "5")},
        "display": False,
    }


c.JupyterHub.services = [_room(number) for number in range(1, ROOM_COPIES + 1)]
'''


#: The settings of the example in deploy/jupyterhub/ (a VM laid out as in the README).
EXAMPLE = HubSettings(
    db_url="postgresql+psycopg://pztraining@/pztraining",
    public_url="https://training.example.nl",
    room_copies=2,
    admins=["beheer"],
    python="/srv/pztraining/venv/bin/python",
    notebooks="/srv/pztraining/venv/lib/python3.11/site-packages/pztraining/notebooks",
    hub_templates="/srv/pztraining/venv/lib/python3.11/site-packages/pztraining/jupyter/hub/templates",
    state_dir="/srv/pztraining/hub",
)


# ---------------------------------------------------------------------------- nginx in front

#: Where the room service lives under the hub (and so under nginx).
ROOM_PREFIX = "/services/room/"
#: nginx 1.25.1 brought the ``http2 on;`` directive; older ones (Debian 12: 1.22) only know
#: ``listen 443 ssl http2;``, which newer ones still accept with a deprecation warning.
HTTP2_DIRECTIVE_SINCE = (1, 25, 1)


@dataclass
class NginxSettings:
    """What the nginx site for this install needs (the hub and room ports as in :class:`HubSettings`)."""

    public_url: str
    hub_port: int = 8000
    room_port: int = 8870
    room_copies: int = 1
    #: The phones' page and its scripts, written by ``pztraining hub --static FOLDER``.
    static_dir: str = "/srv/pztraining/static"
    #: Default: Let's Encrypt's files for the public name (``certbot certonly``).
    certificate: str = ""
    certificate_key: str = ""
    #: certbot's webroot for the HTTP challenge (``certbot certonly --webroot -w``).
    acme_dir: str = "/var/www/letsencrypt"
    http_port: int = 80
    #: The nginx version (``nginx -v``), for the form of the HTTP/2 switch; None: the old form.
    nginx_version: tuple[int, ...] | None = None
    #: False: only the plain-HTTP server (the challenge), before certbot has made the certificate.
    tls: bool = True
    ipv6: bool = True

    @property
    def host(self) -> str:
        return urlsplit(self.public_url).hostname or ""

    @property
    def https_port(self) -> int:
        return urlsplit(self.public_url).port or 443

    def checked(self) -> NginxSettings:
        if not self.public_url.startswith("https://") or not self.host:
            raise HubConfigError(t("hub.nginx_needs_https", url=self.public_url))
        if not 1 <= self.room_copies <= 32:
            raise HubConfigError(t("hub.bad_copies"))
        return self


def nginx_version(text: str) -> tuple[int, ...] | None:
    """The version in ``nginx -v``'s line ("nginx version: nginx/1.22.1"), or None."""
    found = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", text)
    return tuple(int(part) for part in found.groups()) if found else None


def _headers(lines: list[str], indent: str = "        ") -> str:
    return "\n".join(f"{indent}add_header {line} always;" for line in lines)


def nginx_text(settings: NginxSettings) -> str:
    """The nginx site (``/etc/nginx/sites-available/pztraining``) for ``settings``."""
    s = settings.checked()
    copies = [s.room_port + number for number in range(s.room_copies)]
    listen6 = s.ipv6
    certificate = s.certificate or f"/etc/letsencrypt/live/{s.host}/fullchain.pem"
    key = s.certificate_key or f"/etc/letsencrypt/live/{s.host}/privkey.pem"
    new_http2 = s.nginx_version is not None and s.nginx_version >= HTTP2_DIRECTIVE_SINCE
    http2 = "" if new_http2 else " http2"
    https_target = "https://$host" + ("" if s.https_port == 443 else f":{s.https_port}")
    room_servers = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in copies)
    tablet_servers = "\n".join(f"    server 127.0.0.1:{port};" for port in copies)
    hsts = '"Strict-Transport-Security" "max-age=31536000"'
    page_headers = _headers(
        [
            hsts,
            '"Cache-Control" "no-cache"',
            '"X-Content-Type-Options" "nosniff"',
            '"Referrer-Policy" "no-referrer"',
            f'"Content-Security-Policy" "{STRICT_POLICY}"',
            '"X-Frame-Options" "DENY"',
        ]
    )
    plain = f"""\
server {{
    listen {s.http_port};
{f"    listen [::]:{s.http_port};" + chr(10) if listen6 else ""}\
    server_name {s.host};
    # certbot certonly --webroot puts its challenge here (first run and every renewal).
    location /.well-known/acme-challenge/ {{
        root {s.acme_dir};
    }}
    location / {{
        return 301 {https_target}$request_uri;
    }}
}}
"""
    if not s.tls:
        return _NGINX_HEAD.replace("@HOST@", s.host) + "\n" + plain
    return (
        _NGINX_HEAD.replace("@HOST@", s.host)
        + f"""
map $http_upgrade $pz_connection_upgrade {{
    default upgrade;
    ''      close;
}}

# The phones' page is a file here, so nginx gives a new phone the _xsrf cookie the room
# server would have set (a random token, echoed in X-XSRFToken with every POST; tornado
# compares the two). A phone that has one keeps it: it also names the device's push streams.
map $cookie__xsrf $pz_room_cookie {{
    ""      "_xsrf=$request_id; Path={ROOM_PREFIX}; SameSite=Lax; Secure";
    default "";
}}

upstream pztraining_hub {{
    server 127.0.0.1:{s.hub_port};
}}

# The room copies (ROOM_PORT, ROOM_COPIES in jupyterhub_config.py), least busy first. A copy
# that refuses or drops a connection is left out for 5 s; the hub starts a dead copy again.
upstream pztraining_room {{
    least_conn;
{room_servers}
}}

# The facilitators' Rollenspel page is Voila: its kernel lives in the copy that served the
# page, so a tablet keeps to one copy (by address; a room's few tablets may share one).
upstream pztraining_room_tablets {{
    hash $remote_addr consistent;
{tablet_servers}
}}

{plain}
server {{
    # HTTP/2: `listen ... http2` up to nginx 1.25.0 (Debian 12 has 1.22), `http2 on;` from 1.25.1
    # (`pztraining hub --nginx --nginx-version "$(nginx -v 2>&1)"` writes the one that fits).
    listen {s.https_port} ssl{http2};
{f"    listen [::]:{s.https_port} ssl{http2};" + chr(10) if listen6 else ""}\
{"    http2 on;" + chr(10) if new_http2 else ""}\
    server_name {s.host};

    ssl_certificate     {certificate};
    ssl_certificate_key {key};
    ssl_protocols TLSv1.2 TLSv1.3;
    add_header {hsts} always;

    client_max_body_size 1m;
    gzip on;
    gzip_vary on;
    gzip_min_length 512;
    gzip_types text/css application/javascript application/json;

    # What every proxied location passes on (no location below sets its own proxy headers).
    proxy_http_version 1.1;
    # The Host as the browser sent it, port included: Jupyter refuses a websocket whose Origin
    # (https://name:port) does not match it.
    proxy_set_header Host $http_host;
    # The room server takes the phone's address from X-Real-IP (its wrong-code limiter).
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    # Voila kernels talk over websockets.
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $pz_connection_upgrade;
    # What is open reaches phones as server-sent events: never buffer, keep them open.
    proxy_buffering off;
    proxy_read_timeout 1h;
    proxy_connect_timeout 3s;

    # The phones' page and its scripts and styles: files (`pztraining hub --static`), served
    # here without waking a room copy. no-cache: a phone asks again at every load and gets
    # "304 Not Modified" (no body) until an update changes them, then the new ones at once.
    location = {ROOM_PREFIX} {{
        root {s.static_dir};
        try_files {ROOM_PREFIX}index.html =404;
        charset utf-8;
{page_headers}
        add_header Set-Cookie $pz_room_cookie;
    }}
    location {ROOM_PREFIX}pz/static/ {{
        root {s.static_dir};
        charset utf-8;
{page_headers}
    }}
    # The phones' API and push streams, on any copy. A copy that is down (refused, dropped,
    # or still starting after the hub restarted it: 502/503) is skipped for the next one, a
    # POST too (non_idempotent): every write here may arrive twice and is stored once (a
    # submit by its participant and form, a draft replaces, an anonymous answer by its key).
    location {ROOM_PREFIX}pz/api/ {{
        proxy_pass http://pztraining_room;
        proxy_next_upstream error timeout http_502 http_503 non_idempotent;
    }}
    # Anonymous answers: never in the access log (the phone's address, the path and the moment
    # would place an anonymous answer next to that phone's other requests).
    location = {ROOM_PREFIX}pz/api/anonymous {{
        access_log off;
        proxy_pass http://pztraining_room;
        proxy_next_upstream error timeout http_502 http_503 non_idempotent;
    }}
    # Facilitator tablets (Rollenspel, its kernel's websocket): one copy per tablet.
    location {ROOM_PREFIX} {{
        proxy_pass http://pztraining_room_tablets;
    }}

    # The hub, the trainers' servers (Voila with kernel websockets).
    location / {{
        proxy_pass http://pztraining_hub;
    }}
}}
"""
    )


_NGINX_HEAD = """\
# nginx in front of JupyterHub for pztraining (written by `pztraining hub --nginx`, which
# deploy/install.sh runs): TLS, the phones' page as files, the phones' API and push streams
# spread over the room copies, websockets for the trainers' and facilitators' Voila kernels.
# Public name: @HOST@. The hub's proxy (configurable-http-proxy) listens on 127.0.0.1 and
# routes /hub/, /user/ and /services/room/; the room copies hold no state (everything is in
# PostgreSQL), so any copy answers any phone.
"""


def write_static(folder: Path, base_url: str = ROOM_PREFIX) -> list[Path]:
    """Write the phones' page and its scripts and styles under ``folder`` as nginx serves them
    (``folder/services/room/index.html``, ``.../pz/static/NAME``); the files written.

    They are this package's own files, so a newer install replaces them (run it after every update).
    """
    from pztraining.serving.room.handlers import STATIC_FILES
    from pztraining.serving.room.page import page_html

    root = folder / base_url.strip("/")
    wanted = {root / "index.html": page_html(base_url)}
    for name, (package_folder, _kind) in STATIC_FILES.items():
        wanted[root / "pz" / "static" / name] = files("pztraining").joinpath(package_folder, name).read_text()
    for path, text in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_text(path, text, overwrite=True)
        os.chmod(path, 0o644)  # nginx's workers (www-data) read them
    return list(wanted)


# ---------------------------------------------------------------------------- the install script


def deploy_dir() -> Path | None:
    """The ``deploy`` folder: next to the package in a checkout, else where the wheel put it
    (``share/pztraining/deploy`` in the venv); None when neither is there."""
    for folder in (
        Path(__file__).resolve().parents[2] / "deploy",
        Path(sys.prefix) / "share" / "pztraining" / "deploy",
    ):
        if (folder / "install.sh").is_file():
            return folder
    return None


def install_script() -> str:
    """The text of ``deploy/install.sh``."""
    folder = deploy_dir()
    if folder is None:
        raise HubConfigError(t("hub.no_install_script"))
    return (folder / "install.sh").read_text()


#: The nginx site of the example in deploy/nginx/ (the README's VM, Debian 12's nginx).
EXAMPLE_NGINX = NginxSettings(public_url="https://training.example.nl", room_copies=2)
