"""A hub trainer's single-user server starts kernels only for the apps' own pages, a few at most:
``POST /api/kernels`` and ``POST /api/sessions`` start nothing (403), a page beyond the cap is refused
(429) until a kernel ends; no file can be written, and the refusal says so in Dutch. The server
runs with the arguments the printed hub config gives it."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time

import pytest
from traitlets.config import Config

from pztraining.core.texts import t
from pztraining.serving.hub import EXAMPLE, config_text
from pztraining.serving.server import notebooks_dir
from tests.processes import free_port, isolated_env, stop_tree

TOKEN = "kernels-test-token"
NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def spawner_args() -> list[str]:
    """The single-user server's arguments exactly as the printed jupyterhub_config.py sets them."""
    c = Config()
    exec(compile(config_text(EXAMPLE), "jupyterhub_config.py", "exec"), {"get_config": lambda: c})
    return list(c.Spawner.args)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kernels")
    port = free_port()
    args = [a for a in spawner_args() if not a.startswith("--AppKernelManager.max_kernels=")]
    assert "--ServerApp.kernel_manager_class=pztraining.serving.hub_server.AppKernelManager" in args
    env = dict(isolated_env(tmp), PZTRAINING_DB=f"sqlite:///{tmp / 'pz.db'}", PZTRAINING_DATA=str(tmp / "data"))
    command = [
        sys.executable,
        "-m",
        "jupyter_server",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={notebooks_dir()}",
        *args,
        "--AppKernelManager.max_kernels=1",
    ]
    if os.geteuid() == 0 and "--allow-root" not in command:
        command.append("--allow-root")
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=open(tmp / "log", "wb"))  # noqa: SIM115
    deadline = time.monotonic() + 120
    while True:
        try:
            if call(port, "GET", "/api/status")[0] == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail("the server did not start:\n" + (tmp / "log").read_text()[-3000:])
        time.sleep(0.3)
    yield port
    stop_tree(process, "jupyter_server")


def call(port: int, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(
            method,
            path,
            body=None if body is None else json.dumps(body),
            headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
        )
        reply = conn.getresponse()
        return reply.status, reply.read().decode("utf-8", "replace")
    finally:
        conn.close()


def kernels(port: int) -> list[str]:
    status, body = call(port, "GET", "/api/kernels")
    assert status == 200
    return [kernel["id"] for kernel in json.loads(body)]


def test_the_kernel_and_sessions_apis_start_no_kernel(server):
    assert call(server, "POST", "/api/kernels", {"name": "python3"})[0] == 403
    assert call(server, "POST", "/api/kernels", {"name": "python3", "path": "voila/render/trainer.ipynb"})[0] == 403
    status, _ = call(
        server,
        "POST",
        "/api/sessions",
        {"path": "trainer.ipynb", "type": "notebook", "name": "x", "kernel": {"name": "python3"}},
    )
    assert status == 403
    assert kernels(server) == []


def test_an_app_page_starts_its_kernel_up_to_the_cap_and_again_when_one_ended(server):
    status, page = call(server, "GET", "/voila/render/results.ipynb")
    assert status == 200, page[-2000:]
    running = kernels(server)
    assert len(running) == 1
    status, page = call(server, "GET", "/voila/render/trainer.ipynb")  # a second tab: over the cap (1 here)
    assert status == 429 and kernels(server) == running
    assert call(server, "DELETE", f"/api/kernels/{running[0]}")[0] == 204
    status, page = call(server, "GET", "/voila/render/trainer.ipynb")
    assert status == 200, page[-2000:]
    assert len(kernels(server)) == 1


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "/api/contents/eigen.ipynb", {"type": "notebook", "content": NOTEBOOK}),
        ("POST", "/api/contents", {"type": "notebook"}),
        ("PATCH", "/api/contents/trainer.ipynb", {"path": "ander.ipynb"}),
        ("DELETE", "/api/contents/trainer.ipynb", None),
        ("POST", "/api/contents/trainer.ipynb/checkpoints", None),
    ],
)
def test_a_file_cannot_be_written_and_the_refusal_is_dutch(server, method, path, body):
    status, reply = call(server, method, path, body)
    assert status == 403, reply
    refusal = json.loads(reply)
    assert refusal["message"] == t("hub.contents.read_only")
    assert refusal["reason"] == t("hub.contents.read_only")
    assert call(server, "GET", "/api/contents/trainer.ipynb?content=0")[0] == 200  # reading still works
