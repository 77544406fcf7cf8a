"""deploy/install.sh on this machine, as an administrator runs it (twice: it is idempotent), against a
PostgreSQL and an nginx of the test's own, without systemd (PZ_NO_SYSTEMD=1 starts the hub as a plain
process): then the administrator and a trainer log in through nginx (TLS, a self-signed certificate
instead of Let's Encrypt), and a phone joins a training through nginx; the trainer's server and the
room copies log in to PostgreSQL as the roles the script made, which row-level security binds.

Slow: a fresh venv and ``pip install 'pztraining[hub]'`` (PyPI, or the test user's pip cache in /var/tmp
after the first run), then a JupyterHub start twice. Needs root (useradd, runuser). The wheel is the
run's (tests/packaging/wheel.py: built once for this test and the wheel test).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
import requests
import urllib3
from playwright.sync_api import Browser, expect
from sqlalchemy.engine import make_url

from pztraining.serving.hub import HubSettings, config_text
from pztraining.store import Store
from tests.browser.helpers import PHONE_VIEWPORT, register
from tests.nginx import Nginx, binary_or_skip, self_signed
from tests.packaging.wheel import built_wheel
from tests.postgres import Cluster, bin_or_skip
from tests.processes import descendants, free_port

pytestmark = [pytest.mark.packaging, pytest.mark.browser]

CHECKOUT = Path(__file__).resolve().parents[2]
SCRIPT = CHECKOUT / "deploy" / "install.sh"
#: A system user of the tests' own (the script creates it the first time; kept, with its pip cache).
USER = "pzinstalltest"
PIP_CACHE = Path("/var/tmp/pztraining-install-test-pip")
ADMIN, ADMIN_PASSWORD = "beheer", "beheer-wachtwoord-1"
TRAINER, TRAINER_PASSWORD, ORGANISATION = "anna", "anna-wachtwoord-1", "Zorggroep Noord"
SCRIPT_SECONDS = 1200
SPAWN_MS = 240_000
#: The service's folder (its venv: some 30,000 files) in memory where there is room: removing it from
#: this machine's disk took 6-13 s of the module's teardown, from memory well under a second.
MEMORY = Path("/dev/shm")
MEMORY_NEEDED = 2 * 1024**3


@dataclass
class Installed:
    url: str  # https://localhost:PORT, through nginx
    home: Path
    db_url: str  # as the tests' superuser
    service_db_url: str  # as the script wrote it into the config
    seconds: list[float]  # the script's wall time, per run
    nginx: Nginx
    script_output: str  # what both runs printed (stdout and stderr)

    @property
    def venv(self) -> Path:
        return self.home / "venv"

    def server_urls(self) -> dict[str, str]:
        """PZTRAINING_ROOM_DB and PZTRAINING_TRAINER_DB, as the script keeps them for the hub."""
        text = (self.home / "database.env").read_text()
        return dict(line.split("=", 1) for line in text.splitlines() if line)

    def connected_roles(self) -> set[str]:
        """The roles logged in to the database now, as PostgreSQL's superuser sees them."""
        with psycopg.connect(self.db_url.replace("postgresql+psycopg", "postgresql")) as conn:
            rows = conn.execute("SELECT usename FROM pg_stat_activity WHERE datname = 'pztraining'").fetchall()
        return {row[0] for row in rows}

    def hub_processes(self) -> dict[int, dict[str, str]]:
        """The pztraining part of the environment of every process below the hub."""
        found = {}
        for child in descendants(int((self.home / "hub" / "jupyterhub.pid").read_text())):
            try:
                raw = Path(f"/proc/{child}/environ").read_bytes()
            except OSError:
                continue
            pairs = (item.decode(errors="replace").split("=", 1) for item in raw.split(b"\0") if b"=" in item)
            found[child] = {key: value for key, value in pairs if key.startswith("PZTRAINING")}
        return found

    def hub_log(self) -> str:
        path = self.home / "hub" / "jupyterhub.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def as_service(self, *args: str) -> str:
        done = subprocess.run(
            ["runuser", "-u", USER, "--", str(self.venv / "bin" / "pztraining"), *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=self.home,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout


def run_script(env: dict[str, str]) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run(
        ["bash", str(SCRIPT), "localhost"],
        env=env,
        capture_output=True,
        text=True,
        timeout=SCRIPT_SECONDS,
        cwd=env["PZ_HOME"],
        stdin=subprocess.DEVNULL,
    )
    seconds = time.monotonic() - started
    assert done.returncode == 0, f"install.sh failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return seconds, done.stdout + done.stderr


def stop_hub(home: Path) -> tuple[float, list[str]]:
    """SIGTERM to the hub (what systemd does); seconds until it is gone, and what it left behind."""
    pid = int((home / "hub" / "jupyterhub.pid").read_text())
    if not _running(pid):
        return 0.0, []  # stopped already (the last test stops it)
    below = descendants(pid)
    started = time.monotonic()
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return 0.0, []
    while _running(pid) and time.monotonic() - started < 60:
        time.sleep(0.05)
    seconds = time.monotonic() - started
    settled = time.monotonic() + 1  # what runs a second after the hub is gone is left behind
    while any(_running(child) for child in below) and time.monotonic() < settled:
        time.sleep(0.05)
    left = [command for child, command in below.items() if _running(child)]
    for child in below:
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return seconds, left


def _running(pid: int) -> bool:
    """True while ``pid`` runs (a zombie does not: nobody here reaps the hub, which the script started)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _service_folder() -> Path:
    # A run killed before its teardown leaves its folder in memory: removed a day later (no run lasts that long).
    for stale in MEMORY.glob("pz-install-*"):
        if time.time() - stale.stat().st_mtime > 86_400:
            shutil.rmtree(stale, ignore_errors=True)
    memory = os.statvfs(MEMORY) if MEMORY.is_dir() and os.access(MEMORY, os.W_OK) else None
    roomy = memory is not None and memory.f_bavail * memory.f_frsize > MEMORY_NEEDED
    return Path(tempfile.mkdtemp(prefix="pz-install-", dir=MEMORY if roomy else None))


@pytest.fixture(scope="module")
def installed() -> Iterator[Installed]:
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("install.sh runs as root (useradd, runuser)")
    nginx = Nginx(binary_or_skip())
    cluster = Cluster(bin_or_skip())
    home = _service_folder()
    home.chmod(0o755)
    try:
        wheel = built_wheel()
        cert, key = self_signed(nginx.folder)
        PIP_CACHE.mkdir(exist_ok=True)
        PIP_CACHE.chmod(0o777)  # the test user's, across runs (it may not exist yet)
        https, http = free_port(), free_port()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PZTRAINING", "JUPYTER", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE"))
        }
        env.update(
            PZ_USER=USER,
            PZ_HOME=str(home / "srv"),
            PZ_WHEEL=str(wheel),
            PZ_CERT=str(cert),
            PZ_CERT_KEY=str(key),
            PZ_PGHOST="127.0.0.1",
            PZ_PGPORT=str(cluster.port),
            PZ_PGSUPERUSER="pz",
            PZ_HUB_PORT=str(free_port()),
            PZ_ROOM_PORT=str(free_port()),
            PZ_HTTP_PORT=str(http),
            PZ_HTTPS_PORT=str(https),
            PZ_NGINX_DIR=str(nginx.etc),
            PZ_NGINX_CONF=str(nginx.conf),
            PZ_ACME_DIR=str(home / "acme"),
            PZ_NO_SYSTEMD="1",
            PIP_CACHE_DIR=str(PIP_CACHE),
            # Not compiling every module of the ~120 packages to bytecode (27 s of pip's 63 s): the
            # first process that imports a module compiles it and keeps the .pyc for the next ones
            # (so not PYTHONDONTWRITEBYTECODE, which a test machine may set and a root shell has not).
            # pip hands this value to its `compile` switch as it is: "0" is --no-compile.
            PIP_NO_COMPILE="0",
            PZ_HUB_OPTIONS=f"--JupyterHub.hub_port={free_port()} "
            f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{free_port()}",
        )
        (home / "srv").mkdir()
        runs = [run_script(env)]
        first_pid = (home / "srv" / "hub" / "jupyterhub.pid").read_text()
        runs.append(run_script(env))  # again: nothing breaks, the hub is started afresh
        seconds = [run[0] for run in runs]
        assert (home / "srv" / "hub" / "jupyterhub.pid").read_text() != first_pid
        print(f"\ninstall.sh wall time: first run {seconds[0]:.0f} s, second run {seconds[1]:.0f} s")
        result = Installed(
            f"https://localhost:{https}",
            home / "srv",
            cluster.url("pztraining"),
            f"postgresql+psycopg://{USER}@127.0.0.1:{cluster.port}/pztraining",
            seconds,
            nginx,
            "".join(run[1] for run in runs),
        )
        _wait_for_room(result)
        yield result
    finally:
        if (home / "srv" / "hub" / "jupyterhub.pid").exists():
            stop_hub(home / "srv")
        nginx.stop()
        cluster.stop()
        shutil.rmtree(home, ignore_errors=True)


def _wait_for_room(installed: Installed) -> None:
    """The room copies answer through nginx (the hub does not wait for them)."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if requests.post(f"{installed.url}/services/room/pz/api/join", verify=False, timeout=5).status_code == 403:
                return  # a room copy itself: no _xsrf cookie, refused
        except requests.RequestException:
            pass
        time.sleep(0.25)
    raise AssertionError(f"the room service did not answer through nginx:\n{installed.hub_log()[-3000:]}")


urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


def test_the_script_wrote_what_the_readme_says(installed: Installed):
    hub = installed.home / "hub"
    venv = installed.venv
    notebooks = next(venv.glob("lib/python3*/site-packages/pztraining/notebooks"))
    config = (hub / "jupyterhub_config.py").read_text()
    ports = {
        line.split(" = ")[0]: line.split(" = ")[1]
        for line in config.splitlines()
        if line.startswith(("HUB_PORT", "ROOM_PORT"))
    }
    assert config == config_text(
        HubSettings(
            db_url=installed.service_db_url,
            public_url=installed.url,
            hub_port=int(ports["HUB_PORT"]),
            room_port=int(ports["ROOM_PORT"]),
            room_copies=2,
            admins=[ADMIN],
            python=str(venv / "bin" / "python"),
            notebooks=str(notebooks),
            state_dir=str(hub),
            hub_templates=str(notebooks.parent / "jupyter" / "hub" / "templates"),
        )
    )  # the installed package's
    assert not (installed.nginx.etc / "sites-enabled" / "default").exists()  # Debian's welcome page is off
    assert (installed.nginx.etc / "sites-enabled" / "pztraining").is_symlink()
    # The servers' passwords: in a file of the service user's only, never on the terminal.
    roles_file = (installed.home / "database.env").stat()
    assert roles_file.st_uid == pwd.getpwnam(USER).pw_uid and roles_file.st_mode & 0o777 == 0o600
    urls = installed.server_urls()
    assert sorted(urls) == ["PZTRAINING_ROOM_DB", "PZTRAINING_TRAINER_DB"]
    for url in urls.values():
        assert make_url(url).password not in installed.script_output + installed.hub_log()
    log = installed.hub_log()
    assert "No allow config found" not in log and "nobody can login" not in log
    # Installed from the wheel (no '*' reached pip), and the shipped deploy/ folder came with it.
    assert (venv / "share" / "pztraining" / "deploy" / "install.sh").read_text() == SCRIPT.read_text()
    assert installed.as_service("hub", "--install-script") == SCRIPT.read_text()


def _hub_login(installed: Installed, name: str, password: str, next_url: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would win over verify=False
    session.verify = False  # the self-signed certificate
    session.get(f"{installed.url}/hub/login", timeout=30)
    reply = session.post(
        f"{installed.url}/hub/login?next={next_url}",
        timeout=60,
        data={"username": name, "password": password, "_xsrf": session.cookies.get("_xsrf", path="/hub/")},
    )
    assert reply.status_code == 200, reply.text[-2000:]
    return session


def test_the_administrator_logs_in_through_nginx_and_reaches_the_admin_page(installed: Installed):
    session = _hub_login(installed, ADMIN, ADMIN_PASSWORD, "/hub/admin")
    assert "/hub/admin" in session.get(f"{installed.url}/hub/admin", timeout=30).url
    xsrf = session.cookies.get("_xsrf", path="/hub/")
    me = session.get(f"{installed.url}/hub/api/user", headers={"X-XSRFToken": xsrf}, timeout=30)
    assert me.status_code == 200 and me.json()["name"] == ADMIN and me.json()["admin"] is True, me.text


def test_a_trainer_logs_in_and_a_phone_joins_through_nginx(installed: Installed, browser: Browser):
    installed.as_service(
        "users", "add", TRAINER, "--role", "trainer", "--org", ORGANISATION, "--db", installed.service_db_url
    )
    store = Store(installed.db_url)
    try:
        training = store.add_training("Via nginx", "mysupport", datetime.now(UTC), organisation=ORGANISATION)
    finally:
        store.close()
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 1000}, locale="nl-NL")
    try:
        page = context.new_page()
        page.goto(f"{installed.url}/hub/login", wait_until="domcontentloaded")
        page.locator("input[name=username]").fill(TRAINER)
        page.locator("input[name=password]").fill(TRAINER_PASSWORD)
        page.locator("form [type=submit]").click()
        try:
            expect(page.locator(".pz-trainer-app")).to_be_visible(timeout=SPAWN_MS)
            expect(page.locator(".pz-training-select select")).to_be_attached(timeout=SPAWN_MS)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- hub log ---\n{installed.hub_log()[-4000:]}") from None
        assert page.url.startswith(f"{installed.url}/user/{TRAINER}/voila/render/trainer.ipynb"), page.url
        options = page.locator(".pz-training-select select").evaluate("s => [...s.options].map(o => o.value)")
        assert any("Via nginx" in option for option in options), options
        # The Draaiboek's kernel reads the trainings as the bound role, not as the tables' owner.
        assert f"{USER}_trainers" in installed.connected_roles()
    finally:
        context.close()

    phone_context = browser.new_context(ignore_https_errors=True, viewport=PHONE_VIEWPORT, locale="nl-NL")
    try:
        phone = phone_context.new_page()
        served = []
        phone.on("response", lambda reply: served.append((reply.url, reply.status)))
        phone.goto(f"{installed.url}/services/room/?code={training.join_code}", wait_until="domcontentloaded")
        expect(phone.locator(".pz-participant-name input")).to_be_visible(timeout=30_000)
        register(phone, "Telefoon via nginx")
        expect(phone.locator(".pz-no-forms, .pz-items").first).to_be_visible(timeout=30_000)
        assert f"{USER}_room" in installed.connected_roles()  # the room copy that registered the phone
    finally:
        phone_context.close()
    store = Store(installed.db_url)
    try:
        assert [p.name for p in store.list_participants(training.id)] == ["Telefoon via nginx"]
    finally:
        store.close()


def test_the_servers_run_as_the_scripts_roles_which_keep_organisations_apart(installed: Installed):
    """After the trainer's login: each server got its role's URL (never the owner's), and the bound
    role, saying the trainer's organisation, does not see another organisation's training."""
    urls = installed.server_urls()
    assert make_url(urls["PZTRAINING_TRAINER_DB"]).username == f"{USER}_trainers"
    assert make_url(urls["PZTRAINING_ROOM_DB"]).username == f"{USER}_room"
    processes = installed.hub_processes().values()
    rooms = [env for env in processes if env.get("PZTRAINING_ROOM") == "1"]
    trainers = [env for env in processes if env.get("PZTRAINING_ORGANISATION") == ORGANISATION]
    assert len(rooms) >= 2 and all(env["PZTRAINING_DB"] == urls["PZTRAINING_ROOM_DB"] for env in rooms), rooms
    assert trainers and all(env["PZTRAINING_DB"] == urls["PZTRAINING_TRAINER_DB"] for env in trainers), trainers

    owner = Store(installed.db_url)
    try:
        owner.add_training("Van een ander", "mysupport", datetime.now(UTC), organisation="Zorggroep Zuid")
    finally:
        owner.close()
    for organisation, seen in ((ORGANISATION, ["Via nginx"]), ("Zorggroep Zuid", ["Van een ander"]), (None, [])):
        bound = Store(urls["PZTRAINING_TRAINER_DB"], create=False, organisation=organisation)
        try:
            assert [training.name for training in bound.list_trainings()] == seen, organisation
        finally:
            bound.close()
    room = Store(urls["PZTRAINING_ROOM_DB"], create=False)
    try:
        assert {training.name for training in room.list_trainings()} == {"Via nginx", "Van een ander"}
    finally:
        room.close()


def test_the_hub_stops_quickly_with_a_trainers_server_running(installed: Installed):
    """Last in this module: stops the hub (as `systemctl stop` would, SIGTERM) and times it."""
    seconds, left = stop_hub(installed.home)
    print(f"\nhub stop with a trainer's server and two room copies: {seconds:.1f} s")
    assert not left, left
    assert seconds < 15, f"the hub took {seconds:.1f} s to stop:\n{installed.hub_log()[-3000:]}"
