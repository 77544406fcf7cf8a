"""Fixtures shared by all tests: a real SQLite store in a temporary folder and a fake clock."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pztraining.store import Store
from tests import tiers
from tests.tiers import _fast_tier_starts_no_process  # noqa: F401  (autouse: the fast tier starts no process)

pytest_plugins = ("pytester",)  # tests/unit/test_tiers.py runs pytest on small test files


def pytest_configure(config):
    tiers.register(config)


def pytest_ignore_collect(collection_path, config):
    # `-m fast` never imports the folders whose every test needs a server, a browser, PostgreSQL or
    # a child process: they would all be deselected. None, not False: other plugins still decide.
    return True if tiers.skipped_folder(collection_path, config) else None


@pytest.hookimpl(tryfirst=True)  # before -m deselects
def pytest_collection_modifyitems(config, items):
    tiers.mark(items)
    tiers.order(items)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    tiers.note(item, report)
    return report


class FakeClock:
    """A clock the test moves by hand (UTC)."""

    def __init__(self, start: datetime = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def _migrated_sqlite(tmp_path_factory) -> Path:
    """An SQLite database that the store created and migrated to the newest schema, once per run."""
    path = tmp_path_factory.mktemp("migrated") / "pz.db"
    template = Store(f"sqlite:///{path}")
    template._checkpoint()  # everything in the database file itself: the copy needs no WAL
    template.close()
    return path


def _sqlite_copy(template: Path, folder: Path) -> str:
    """The URL of a copy of the migrated database in ``folder``: each test gets a database of its own
    without running every migration again (a new database cost ~38 ms of CPU and ~170 ms of wall time
    with its fsyncs, a copy ~5 and ~25 ms; hundreds of tests open one)."""
    path = folder / "pz.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def store(tmp_path, _migrated_sqlite) -> Store:
    s = Store(_sqlite_copy(_migrated_sqlite, tmp_path))
    yield s
    s.close()


@pytest.fixture(scope="session")
def browser():
    """One Chromium through Playwright for the whole run (browser, hub and packaging tests).

    Playwright's sync API owns the main thread's event loop while it lives: a second
    ``sync_playwright()`` in the same run fails, and so does ``asyncio.run`` (see
    :func:`tests.loops.run_async`).
    """
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS, chromium_path

    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def postgres_cluster():
    """A throwaway PostgreSQL cluster; skipped (with the reason) where PostgreSQL is not installed,
    an error instead when PZ_REQUIRE_POSTGRES=1 (as `make test` sets where PostgreSQL is there)."""
    from tests.postgres import Cluster, bin_or_skip

    cluster = Cluster(bin_or_skip())
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, tmp_path):
    """The store on SQLite and on PostgreSQL: the same code must work on both."""
    if request.param == "sqlite":
        url = _sqlite_copy(request.getfixturevalue("_migrated_sqlite"), tmp_path)
    else:
        url = request.getfixturevalue("postgres_cluster").new_database()
    s = Store(url)
    yield s
    s.close()


@pytest.fixture(scope="session")
def _cache_dir(tmp_path_factory):
    """One cache folder for the run: the decks of a content version are built once, as on a hub."""
    return tmp_path_factory.mktemp("cache")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    item.stash[_ENVIRON] = dict(os.environ)
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # After every fixture's teardown (monkeypatch's too): what a test's CLI call handed down to
    # its child processes (core/settings.hand_down) is gone, whatever monkeypatch recorded.
    yield
    before = item.stash.get(_ENVIRON, None)
    if before is not None:
        os.environ.clear()
        os.environ.update(before)


_ENVIRON = pytest.StashKey[dict]()


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path_factory, _cache_dir):
    # Tests never read the developer's database, data folder, cache or Jupyter config.
    monkeypatch.delenv("PZTRAINING_DB", raising=False)
    monkeypatch.delenv("PZTRAINING_ORGANISATION", raising=False)
    monkeypatch.setenv("PZTRAINING_CACHE", str(_cache_dir))
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)  # localhost mode unless a test logs someone in
    monkeypatch.delenv("PZTRAINING_CONTENT_DIR", raising=False)  # only the shipped content unless a test adds its own
    monkeypatch.setenv("PZTRAINING_DATA", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path_factory.mktemp("jupyter-config")))
    monkeypatch.setenv("PZTRAINING_TZ", "Europe/Amsterdam")


@pytest.fixture
def broken_case_file(tmp_path, monkeypatch):
    """The shipped content with one case file broken (invalid YAML), as the package's content."""
    import shutil

    from pztraining.content import loader

    root = tmp_path / "content"
    shutil.copytree(loader.builtin_content_dir(), root)
    (root / "cases" / "ggz-casus-1.yaml").write_text("schema_version: 1\nkind: case\nid: [kapot\n", encoding="utf-8")
    monkeypatch.setattr(loader, "builtin_content_dir", lambda: root)
    loader.library.cache_clear()
    yield root / "cases" / "ggz-casus-1.yaml"
    loader.library.cache_clear()
