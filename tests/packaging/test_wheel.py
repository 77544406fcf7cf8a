"""The built wheel on its own: installed into a fresh venv, run from a folder outside the checkout,
with no path to the sources, it checks its content, prints an agenda and serves the apps.

The run's wheel (tests/packaging/wheel.py: pip with build isolation, once for this test and the
install script's), installed by pip without dependencies into a venv without pip of its own (the
test venv's pip works on it with ``--python``), and its declared dependency closure linked from the
test venv (tests/packaging/closure.py; ``pip check`` proves it complete).
"""

from __future__ import annotations

import email.parser
import html
import os
import re
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pztraining.core.texts import t
from tests.packaging.closure import link_closure, wanted
from tests.packaging.wheel import built_wheel
from tests.processes import free_port, isolated_env, stop_tree

pytestmark = pytest.mark.packaging

START_SECONDS = 180  # the first start builds the decks and starts a kernel for the trainer page


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict[str, str], Path]:
    """(venv bin folder, environment, working folder) of a fresh venv with the wheel installed."""
    tmp = tmp_path_factory.mktemp("wheel")
    bin_dir = tmp / "venv" / "bin"
    # Only the installed package may be found: neither pip nor the app may see the checkout.
    outside = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    wheel = built_wheel()
    # No pip in the venv (ensurepip took 4-5 s): the package needs none, and this venv's pip acts on it.
    quiet(sys.executable, "-m", "venv", "--without-pip", str(tmp / "venv"), cwd=tmp, env=outside)
    pip = [sys.executable, "-m", "pip", "--python", str(bin_dir / "python")]
    # The wheel by pip, its declared dependencies (with the postgres extra) linked from this venv:
    # the same versions pip would install here, without unpacking them again (tests/packaging/closure.py).
    quiet(*pip, "install", "--no-deps", str(wheel), cwd=tmp, env=outside)
    with zipfile.ZipFile(wheel) as archive:
        (meta,) = (name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        requires = email.parser.Parser().parsestr(archive.read(meta).decode()).get_all("Requires-Dist") or []
    linked = link_closure(tmp / "venv", wanted(requires, ["postgres"]))
    assert {"voila", "ipykernel", "sqlalchemy", "psycopg-binary"} <= set(linked)
    assert "jupyterlab" not in linked and "pytest" not in linked  # the lab and test extras are not asked for
    quiet(*pip, "check", cwd=tmp, env=outside)  # the closure is complete
    env = {key: value for key, value in isolated_env(tmp).items() if key in outside or key not in os.environ}
    # A cache of its own: the decks this wheel builds are looked for there (one folder per content version).
    env.update(
        HOME=str(tmp / "home"),
        PZTRAINING_DATA=str(tmp / "data"),
        PZTRAINING_CACHE=str(tmp / "cache"),
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
    )
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return bin_dir, env, elsewhere


def quiet(*command: str, cwd: Path, env: dict[str, str]) -> None:
    """Run a set-up step; its output only when it fails."""
    done = subprocess.run(command, cwd=cwd, env=env, text=True, capture_output=True, timeout=900)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


def run(installed, *args: str) -> subprocess.CompletedProcess:
    bin_dir, env, elsewhere = installed
    return subprocess.run(
        [str(bin_dir / "pztraining"), *args], cwd=elsewhere, env=env, text=True, capture_output=True, timeout=300
    )


def test_the_wheel_imports_from_the_venv_not_the_checkout(installed):
    bin_dir, env, elsewhere = installed
    found = subprocess.run(
        [str(bin_dir / "python"), "-c", "import pztraining; print(pztraining.__file__)"],
        cwd=elsewhere,
        env=env,
        text=True,
        capture_output=True,
        check=True,
    ).stdout.strip()
    assert Path(found).is_relative_to(bin_dir.parent), found
    reveal = bin_dir.parent.glob("lib/python*/site-packages/pztraining/vendor/revealjs/LICENSE")
    assert "MIT" in next(reveal).read_text()


def test_check_finds_every_content_file_in_order(installed):
    done = run(installed, "check")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Alle ") and done.stdout.strip().endswith("inhoudsbestanden zijn in orde.")
    assert int(done.stdout.split()[1]) >= 15  # programmes, forms, cases, cards and checklists shipped


def test_agenda_prints_a_meeting_from_the_shipped_programme(installed):
    done = run(installed, "agenda", "mysupport")
    assert done.returncode == 0, done.stderr
    assert "Bijeenkomst 1" in done.stdout and "Tijd" in done.stdout


def test_demo_export_handouts_and_slides_write_their_files(installed):
    _, _, elsewhere = installed
    assert run(installed, "demo", "--no-serve").returncode == 0
    done = run(installed, "export", "--training", "1", "--format", "xlsx", "--out", "uit.xlsx")
    assert done.returncode == 0, done.stderr
    assert (elsewhere / "uit.xlsx").stat().st_size > 0
    done = run(installed, "handouts", "--training", "1", "--no-pdf", "--out", "hand-outs")
    assert done.returncode == 0, done.stderr
    assert (elsewhere / "hand-outs" / "index.html").is_file()
    done = run(installed, "slides", "--out", "dia")
    assert done.returncode == 0, done.stderr
    assert (elsewhere / "dia" / "index.html").is_file()
    assert "reveal.js 5." in (elsewhere / "dia" / "reveal.js" / "dist" / "reveal.js").read_text()


def fetch(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=120) as reply:
        return reply.status, reply.read().decode()


@dataclass
class Served:
    trainer: str  # http://127.0.0.1:PORT of the trainer server
    participants: str  # http://127.0.0.1:PORT of the room server
    token: str


@pytest.fixture(scope="module")
def served(installed) -> Iterator[Served]:
    """``pztraining serve`` of the installed wheel (demo trainings in its data folder)."""
    bin_dir, env, elsewhere = installed
    assert run(installed, "demo", "--no-serve").returncode == 0
    port, participant_port = free_port(), free_port()
    log_path = elsewhere / "serve.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                str(bin_dir / "pztraining"),
                "serve",
                "--port",
                str(port),
                "--participant-port",
                str(participant_port),
                "--token",
                "geheim",
            ],
            cwd=elsewhere,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while t("cli.serve.stop") not in log_path.read_text(errors="replace"):
            assert process.poll() is None, log_path.read_text(errors="replace")
            assert time.monotonic() < deadline, log_path.read_text(errors="replace")
            time.sleep(0.5)
        yield Served(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{participant_port}", "geheim")
    finally:
        problems = stop_tree(process, "pztraining serve", 30)  # by its process id, SIGTERM first
    assert not problems, "\n".join(problems) + "\n" + log_path.read_text(errors="replace")


def test_serve_answers_the_trainer_and_the_participants_page(installed, served):
    bin_dir, env, _ = installed
    status, page = fetch(f"{served.trainer}/voila/render/trainer.ipynb?token={served.token}")
    assert status == 200
    assert "application/vnd.jupyter.widget-view+json" in page  # the notebook ran: its app is there
    assert "Traceback" not in page
    # Voila's page template is the wheel's own (no stylesheet or script from a CDN).
    assert "/voila/templates/pz/static/" in page
    assert not re.search(r'<(?:link|script)[^>]+(?:href|src)="https?://', page)
    status, page = fetch(f"{served.participants}/")
    assert status == 200 and f"<title>{t('room.title')}</title>" in page
    # The decks were built from the wheel (into the cache folder) and are served with reveal.js.
    status, page = fetch(f"{served.trainer}/pz/dia/index.html?token={served.token}")
    assert status == 200 and html.escape(t("slides.index.title")) in page
    status, script = fetch(f"{served.trainer}/pz/dia/reveal.js/dist/reveal.js?token={served.token}")
    assert status == 200 and "reveal.js 5." in script
    assert list(Path(env["PZTRAINING_CACHE"]).glob("dia/*/index.html"))  # one folder per content version
    assert not list(bin_dir.parent.glob("lib/python*/site-packages/pztraining/content/slides/build"))


@pytest.mark.browser
def test_the_widgets_render_in_chromium_without_jupyterlab_installed(installed, served, browser):
    """Voila finds the widgets' front end in ipywidgets' and anywidget's labextensions."""
    from playwright.sync_api import expect

    bin_dir, env, elsewhere = installed
    has_lab = subprocess.run(
        [str(bin_dir / "python"), "-c", "import jupyterlab"], cwd=elsewhere, env=env, capture_output=True
    )
    assert has_lab.returncode != 0  # not installed: the apps must not need it
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{served.trainer}/voila/render/trainer.ipynb?token={served.token}")
        options = page.locator(".pz-training-select select option")
        expect(options.first).to_be_attached(timeout=START_SECONDS * 1000)
        assert any("Demo" in text for text in options.all_inner_texts())
        page.goto(f"{served.trainer}/voila/render/facilitator.ipynb?token={served.token}")
        page.locator(".pz-members textarea").fill("Anna\nBert\nCor", timeout=START_SECONDS * 1000)
        page.locator(".pz-create-group").click()
        # The countdown is an anywidget: its JavaScript draws the time.
        expect(page.locator(".pz-countdown")).to_contain_text(":", timeout=60_000)
    finally:
        context.close()
