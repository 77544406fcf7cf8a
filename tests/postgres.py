"""A throwaway PostgreSQL cluster for the store's tests (Debian's postgresql package)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import tests.required


def find_bin() -> Path | None:
    """The folder with initdb and pg_ctl, newest version first, or None."""
    if os.environ.get("PZ_POSTGRES_BIN"):
        return Path(os.environ["PZ_POSTGRES_BIN"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def required() -> bool:
    """True when PostgreSQL's tests may not skip: PZ_REQUIRE_POSTGRES=1 (``make test`` sets it)."""
    return tests.required.required("PZ_REQUIRE_POSTGRES")


def bin_or_skip() -> Path:
    """The folder with initdb; where there is none, skip the test, or fail it when PostgreSQL is required."""
    bin_dir = find_bin()
    if bin_dir is not None:
        return bin_dir
    tests.required.missing("PostgreSQL", "postgresql", "PZ_REQUIRE_POSTGRES")


class Cluster:
    """initdb + pg_ctl in a temporary folder on a free port; ``url(db)`` for SQLAlchemy."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="pz-pg-"))
        self.data = self.folder / "data"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        # PostgreSQL refuses to run as root: run it as the postgres user then.
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.prefix:
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "pz", "--no-sync")
        self.resume()
        self._counter = 0

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.prefix, str(self.bin / tool), *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://pz@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        self._counter += 1
        name = f"test_{self._counter}_{int(time.time() * 1000) % 100000}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=pz dbname=postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def add_login(self, user: str, password: str) -> str:
        """A role that must log in with ``password`` (the others stay trusted), owning a database
        of its own name; that database's URL."""
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=pz dbname=postgres", autocommit=True) as c:
            c.execute(f"CREATE ROLE \"{user}\" LOGIN PASSWORD '{password}'")
            c.execute(f'CREATE DATABASE "{user}" OWNER "{user}"')
        hba = self.data / "pg_hba.conf"
        rule = f"host all {user} 127.0.0.1/32 scram-sha-256\n"
        subprocess.run(
            [*self.prefix, "sh", "-c", f'printf "{rule}" | cat - {hba} > {hba}.new && mv {hba}.new {hba}'], check=True
        )
        self._run("pg_ctl", "-D", str(self.data), "reload")
        time.sleep(0.5)  # the postmaster rereads pg_hba.conf on SIGHUP
        return f"postgresql+psycopg://{user}:{password}@127.0.0.1:{self.port}/{user}"

    def pause(self) -> None:
        """Stop the server as an operator would (``pg_ctl stop -m fast``); ``resume`` starts it again."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def resume(self) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
