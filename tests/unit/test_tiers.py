"""The test tiers (tests/tiers.py): a test lands in its tier by where it lives and what it uses, and
a test in the fast tier that starts a process fails instead of slowing `make test-fast` down."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from tests import tiers
from tests.unit.test_postgres_required import _make, needs_make

TESTS = Path(tiers.__file__).resolve().parent

#: A conftest for pytester's small suites: the tiers' hooks and guard, as tests/conftest.py has them.
CONFTEST = """
from tests.conftest import pytest_collection_modifyitems, pytest_configure, pytest_runtest_makereport
from tests.tiers import _fast_tier_starts_no_process

import pytest

@pytest.fixture
def postgres_cluster():
    return "a stand-in: its name alone puts a test in the postgres tier"
"""


def item(path: str, fixtures: tuple[str, ...] = (), params: dict | None = None, marks: tuple[str, ...] = ()):
    """What tiers.parts reads from a collected test."""
    return SimpleNamespace(
        path=TESTS / path,
        fixturenames=fixtures,
        callspec=SimpleNamespace(params=params) if params is not None else None,
        iter_markers=lambda: [getattr(pytest.mark, name).mark for name in marks],
    )


@pytest.mark.parametrize(
    "test, parts",
    [
        (item("unit/test_roleplay.py", ("clock",)), set()),
        (item("widgets/test_trainer_widget.py", ("store", "clock")), set()),
        (item("unit/test_store.py", ("any_store",), {"any_store": "sqlite"}), set()),
        (item("unit/test_store.py", ("any_store",), {"any_store": "postgresql"}), {"postgres"}),
        (item("unit/test_cli_database.py", ("postgres_cluster",)), {"postgres"}),
        (item("unit/test_store_forms.py", marks=("subprocess",)), {"subprocess"}),
        (item("room/test_http.py", ("room_server",)), {"server"}),
        (item("browser/test_trainer_run.py", ("page", "served")), {"browser", "server"}),
        (item("hub/test_hub_real.py", ("hub", "page"), marks=("browser",)), {"browser", "server", "postgres"}),
        (item("packaging/test_wheel.py"), {"packaging", "subprocess"}),
        (item("notebooks/test_notebooks_execute.py"), {"subprocess"}),
    ],
    ids=[
        "pure",
        "widget",
        "store-sqlite",
        "store-postgresql",
        "cluster",
        "marked",
        "room",
        "browser",
        "hub",
        "wheel",
        "notebooks",
    ],
)
def test_a_test_is_sorted_by_its_folder_fixtures_parameters_and_markers(test, parts):
    assert tiers.parts(test) == parts


def test_a_fast_test_that_starts_a_process_fails_and_says_which_marker_it_needs(pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_sneaky="""
        import multiprocessing
        import os
        import subprocess

        def test_runs_a_child():
            subprocess.run(["true"])

        def test_hides_the_child_it_runs():
            try:
                subprocess.run(["true"])
            except Exception:
                pass

        def test_spawns_a_kernel():
            multiprocessing.get_context("spawn").Process(target=print).start()

        def test_forks():
            if os.fork() == 0:
                os._exit(0)

        def test_stays_in_this_process(tmp_path):
            (tmp_path / "a").write_text("pure")
    """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-m", "fast")
    result.assert_outcomes(passed=1, failed=4)
    result.stdout.fnmatch_lines(
        ["*test_runs_a_child is in the fast tier but starts a process (subprocess)*@pytest.mark.subprocess*"]
    )
    result.stdout.fnmatch_lines(["*test_hides_the_child_it_runs is in the fast tier but starts a process*"])
    result.stdout.fnmatch_lines(["*test_spawns_a_kernel is in the fast tier but starts a process (multiprocessing)*"])
    result.stdout.fnmatch_lines(["*test_forks is in the fast tier but starts a process (os.fork)*"])


def test_the_fast_tier_leaves_out_what_needs_a_real_part(pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_mixed="""
        import pytest

        def test_pure():
            pass

        def test_on_postgresql(postgres_cluster):
            pass

        @pytest.mark.subprocess
        def test_runs_make():
            pass

        @pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
        def test_on_both(backend):
            pass
    """
    )
    fast = pytester.runpytest("-p", "no:cacheprovider", "-m", "fast", "-v")
    fast.assert_outcomes(passed=2, deselected=3)
    fast.stdout.fnmatch_lines(["*test_pure PASSED*", "*test_on_both?sqlite? PASSED*"])
    rest = pytester.runpytest("-p", "no:cacheprovider", "-m", "not fast", "-v")
    rest.assert_outcomes(passed=3, deselected=2)


@pytest.mark.parametrize(
    "markexpr, only_fast",
    [
        ("fast", True),
        ("fast and not alone", True),
        ("fast and alone", True),
        ("not fast", False),
        ("fast or server", False),
        ("not alone", False),
        ("server", False),
        ("", False),
        ("fast and (", False),  # pytest itself refuses it
    ],
)
def test_a_run_of_the_fast_tier_does_not_import_the_folders_that_need_a_real_part(markexpr, only_fast):
    config = SimpleNamespace(getoption=lambda name, default=None: markexpr if name == "markexpr" else default)
    assert tiers.only_fast(markexpr) is only_fast
    for folder in ("browser", "room", "hub", "notebooks", "packaging"):
        assert tiers.skipped_folder(TESTS / folder, config) is only_fast, folder
    for folder in ("unit", "widgets"):
        assert not tiers.skipped_folder(TESTS / folder, config), folder
    assert not tiers.skipped_folder(TESTS / "unit" / "browser", config)


@pytest.mark.subprocess  # the marked test below starts `true`
def test_a_test_marked_with_its_part_may_start_a_process(pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_marked="""
        import subprocess

        import pytest

        @pytest.mark.subprocess
        def test_runs_make():
            assert subprocess.run(["true"]).returncode == 0
    """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


@needs_make
@pytest.mark.subprocess  # runs make
@pytest.mark.parametrize("fails_on", [None, "not alone", "-m alone"], ids=["passing", "parallel-fails", "alone-fails"])
def test_make_test_runs_everything_in_parallel_then_the_timing_tests_alone_and_fails_when_either_failed(
    tmp_path, fails_on
):
    run = _make(tmp_path, uid=1000, apt_get_exit=None, initdb=True, fails_on=fails_on)
    said = "PZ_REQUIRE_LIBREOFFICE=1 PZ_REQUIRE_POSTGRES=1 pytest-args: -m pytest -q -rs"
    assert f"{said} -n 3 --dist loadfile -m not alone\n{said} -m alone\n" in run.stdout, run.stdout + run.stderr
    assert (run.returncode == 0) == (fails_on is None), run.stdout + run.stderr


@needs_make
@pytest.mark.subprocess  # runs make
def test_make_test_fast_runs_the_fast_tier_only(tmp_path):
    run = _make(tmp_path, uid=1000, apt_get_exit=None, initdb=True, target="test-fast")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "pytest-args: -m pytest -q -m fast -n 2\n" in run.stdout
