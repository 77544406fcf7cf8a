"""The printed hub config gives each process its PostgreSQL role: the room service and coordinators
the role that sees every organisation, trainers and kartrekkers the bound role with their own
organisation (row-level security, schema 18); without those settings everything keeps DB_URL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from traitlets.config import Config

from pztraining.serving.hub import HubSettings, config_text
from pztraining.store import Store


def load(db_url: str) -> Config:
    c = Config()
    text = config_text(HubSettings(db_url=db_url, room_copies=1))
    exec(compile(text, "jupyterhub_config.py", "exec"), {"get_config": lambda: c})
    return c


def environment(c: Config, name: str) -> dict[str, str]:
    """A spawner's environment for user ``name``, as JupyterHub computes it (callables get the spawner)."""
    spawner = SimpleNamespace(user=SimpleNamespace(name=name))
    return {key: value(spawner) if callable(value) else value for key, value in c.Spawner.environment.items()}


def test_each_server_gets_the_role_and_organisation_of_its_user(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'pz.db'}"
    store = Store(url)
    until = datetime.now(UTC) + timedelta(hours=1)
    store.add_user("anna", "trainer", "Zorggroep Noord", first_login_until=until)
    store.add_user("kees", "kartrekker", "Zorggroep Zuid", first_login_until=until)
    store.add_user("piet", "coordinator", first_login_until=until)
    store.close()
    monkeypatch.setenv("PZTRAINING_ROOM_DB", "postgresql+psycopg://pz_room@db/pz")
    monkeypatch.setenv("PZTRAINING_TRAINER_DB", "postgresql+psycopg://pz_trainers@db/pz")
    c = load(url)
    anna, kees, piet, stranger = (environment(c, name) for name in ("anna", "kees", "piet", "onbekend"))
    assert (anna["PZTRAINING_DB"], anna["PZTRAINING_ORGANISATION"]) == (
        "postgresql+psycopg://pz_trainers@db/pz",
        "Zorggroep Noord",
    )
    assert (kees["PZTRAINING_DB"], kees["PZTRAINING_ORGANISATION"]) == (
        "postgresql+psycopg://pz_trainers@db/pz",
        "Zorggroep Zuid",
    )
    assert (piet["PZTRAINING_DB"], piet["PZTRAINING_ORGANISATION"]) == ("postgresql+psycopg://pz_room@db/pz", "")
    # A name without a role gets the bound role and no organisation: it sees no row at all.
    assert (stranger["PZTRAINING_DB"], stranger["PZTRAINING_ORGANISATION"]) == (
        "postgresql+psycopg://pz_trainers@db/pz",
        "",
    )
    assert all(
        service["environment"]["PZTRAINING_DB"] == "postgresql+psycopg://pz_room@db/pz"
        for service in c.JupyterHub.services
    )


def test_without_roles_every_process_keeps_the_one_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'pz.db'}"
    Store(url).close()
    c = load(url)
    assert environment(c, "anna")["PZTRAINING_DB"] == url
    assert all(service["environment"]["PZTRAINING_DB"] == url for service in c.JupyterHub.services)
