"""`make test` may not pass with the LibreOffice read-back of the exports silently skipped."""

import pytest

import tests.libreoffice
from tests.unit.test_postgres_required import _make, needs_make


@pytest.mark.parametrize(
    "required, outcome, message",
    [
        ("1", pytest.fail.Exception, "PZ_REQUIRE_LIBREOFFICE=1: de LibreOffice-tests mogen niet overgeslagen worden"),
        ("", pytest.skip.Exception, "apt-get install libreoffice-calc-nogui"),
    ],
)
def test_missing_libreoffice_fails_the_read_back_where_required_and_skips_it_elsewhere(
    monkeypatch, required, outcome, message
):
    monkeypatch.setattr(tests.libreoffice, "find_soffice", lambda: None)
    monkeypatch.setenv("PZ_REQUIRE_LIBREOFFICE", required)
    with pytest.raises(outcome, match=message):
        tests.libreoffice.soffice_or_skip()


@needs_make
@pytest.mark.subprocess  # runs make
@pytest.mark.parametrize(
    "uid, soffice, exit_ok, said",
    [
        (1000, True, True, "PZ_REQUIRE_LIBREOFFICE=1 PZ_REQUIRE_POSTGRES=1 pytest-args: -m pytest -q -rs"),
        (0, False, False, "LibreOffice installeren is mislukt"),  # root, and apt-get cannot install it: stop
        (1000, False, True, "sudo apt-get install libreoffice-calc-nogui"),  # not root: say how, run, list the skips
    ],
)
def test_make_test_installs_libreoffice_as_root_and_requires_it_where_it_is_there(
    tmp_path, uid, soffice, exit_ok, said
):
    run = _make(tmp_path, uid=uid, apt_get_exit=None if uid else 100, initdb=True, soffice=soffice)
    assert (run.returncode == 0) == exit_ok, run.stdout + run.stderr
    assert said in run.stdout
    if not exit_ok:
        assert "pytest-args" not in run.stdout
    elif not soffice:
        assert "PZ_REQUIRE_LIBREOFFICE=0 PZ_REQUIRE_POSTGRES=1 pytest-args: -m pytest -q -rs" in run.stdout
