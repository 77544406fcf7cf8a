"""`make test` lints and type-checks the code before any test, and a finding stops it."""

import pytest

from tests.unit.test_postgres_required import _make, needs_make

pytestmark = pytest.mark.subprocess  # runs make


@needs_make
def test_make_test_runs_ruff_and_mypy_before_the_tests(tmp_path):
    run = _make(tmp_path, uid=1000, apt_get_exit=None, initdb=True)
    assert run.returncode == 0, run.stdout + run.stderr
    said = run.stdout
    assert "ruff: check pztraining tests benchmarks" in said, said
    assert said.index("ruff: check") < said.index("mypy:") < said.index("pytest-args:"), said


@needs_make
def test_a_lint_finding_stops_make_test_before_any_test_runs(tmp_path):
    (tmp_path / "lint-finding").touch()
    run = _make(tmp_path, uid=1000, apt_get_exit=None, initdb=True)
    assert run.returncode != 0
    assert "finding" in run.stdout
    assert "pytest-args" not in run.stdout, run.stdout
