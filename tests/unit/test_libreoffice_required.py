"""`make test` may not pass with the LibreOffice read-back of the exports silently skipped."""

import pytest

import tests.libreoffice
from tests.unit.test_postgres_required import _make, needs_make


def test_missing_libreoffice_fails_the_export_read_back_when_it_is_required(monkeypatch):
    monkeypatch.setattr(tests.libreoffice, "find_soffice", lambda: None)
    monkeypatch.setenv("PZ_REQUIRE_LIBREOFFICE", "1")
    with pytest.raises(pytest.fail.Exception, match="PZ_REQUIRE_LIBREOFFICE"):
        tests.libreoffice.soffice_or_skip()


def test_missing_libreoffice_skips_the_export_read_back_with_the_reason_when_not_required(monkeypatch):
    monkeypatch.setattr(tests.libreoffice, "find_soffice", lambda: None)
    monkeypatch.delenv("PZ_REQUIRE_LIBREOFFICE", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install libreoffice-calc-nogui"):
        tests.libreoffice.soffice_or_skip()


@needs_make
def test_make_test_requires_libreoffice_where_it_is_installed(tmp_path):
    run = _make(tmp_path, uid=1000, apt_get_exit=None, initdb=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "PZ_REQUIRE_LIBREOFFICE=1 PZ_REQUIRE_POSTGRES=1 pytest-args: -m pytest -q -rs" in run.stdout


@needs_make
def test_make_test_fails_when_root_cannot_install_libreoffice(tmp_path):
    run = _make(tmp_path, uid=0, apt_get_exit=100, initdb=True, soffice=False)
    assert run.returncode != 0
    assert "LibreOffice installeren is mislukt" in run.stdout
    assert "pytest-args" not in run.stdout


@needs_make
def test_make_test_without_root_runs_and_lists_the_libreoffice_skips(tmp_path):
    run = _make(tmp_path, uid=1000, apt_get_exit=None, initdb=True, soffice=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "sudo apt-get install libreoffice-calc-nogui" in run.stdout
    assert "PZ_REQUIRE_LIBREOFFICE=0 PZ_REQUIRE_POSTGRES=1 pytest-args: -m pytest -q -rs" in run.stdout
