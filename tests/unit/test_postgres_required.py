"""`make test` may not pass with the PostgreSQL store tests silently skipped."""

import shutil
import subprocess
from pathlib import Path

import pytest

import tests.postgres

ROOT = Path(__file__).resolve().parents[2]
MAKE = shutil.which("make")
needs_make = pytest.mark.skipif(MAKE is None, reason="make ontbreekt")


def test_missing_postgresql_fails_the_store_tests_when_it_is_required(monkeypatch):
    monkeypatch.setattr(tests.postgres, "find_bin", lambda: None)
    monkeypatch.setenv("PZ_REQUIRE_POSTGRES", "1")
    with pytest.raises(pytest.fail.Exception, match="PZ_REQUIRE_POSTGRES"):
        tests.postgres.bin_or_skip()


def test_missing_postgresql_skips_the_store_tests_with_the_reason_when_not_required(monkeypatch):
    monkeypatch.setattr(tests.postgres, "find_bin", lambda: None)
    monkeypatch.delenv("PZ_REQUIRE_POSTGRES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install postgresql"):
        tests.postgres.bin_or_skip()


def _make(
    tmp_path,
    *,
    uid: int,
    apt_get_exit: int | None,
    initdb: bool,
    proxy: bool = True,
    soffice: bool = True,
    target: str = "test",
    fails_on: str | None = None,
) -> subprocess.CompletedProcess:
    """`make test` on a PATH of stand-ins: `id`, `apt-get` and a python that prints what it was given
    (and fails when its arguments hold ``fails_on``)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "ls").symlink_to("/bin/ls")

    def script(name: str, body: str) -> None:
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)

    script("id", f"echo {uid}")
    if apt_get_exit is not None:
        script("apt-get", f"exit {apt_get_exit}")
    script(
        "python",
        'echo "PZ_REQUIRE_LIBREOFFICE=$PZ_REQUIRE_LIBREOFFICE PZ_REQUIRE_POSTGRES=$PZ_REQUIRE_POSTGRES '
        'pytest-args: $*"' + (f'\ncase "$*" in *"{fails_on}"*) exit 1;; esac' if fails_on else ""),
    )
    if proxy:  # the hub's proxy (npm), for tests/hub
        script("configurable-http-proxy", "exit 0")
    if soffice:  # LibreOffice, for the exports read back in tests/unit/test_export_libreoffice.py
        script("soffice", "exit 0")
    # The linter and the type checker `make test` runs first: they say what they were given and
    # find something only when the test left a file "lint-finding" in HOME.
    for tool in ("ruff", "mypy"):
        script(tool, f'echo "{tool}: $*"; if [ -e "$HOME/lint-finding" ]; then echo "finding"; exit 1; fi')
    (bin_dir / "stamp").touch()
    fake_initdb = tmp_path / "pg" / "initdb"
    if initdb:
        fake_initdb.parent.mkdir()
        fake_initdb.touch()
    return subprocess.run(
        [
            MAKE,
            "-s",
            "-C",
            str(ROOT),
            target,
            f"BIN={bin_dir}",
            f"STAMP={bin_dir / 'stamp'}",
            "CHROMIUM=/bin/true",
            f"PG_INITDB={fake_initdb}",
        ],
        env={"PATH": str(bin_dir), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )


@needs_make
@pytest.mark.subprocess  # runs make
def test_make_test_requires_postgresql_where_it_is_installed_and_lists_the_skips(tmp_path):
    run = _make(tmp_path, uid=1000, apt_get_exit=None, initdb=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "PZ_REQUIRE_POSTGRES=1 pytest-args: -m pytest -q -rs" in run.stdout


@needs_make
@pytest.mark.subprocess  # runs make
def test_make_test_fails_when_root_cannot_install_postgresql(tmp_path):
    run = _make(tmp_path, uid=0, apt_get_exit=100, initdb=False)
    assert run.returncode != 0
    assert "PostgreSQL installeren is mislukt" in run.stdout
    assert "pytest-args" not in run.stdout


@needs_make
@pytest.mark.subprocess  # runs make
def test_make_test_fails_when_apt_get_succeeds_but_brings_no_postgresql(tmp_path):
    run = _make(tmp_path, uid=0, apt_get_exit=0, initdb=False)
    assert run.returncode != 0
    assert "pytest-args" not in run.stdout


@needs_make
@pytest.mark.subprocess  # runs make
def test_make_test_without_root_runs_and_lists_the_postgresql_skips(tmp_path):
    run = _make(tmp_path, uid=1000, apt_get_exit=None, initdb=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "sudo apt-get install postgresql" in run.stdout
    assert "PZ_REQUIRE_POSTGRES=0 pytest-args: -m pytest -q -rs" in run.stdout


@needs_make
@pytest.mark.subprocess  # runs make
def test_make_test_says_how_to_install_the_hub_proxy_when_it_cannot(tmp_path):
    run = _make(tmp_path, uid=1000, apt_get_exit=None, initdb=True, proxy=False)
    assert run.returncode != 0
    assert "npm install -g configurable-http-proxy" in run.stdout
    assert "pytest-args" not in run.stdout  # the suite does not start without it
