"""A wrong database address at start: one Dutch sentence and exit 1 for every command that opens the
database, no traceback, no English system text, and never the password."""

import pytest

from pztraining.cli.main import main

PASSWORD = "Geheim-42"
#: Every command that opens the database, with what it needs besides --db.
COMMANDS = [
    ["serve", "--port", "1", "--participant-port", "2"],
    ["demo", "--port", "1", "--participant-port", "2"],
    ["export", "--training", "1", "--out", "uit.xlsx"],
    ["handouts", "--training", "1", "--no-pdf"],
    ["remove", "--training", "1", "--yes"],
]


def refuse(command, url, capsys, monkeypatch, tmp_path) -> str:
    """Run ``command`` on ``url``; it must fail with exit 1 and one Dutch line; that line."""
    monkeypatch.chdir(tmp_path)  # export and handouts write here: nothing may appear
    assert main([*command, "--db", url]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fout: "), err
    for english in ("Traceback", "Error", "failed", "refused", "does not exist", "password", "connection"):
        assert english not in err
    assert PASSWORD not in err
    assert list(tmp_path.iterdir()) == []
    return lines[0]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_an_unknown_scheme_is_one_dutch_sentence(command, capsys, monkeypatch, tmp_path):
    line = refuse(command, f"postgres://pz:{PASSWORD}@127.0.0.1/pz", capsys, monkeypatch, tmp_path)
    assert line == "Fout: Onbekend database-adres 'postgres://pz:***@127.0.0.1/pz'."


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_an_address_that_is_no_url_is_refused_without_its_password(command, capsys, monkeypatch, tmp_path):
    line = refuse(command, f"pz:{PASSWORD}@db.example", capsys, monkeypatch, tmp_path)
    assert line == "Fout: Onbekend database-adres 'pz:***@db.example'."


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_server_that_does_not_answer_is_named_at_once(command, capsys, monkeypatch, tmp_path):
    line = refuse(command, f"postgresql+psycopg://pz:{PASSWORD}@127.0.0.1:1/pz", capsys, monkeypatch, tmp_path)
    assert line == (
        "Fout: Kan geen verbinding maken met de database postgresql+psycopg://pz:***@127.0.0.1:1/pz. "
        "Draait de databaseserver en klopt het adres?"
    )


@pytest.fixture(scope="module")
def login_url(postgres_cluster) -> str:
    return postgres_cluster.add_login("trainer", PASSWORD)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_wrong_password_is_said_without_either_password(command, login_url, capsys, monkeypatch, tmp_path):
    url = login_url.replace(PASSWORD, "Fout-wachtwoord")
    line = refuse(command, url, capsys, monkeypatch, tmp_path)
    assert "Fout-wachtwoord" not in line
    assert line == (
        f"Fout: De database {login_url.replace(PASSWORD, '***')} weigert de inlognaam of het "
        "wachtwoord; kijk het adres (--db of PZTRAINING_DB) na."
    )


def test_an_unknown_login_name_is_said_as_a_refused_login(login_url, capsys, monkeypatch, tmp_path):
    url = login_url.replace("//trainer:", "//onbekend:")
    line = refuse(["export", "--training", "1", "--out", "uit.xlsx"], url, capsys, monkeypatch, tmp_path)
    assert "weigert de inlognaam of het wachtwoord" in line


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_database_the_server_does_not_have_is_named(command, login_url, capsys, monkeypatch, tmp_path):
    url = login_url.rsplit("/", 1)[0] + "/bestaat_niet"
    line = refuse(command, url, capsys, monkeypatch, tmp_path)
    assert line == (
        f"Fout: De database {url.replace(PASSWORD, '***')} bestaat niet op de server; maak haar "
        "eerst aan (bijv. createdb) of kijk de naam na."
    )


def test_the_right_password_opens_the_database(login_url, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--no-serve", "--db", login_url]) == 0
    assert "Demotraining" in capsys.readouterr().out
