"""What the install script and nginx get from `pztraining hub`: the nginx site, the phones' page as
files, the script itself; and the examples in deploy/ and the README kept equal to them."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from pztraining.cli.main import main
from pztraining.serving.hub import (
    EXAMPLE,
    EXAMPLE_NGINX,
    HubSettings,
    NginxSettings,
    config_text,
    install_script,
    nginx_text,
    nginx_version,
    venv_python,
    write_static,
)
from pztraining.serving.room.handlers import STATIC_FILES
from pztraining.serving.room.page import page_html
from pztraining.serving.web_security import STRICT_POLICY

CHECKOUT = Path(__file__).resolve().parents[2]
DEPLOY = CHECKOUT / "deploy"


def test_the_nginx_example_in_deploy_is_what_the_command_prints_for_the_readme_layout():
    assert (DEPLOY / "nginx" / "pztraining.conf").read_text() == nginx_text(EXAMPLE_NGINX), (
        "regenerate deploy/nginx/pztraining.conf"
    )
    assert (DEPLOY / "jupyterhub" / "jupyterhub_config.py").read_text() == config_text(EXAMPLE)


def test_http2_is_switched_on_the_way_the_installed_nginx_understands():
    """Debian 12's nginx 1.22 stops at `http2 on;` (nginx >= 1.25.1); the old form works on both."""

    def site(version: str) -> str:
        return nginx_text(NginxSettings(public_url="https://t.example.nl", nginx_version=nginx_version(version)))

    old, new = site("nginx version: nginx/1.22.1"), site("nginx version: nginx/1.26.3 (Ubuntu)")
    assert "listen 443 ssl http2;" in old and not re.search(r"^\s*http2 on;", old, re.M)
    assert "listen 443 ssl;" in new and re.search(r"^\s*http2 on;", new, re.M)
    assert site("nginx version: nginx/1.24.0 (Ubuntu)") == old  # Ubuntu 24.04
    assert "listen 443 ssl http2;" in nginx_text(NginxSettings(public_url="https://t.example.nl"))  # unknown: old


def test_the_site_serves_the_phones_page_itself_and_spreads_the_api_over_every_copy():
    text = nginx_text(
        NginxSettings(
            public_url="https://t.example.nl:8443",
            room_port=9000,
            room_copies=3,
            static_dir="/srv/pz/static",
            http_port=8080,
            ipv6=False,
        )
    )
    room = re.search(r"upstream pztraining_room \{(.*?)\}", text, re.S).group(1)
    assert re.findall(r"server 127\.0\.0\.1:(\d+)", room) == ["9000", "9001", "9002"]
    assert "listen 8443 ssl http2;" in text and "listen 8080;" in text and "[::]" not in text
    assert "return 301 https://$host:8443$request_uri;" in text
    page = text.split("location = /services/room/ {")[1].split("}")[0]
    assert "root /srv/pz/static;" in page and '"Cache-Control" "no-cache"' in page
    assert f'"Content-Security-Policy" "{STRICT_POLICY}"' in page  # the room server's own headers
    assert "Set-Cookie $pz_room_cookie" in page and "proxy_pass" not in page
    api = text.split("location /services/room/pz/api/ {")[1].split("}")[0]
    assert "proxy_pass http://pztraining_room;" in api and "http_503" in api
    assert "proxy_buffering off;" in text and "gzip_types text/css application/javascript" in text
    assert "/etc/letsencrypt/live/t.example.nl/fullchain.pem" in text


def test_before_the_certificate_exists_only_the_challenge_is_served():
    text = nginx_text(NginxSettings(public_url="https://t.example.nl", tls=False))
    assert "ssl" not in text and "location /.well-known/acme-challenge/" in text


def test_the_phones_page_nginx_serves_is_the_room_servers_own(tmp_path):
    written = write_static(tmp_path)
    root = tmp_path / "services" / "room"
    assert (root / "index.html").read_text() == page_html("/services/room/")
    for name, (folder, _kind) in STATIC_FILES.items():
        assert (root / "pz" / "static" / name).read_bytes() == (CHECKOUT / "pztraining" / folder / name).read_bytes()
    assert len(written) == 1 + len(STATIC_FILES)
    write_static(tmp_path)  # again (after an update): replaced, no refusal


def test_the_printed_config_names_the_venvs_python_whatever_started_it():
    """`python3 -m venv` gives bin/python3 and bin/python; the example (and so every install) says python."""
    if sys.prefix != sys.base_prefix:
        assert venv_python() == str(Path(sys.prefix) / "bin" / "python")
    assert HubSettings(db_url="sqlite://").python == venv_python()
    assert EXAMPLE.python.endswith("/venv/bin/python")


def test_the_install_script_is_printed_and_the_readme_quotes_it(capsys):
    script = (DEPLOY / "install.sh").read_text()
    assert install_script() == script
    assert main(["hub", "--install-script"]) == 0
    assert capsys.readouterr().out == script
    readme = (CHECKOUT / "README.md").read_text()
    quoted = re.search(r"```bash\n(#!/bin/bash\n.*?)```", readme, re.S)
    assert quoted is not None and quoted.group(1) == script, "quote deploy/install.sh in the README again"


def test_the_install_script_never_lets_pip_see_an_unexpanded_star():
    script = (DEPLOY / "install.sh").read_text()
    pip_lines = [line for line in script.splitlines() if "pip install" in line]
    assert pip_lines and not any("*" in line for line in pip_lines)
    assert "certbot certonly" in script and "certbot --nginx" not in script
    assert script.index("--no-tls") < script.index("certbot certonly") < script.rindex("nginx_site")
    assert 'rm -f "$PZ_NGINX_DIR/sites-enabled/default"' in script


def test_the_wheel_carries_deploy():
    import tomllib

    data_files = tomllib.loads((CHECKOUT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    assert data_files["share/pztraining/deploy"] == ["deploy/install.sh"]
    assert "deploy/nginx/*" in data_files["share/pztraining/deploy/nginx"]


@pytest.mark.subprocess  # importing jupyterhub.auth loads pamela, which runs ldconfig
def test_the_hub_does_not_warn_that_nobody_can_log_in():
    pytest.importorskip("firstuseauthenticator")
    from pztraining.serving.hub_auth import RoleAuthenticator

    authenticator = RoleAuthenticator()
    assert authenticator.allow_all is False and authenticator.any_allow_config is True
