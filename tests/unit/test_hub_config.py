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
    status, out, err = printed(
        capsys,
        "--db",
        db,
        "--public-url",
        "https://training.example.nl/",
        "--admin",
        "beheer",
        "--state-dir",
        str(tmp_path),
    )
    assert status == 0, err
    c = read_config(out)
    assert c.Spawner.default_url == "/voila/render/trainer.ipynb"
    assert c.Spawner.notebook_dir.endswith("notebooks")
    from jupyter_server.serverapp import ServerApp

    server = ServerApp()
    server.parse_command_line(c.Spawner.args)  # as jupyterhub-singleuser reads them
    assert server.jpserver_extensions["jupyterlab"] is False and server.terminals_enabled is False
    assert server.config.MappingKernelManager.allowed_message_types == [
        "comm_open",
        "comm_msg",
        "comm_close",
        "comm_info_request",
        "kernel_info_request",
    ]
    from types import SimpleNamespace

    from pztraining.store import Store

    Store(db).close()  # the database URL is chosen per user at each start (tests/unit/test_hub_config_roles.py)
    assert c.Spawner.environment["PZTRAINING_DB"](SimpleNamespace(user=SimpleNamespace(name="anna"))) == db
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

    assert hub_server._jupyter_server_extension_points() == [
        {"module": "pztraining.serving.hub_server", "app": hub_server.TrainerServerApp}
    ]


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


def test_the_hubs_own_pages_come_from_the_package_and_extend_jupyterhubs_templates():
    """login, start, home, errors in Dutch: JupyterHub's templates extended block by block, not copied."""
    import re

    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader

    from pztraining.core.texts import NL
    from pztraining.serving.hub import hub_templates_dir

    c = read_config(config_text(HubSettings(db_url="sqlite:///x.db")))
    folder = hub_templates_dir()
    assert c.JupyterHub.template_paths == [str(folder)]
    texts = c.JupyterHub.template_vars["pz"]
    assert texts["hub.page.login.title"] == "Inloggen" and all(key.startswith("hub.page.") for key in texts)
    pages = {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.html")}
    assert {
        "page.html",
        "login.html",
        "spawn_pending.html",
        "home.html",
        "error.html",
        "404.html",
        "not_running.html",
        "stop_pending.html",
    } <= set(pages)
    for name, source in pages.items():
        parent = re.search(r'{%\s*extends\s+"([^"]+)"\s*%}', source)
        assert parent, name
        assert parent.group(1) in (f"templates/{name}", "error.html"), (name, parent.group(1))
        used = set(re.findall(r"pz\['([^']+)'\]", source))
        assert used <= set(NL), (name, used - set(NL))
        assert used or name == "404.html", name  # 404 is our error page as it is

    # JupyterHub's own loader (jupyterhub/app.py): "templates/..." is its original, the rest ours first.
    from jupyterhub._data import DATA_FILES_PATH

    original = f"{DATA_FILES_PATH}/templates"  # as JupyterHub.data_files_path + "templates"
    loader = ChoiceLoader(
        [PrefixLoader({"templates": FileSystemLoader([original])}, "/"), FileSystemLoader([str(folder), original])]
    )
    env = Environment(loader=loader, autoescape=True)
    for name in pages:
        env.get_template(name)  # parses, and its parents resolve
