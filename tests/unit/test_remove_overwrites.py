"""After `pztraining remove --yes` the removed names and answers are gone from the database files too."""

import sqlite3
from datetime import UTC, datetime

import pytest

from pztraining.cli.main import main
from pztraining.content import load_form
from pztraining.domain.forms import form_spec
from pztraining.services import forms
from pztraining.store import Store

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
NAME = "Wilhelmina Zwaluwstaart"
ANSWER = "Mijn vader overleed vorig jaar in het hospice Kwikstaart"


@pytest.fixture
def without_secure_delete_by_default(monkeypatch):
    """Connections as on SQLite builds compiled without SECURE_DELETE (as Debian's is not)."""
    connect = sqlite3.dbapi2.connect

    def plain(*args, **kwargs):
        connection = connect(*args, **kwargs)
        connection.execute("PRAGMA secure_delete = OFF")
        return connection

    monkeypatch.setattr(sqlite3.dbapi2, "connect", plain)  # what SQLAlchemy's pysqlite calls


def test_removed_names_and_answers_are_not_left_in_the_database_files(
    tmp_path, capsys, without_secure_delete_by_default
):
    path = tmp_path / "pztraining.db"
    url = f"sqlite:///{path}"
    running = Store(url)  # the server, still running during the removal
    training = running.add_training("Team Weg", "mysupport", NOW)
    kept = running.add_training("Team Blijft", "mysupport", NOW)
    person = running.add_participant(training.id, NAME, "device", NOW)
    forms.open_form(running, training.id, 1, "reflectie", False, NOW, spec=form_spec(load_form("reflectie")))
    forms.submit(
        running, training.id, 1, "reflectie", f"p:{person.id}", {"hoe-was-het": ANSWER}, NOW, participant_id=person.id
    )
    running.add_participant(kept.id, "Blijft Bewaard", "device-2", NOW)
    assert running.find_participant(training.id, "device").name == NAME  # its connection stays open
    assert main(["remove", "--db", url, "--training", training.join_code, "--yes"]) == 0
    capsys.readouterr()
    files = [p for p in tmp_path.iterdir() if p.name.startswith("pztraining.db")]
    assert path in files
    raw = b"".join(p.read_bytes() for p in files)
    assert NAME.encode() not in raw
    assert ANSWER.encode() not in raw
    assert [p.name for p in running.list_participants(kept.id)] == ["Blijft Bewaard"]
    running.close()


def test_every_connection_overwrites_what_it_deletes(tmp_path, without_secure_delete_by_default):
    store = Store(f"sqlite:///{tmp_path / 'pz.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    store.close()
