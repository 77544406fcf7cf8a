"""A private nginx for the tests: Debian's own configuration (``apt-get install nginx``), copied into
a temporary folder with its own pid file, logs and sites, so it never touches the machine's nginx.

``make test`` installs nginx (and sets PZ_REQUIRE_NGINX=1: its tests then fail instead of skipping).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import tests.required
from tests.processes import free_port

DEBIAN = Path("/etc/nginx")


def binary_or_skip() -> str:
    """The nginx program; skip the test where it is missing, or fail it where nginx is required."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if found is None or not (DEBIAN / "nginx.conf").exists():
        tests.required.missing("nginx", "nginx", "PZ_REQUIRE_NGINX")
    return found


def version(binary: str) -> str:
    """``nginx -v``'s line, e.g. "nginx version: nginx/1.22.1"."""
    return subprocess.run([binary, "-v"], capture_output=True, text=True).stderr.strip()


class Nginx:
    """Debian's nginx set-up in ``folder`` (world-readable, for the workers): etc/, log/, nginx.pid."""

    def __init__(self, binary: str, folder: Path | None = None):
        self.binary = binary
        self.folder = folder or Path(tempfile.mkdtemp(prefix="pz-nginx-"))
        self.folder.chmod(0o755)
        self.etc = self.folder / "etc"
        shutil.copytree(DEBIAN, self.etc, symlinks=True)
        self.log = self.folder / "log"
        self.log.mkdir()
        self.pid_file = self.folder / "nginx.pid"
        text = (DEBIAN / "nginx.conf").read_text()
        text = text.replace("/run/nginx.pid", str(self.pid_file)).replace("/var/log/nginx", str(self.log))
        self.conf = self.etc / "nginx.conf"
        self.conf.write_text(text.replace(str(DEBIAN), str(self.etc)))
        # Debian's default site points at its own folder: keep the link, aimed at our copy.
        default = self.etc / "sites-enabled" / "default"
        if default.is_symlink():
            default.unlink()
            default.symlink_to(self.etc / "sites-available" / "default")

    def command(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [self.binary, "-c", str(self.conf), "-e", str(self.log / "error.log"), *args],
            capture_output=True,
            text=True,
            timeout=30,
        )

    def check(self) -> subprocess.CompletedProcess:
        """``nginx -t`` on this set-up (as root it leaves an empty pid file behind, which
        :meth:`start` would take for a running nginx: removed again when nginx did not run)."""
        running = self.pid_file.exists()
        done = self.command("-t")
        if not running and not self.pid():
            self.pid_file.unlink(missing_ok=True)
        return done

    def site(self, name: str, text: str) -> None:
        """Put a site in sites-available and enable it (Debian's way); without Debian's default site."""
        (self.etc / "sites-available" / name).write_text(text)
        link = self.etc / "sites-enabled" / name
        if not link.is_symlink():
            link.symlink_to(self.etc / "sites-available" / name)
        (self.etc / "sites-enabled" / "default").unlink(missing_ok=True)

    def start(self) -> None:
        """Start nginx unless it runs already (its pid file); returns once the pid file holds the pid
        (nginx creates it empty and writes the number after)."""
        if not self.pid_file.exists():
            done = self.command()
            assert done.returncode == 0, done.stderr + self.error_log()
        deadline = time.monotonic() + 10
        while not self.pid() and time.monotonic() < deadline:
            time.sleep(0.05)

    def pid(self) -> int:
        """The master's pid from its pid file; 0 while there is none (yet)."""
        try:
            return int(self.pid_file.read_text())
        except (OSError, ValueError):
            return 0

    def error_log(self) -> str:
        path = self.log / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """Stop the master (and so its workers) by the pid in its own pid file; remove the folder."""
        pid = self.pid()
        if pid:
            try:
                os.kill(pid, signal.SIGTERM)
                deadline = time.monotonic() + 10
                while _running(pid) and time.monotonic() < deadline:
                    time.sleep(0.05)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def self_signed(folder: Path, name: str = "localhost", elliptic: bool = False) -> tuple[Path, Path]:
    """A certificate and key for ``name`` (openssl), readable by nginx: RSA 2048, or with ``elliptic``
    ECDSA P-256 (what certbot makes by default since 2.0, so the handshakes cost what Let's Encrypt's do)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    new_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"] if elliptic else ["-newkey", "rsa:2048"]
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            *new_key,
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={name}",
            "-addext",
            f"subjectAltName=DNS:{name}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def start_site(
    nginx: Nginx,
    *,
    static: Path,
    certificate: Path,
    key: Path,
    hub_port: int,
    room_port: int,
    room_copies: int = 1,
) -> int:
    """Write the product's own site (``pztraining hub --nginx``) in front of a hub and room copies,
    check it (``nginx -t``) and start nginx; its HTTPS port. A free port another test takes before
    nginx binds it is tried again on new ports."""
    from pztraining.serving.hub import NginxSettings, nginx_text, nginx_version

    for _attempt in range(3):
        port = free_port()
        settings = NginxSettings(
            public_url=f"https://localhost:{port}",
            hub_port=hub_port,
            room_port=room_port,
            room_copies=room_copies,
            static_dir=str(static),
            certificate=str(certificate),
            certificate_key=str(key),
            acme_dir=str(nginx.folder),
            http_port=free_port(),
            nginx_version=nginx_version(version(nginx.binary)),
            ipv6=os.path.exists("/proc/net/if_inet6"),
        )
        nginx.site("pztraining", nginx_text(settings))
        checked = nginx.check()
        assert checked.returncode == 0, checked.stderr
        started = nginx.command()
        if started.returncode == 0:
            nginx.start()  # waits for the pid file (started above)
            return port
        assert "Address already in use" in started.stderr, started.stderr
    raise AssertionError("nginx found no free port in three tries")
