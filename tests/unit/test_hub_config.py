"""`pztraining hub --config`: the printed jupyterhub_config.py, read as JupyterHub reads it."""

from __future__ import annotations

from traitlets.config import Config

from pztraining.cli.main import main
from pztraining.serving.hub import HubSettings, config_text


def read_config(text: str) -> Config:
    config = Config()
    exec(compile(text, "jupyterhub_config.py", "exec"), {"get_config": lambda: config})
    return config


def printed(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["hub", "--config", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_trainers_get_the_draaiboek_in_voila_only_with_links_to_the_public_room(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("PZTRAINING_DB", raising=False)
    monkeypatch.delenv("PZTRAINING_PUBLIC_URL", raising=False)
    db = f"sqlite:///{tmp_path / 'pz.db'}"
    status, out, err = printed(capsys, "--db", db, "--public-url", "https://training.example.nl/",
                               "--admin", "beheer", "--state-dir", str(tmp_path))
    assert status == 0, err
    c = read_config(out)
    assert c.Spawner.default_url == "/voila/render/trainer.ipynb"
    assert c.Spawner.notebook_dir.endswith("notebooks")
    from jupyter_server.serverapp import ServerApp

    server = ServerApp()
    server.parse_command_line(c.Spawner.args)  # as jupyterhub-singleuser reads them
    assert server.jpserver_extensions["jupyterlab"] is False and server.terminals_enabled is False
    assert server.config.MappingKernelManager.allowed_message_types == [
        "comm_open", "comm_msg", "comm_close", "comm_info_request", "kernel_info_request"]
    assert c.Spawner.environment["PZTRAINING_DB"] == db
    assert c.Spawner.environment["PZTRAINING_PARTICIPANT_URL"] == "https://training.example.nl/services/room/"
    assert c.JupyterHub.authenticator_class == "pztraining.serving.hub_auth.RoleAuthenticator"
    assert c.Authenticator.allow_all is False and c.Authenticator.admin_users == {"beheer"}
    assert c.JupyterHub.db_url == f"sqlite:///{tmp_path / 'jupyterhub.sqlite'}"


def test_trainers_servers_serve_the_decks_and_the_beamer_page():
    from jupyter_server.serverapp import ServerApp

    c = read_config(config_text(HubSettings(db_url="sqlite:///x.db")))
    app = ServerApp()
    app.parse_command_line(c.Spawner.args)  # as jupyterhub-singleuser reads them
    extensions = app.jpserver_extensions
    assert extensions["pztraining.serving.hub_server"] is True and extensions["voila"] is True
    assert extensions["jupyterlab"] is False
    from pztraining.serving import hub_server

    assert hub_server._jupyter_server_extension_points() == [{"module": "pztraining.serving.hub_server"}]


def test_room_copies_share_one_prefix_and_need_no_login():
    c = read_config(config_text(HubSettings(db_url="postgresql+psycopg://pz@/pz", room_port=9000, room_copies=3)))
    services = c.JupyterHub.services
    assert [s["name"] for s in services] == ["room", "room-2", "room-3"]
    assert [s["url"] for s in services] == ["http://127.0.0.1:9000", "http://127.0.0.1:9001", "http://127.0.0.1:9002"]
    for service in services:
        assert "--Voila.base_url=/services/room/" in service["command"]
        assert service["environment"]["PZTRAINING_DB"] == "postgresql+psycopg://pz@/pz"
        assert "oauth_client_id" not in service and "oauth_roles" not in service  # phones never log in


def test_the_public_address_may_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PZTRAINING_PUBLIC_URL", "https://regio.example.nl")
    c = read_config(config_text(HubSettings(db_url="sqlite:///x.db")))
    assert c.Spawner.environment["PZTRAINING_PARTICIPANT_URL"] == "https://regio.example.nl/services/room/"


def test_wrong_settings_are_one_dutch_sentence(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("PZTRAINING_DB", raising=False)
    status, out, err = printed(capsys)
    assert (status, out) == (1, "") and "Geef de database met --db" in err
    status, out, err = printed(capsys, "--db", f"sqlite:///{tmp_path / 'pz.db'}", "--room-copies", "2")
    assert (status, out) == (1, "") and "alleen met PostgreSQL" in err
    status, out, err = printed(capsys, "--db", f"sqlite:///{tmp_path / 'pz.db'}", "--public-url", "training.nl")
    assert (status, out) == (1, "") and "http:// of https://" in err
    status, out, err = printed(capsys, "--db", "postgresql+psycopg://pz@127.0.0.1:1/geen")
    assert (status, out) == (1, "") and err.startswith("Fout: ") and "Traceback" not in err


def test_the_example_in_deploy_is_what_the_command_prints_for_the_readme_layout():
    from pathlib import Path

    from pztraining.serving.hub import EXAMPLE

    example = Path(__file__).resolve().parents[2] / "deploy" / "jupyterhub" / "jupyterhub_config.py"
    assert example.read_text() == config_text(EXAMPLE), "regenerate deploy/jupyterhub/jupyterhub_config.py"
