"""The CLI on a database it cannot use: one Dutch sentence, exit 1, no English system text, nothing created."""

import importlib.util
import logging
import sqlite3
from datetime import UTC, datetime

import pytest

from pztraining.cli.main import main
from pztraining.store import Store

ENGLISH = (
    "No such file",
    "not a database",
    "No module named",
    "no such table",
    "connection",
    "Connection refused",
    "File exists",
    "Traceback",
)


def run(args, capsys) -> str:
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert out == ""
    for english in ENGLISH:
        assert english not in err
    return err


def missing(path) -> str:
    return (
        f"Fout: Er is geen pztraining-database op {path}; er is niets aangemaakt. "
        "Kijk de map (--data-dir) of het adres (--db) na.\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--training", "1", "--out", "uit.xlsx"],
        ["handouts", "--training", "1", "--no-pdf"],
        ["remove", "--training", "1", "--yes"],
    ],
)
def test_reading_commands_refuse_a_data_folder_that_has_no_database(capsys, tmp_path, args):
    typo = tmp_path / "pztrainnig"
    assert run([*args, "--data-dir", str(typo)], capsys) == missing(typo / "pztraining.db")
    assert not typo.exists()  # a typo no longer makes an empty database


def test_export_refuses_a_sqlite_file_of_another_program_and_leaves_it_alone(capsys, tmp_path):
    other = tmp_path / "ander.db"
    with sqlite3.connect(other) as db:
        db.execute("create table notities (tekst text)")
    assert run(["export", "--db", f"sqlite:///{other}", "--training", "1", "--out", "x.xlsx"], capsys) == missing(other)
    with sqlite3.connect(other) as db:
        assert db.execute("select name from sqlite_master").fetchall() == [("notities",)]


def test_export_refuses_an_empty_postgresql_database_without_creating_tables(capsys, postgres_cluster):
    from sqlalchemy import create_engine, inspect

    url = postgres_cluster.new_database()
    assert run(["export", "--db", url, "--training", "1", "--out", "x.xlsx"], capsys) == missing(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        assert inspect(conn).get_table_names() == []
    engine.dispose()


def test_serve_and_demo_still_create_a_new_database(capsys, tmp_path):
    assert main(["demo", "--no-serve", "--data-dir", str(tmp_path / "nieuw")]) == 0
    assert (tmp_path / "nieuw" / "pztraining.db").is_file()


def test_export_of_an_existing_database_still_works(capsys, tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'pztraining.db'}")
    training = store.add_training("Team De Linde", "mysupport", datetime.now(UTC))
    out = tmp_path / "uit.xlsx"
    assert main(["export", "--data-dir", str(tmp_path), "--training", training.join_code, "--out", str(out)]) == 0
    assert out.is_file()


@pytest.mark.parametrize("command", [["export", "--training", "1", "--out", "x.xlsx"], ["demo", "--no-serve"]])
def test_a_file_that_is_not_a_database_is_named_in_dutch(capsys, tmp_path, caplog, command):
    junk = tmp_path / "boodschappen.db"
    junk.write_text("melk, brood, kaas\n" * 100)
    caplog.set_level(logging.DEBUG, logger="pztraining.store")
    assert run([*command, "--db", f"sqlite:///{junk}"], capsys) == f"Fout: Het bestand {junk} is geen database.\n"
    assert "file is not a database" in caplog.text  # the system's own words go to the log
    assert junk.read_text() == "melk, brood, kaas\n" * 100


def test_a_file_where_the_database_folder_should_be_is_named_in_dutch(capsys, tmp_path):
    blocker = tmp_path / "bestand"
    blocker.write_text("geen map")
    assert run(["demo", "--no-serve", "--db", f"sqlite:///{blocker}/pz.db"], capsys) == (
        f"Fout: Kan de map {blocker} voor de database niet maken: er staat een bestand waar een map moet komen.\n"
    )


@pytest.mark.skipif(importlib.util.find_spec("MySQLdb") is not None, reason="mysqlclient is installed here")
def test_a_missing_database_driver_says_what_to_install(capsys):
    assert (
        run(["export", "--db", "mysql://pz:geheim@db.example/pz", "--training", "1", "--out", "x.xlsx"], capsys)
        == "Fout: Het stuurprogramma voor deze database ontbreekt (installeer mysqlclient).\n"
    )


def test_an_unreachable_database_server_is_named_without_its_password(capsys):
    err = run(
        ["export", "--db", "postgresql+psycopg://pz:geheim@127.0.0.1:1/pz", "--training", "1", "--out", "x.xlsx"],
        capsys,
    )
    assert err == (
        "Fout: Kan geen verbinding maken met de database postgresql+psycopg://pz:***@127.0.0.1:1/pz. "
        "Draait de databaseserver en klopt het adres?\n"
    )


def test_a_failing_read_has_its_own_message_not_the_refused_change(capsys, tmp_path):
    path = tmp_path / "pztraining.db"
    Store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as db:
        db.execute("drop table trainings")  # damaged by hand: the schema version still says all is well
    err = run(["export", "--db", f"sqlite:///{path}", "--training", "1", "--out", "x.xlsx"], capsys)
    assert err == f"Fout: De database {path} kan niet worden gelezen.\n"
