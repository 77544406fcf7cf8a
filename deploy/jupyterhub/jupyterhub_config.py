"""JupyterHub for pztraining: trainers log in, phones join without a login.

Written by `pztraining hub --config`; start it with `jupyterhub -f jupyterhub_config.py` as an
ordinary (non-root) user, behind a TLS proxy (see the README, "Hosting for an organisation").
Settings can also come from the environment: PZTRAINING_DB, PZTRAINING_PUBLIC_URL,
PZTRAINING_ROOM_DB, PZTRAINING_TRAINER_DB.
"""

import os

# ---------------------------------------------------------------- settings of this install
PYTHON = '/srv/pztraining/venv/bin/python'
NOTEBOOKS = '/srv/pztraining/venv/lib/python3.11/site-packages/pztraining/notebooks'
HUB_TEMPLATES = '/srv/pztraining/venv/lib/python3.11/site-packages/pztraining/jupyter/hub/templates'
DB_URL = 'postgresql+psycopg://pztraining@/pztraining'
PUBLIC_URL = 'https://training.example.nl'
HUB_IP = '127.0.0.1'
HUB_PORT = 8000
ROOM_PORT = 8870
ROOM_COPIES = 2
ADMINS = ['beheer']
STATE_DIR = '/srv/pztraining/hub'

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
