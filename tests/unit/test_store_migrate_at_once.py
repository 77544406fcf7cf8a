"""Several app processes opening a fresh database at the same moment: all start, the schema is
current, and every migration ran exactly once (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE)."""

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from pztraining.store import SCHEMA_VERSION, Store

pytestmark = pytest.mark.subprocess  # several app processes

PROCESSES = 4
#: One app process: every migration notes its version in a log before it runs, then the store
#: is opened at an agreed moment, as the trainer and room servers do when started together.
CHILD = """
import os, sys, time
from pztraining import store
from pztraining.store import migrations
url, start, log = sys.argv[1], float(sys.argv[2]), sys.argv[3]

def noting(version, migrate):
    def run(conn):
        with open(log, "a") as f:
            f.write(f"{version}\\n")
        migrate(conn)
    return run

migrations.MIGRATIONS = [noting(v, m) for v, m in enumerate(migrations.MIGRATIONS, start=1)]
while time.time() < start:
    time.sleep(0.001)
s = store.Store(url)
print(s.schema_version())
s.close()
"""


def open_at_once(url: str, log: Path) -> list[subprocess.CompletedProcess]:
    start = time.time() + 4  # every child has imported SQLAlchemy by then
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, url, str(start), str(log)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        for _ in range(PROCESSES)
    ]
    for child in children:
        child.wait(timeout=120)
    return [subprocess.CompletedProcess(c.args, c.returncode, c.stdout.read(), c.stderr.read()) for c in children]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_processes_opening_a_new_database_at_once_all_start_and_migrate_once(backend, request, tmp_path):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'pz.db'}"
    else:
        url = request.getfixturevalue("postgres_cluster").new_database()
    log = tmp_path / "migrations.log"
    for done in open_at_once(url, log):
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == str(SCHEMA_VERSION)
    ran = Counter(int(line) for line in log.read_text().split())
    assert ran == Counter(dict.fromkeys(range(1, SCHEMA_VERSION + 1), 1))
    store = Store(url)
    assert store.schema_version() == SCHEMA_VERSION
    store.close()
