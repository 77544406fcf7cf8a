"""Anonymous answers carry nothing that orders them or links them to a person: not in exports, not in the store."""

import sqlite3
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pandas as pd
import pytest
from sqlalchemy import text

from pztraining.content import load_form
from pztraining.domain.forms import form_spec
from pztraining.reports import export
from pztraining.services import forms, results
from pztraining.store import SCHEMA_VERSION, Store

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
EVALUATION = "evaluatie-mysupport"
# Submitted in this order, so the order of submitting is not the order of the answers.
RELEVANCE = {"Anna": 5, "Bram": 2, "Cor": 4}


def reflect_then_evaluate(store):
    """A named reflection and an anonymous evaluation, opened together; each person does both in turn."""
    training = store.add_training("Team Noord", "mysupport", NOW)
    for form_id, anonymous in (("reflectie", False), (EVALUATION, True)):
        forms.open_form(store, training.id, 1, form_id, anonymous, NOW, spec=form_spec(load_form(form_id)))
    for minute, (name, relevance) in enumerate(RELEVANCE.items()):
        person = store.add_participant(training.id, name, f"device-{name}", NOW)
        at = NOW + timedelta(minutes=minute)
        forms.submit(
            store,
            training.id,
            1,
            "reflectie",
            f"p:{person.id}",
            {"hoe-was-het": f"Spannend ({name})"},
            at,
            participant_id=person.id,
        )
        forms.submit(
            store, training.id, 1, EVALUATION, f"a:{name}", {"relevantie": relevance}, at, participant_id=person.id
        )
    return training


def stored_submission_ids(store):
    with store.engine.connect() as conn:
        return set(conn.execute(text("select id from submissions")).scalars())


def read_answers_sheet(out, fmt):
    if fmt == "xlsx":
        return pd.read_excel(out, sheet_name="Antwoorden")
    return pd.read_csv(out / "antwoorden.csv", sep=";", decimal=",", encoding="utf-8-sig")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_anonymous_evaluation_cannot_be_linked_to_the_named_reflection_in_an_export(store, tmp_path, fmt):
    training = reflect_then_evaluate(store)
    bundle = results.build(store, results.training_scope(store, str(training.id)))
    out = tmp_path / ("export.xlsx" if fmt == "xlsx" else "export")
    export.write(bundle, fmt, out, False, NOW)
    sheet = read_answers_sheet(out, fmt)
    anonymous = sheet[sheet["Anoniem"] == "ja"]  # yes/no in Dutch
    named = sheet[sheet["Anoniem"] == "nee"]
    assert len(anonymous) == 3 and len(named) == 3
    # No stored submission number (N for the reflection, N+1 for the evaluation) is printed.
    ids = {str(i) for i in stored_submission_ids(store)}
    printed = {str(v).removesuffix(".0") for v in sheet.drop(columns=["Waarde", "Antwoord"]).to_numpy().ravel()}
    assert not ids & printed
    # Anonymous rows come in the order of their answers, not in the order they were sent.
    assert list(anonymous["Waarde"]) == sorted(RELEVANCE.values())
    assert set(anonymous["Deelnemerscode"].fillna("")) == {""}
    assert list(anonymous["Respondent"]) == ["anoniem 1", "anoniem 2", "anoniem 3"]
    assert list(named["Respondent"]) == ["D01", "D02", "D03"]


def test_submission_numbers_follow_no_sequence(store):
    training = reflect_then_evaluate(store)
    for i in range(20):
        forms.submit(store, training.id, 1, "reflectie", f"papier:{i}", {"hoe-was-het": "x"}, NOW, paper=True)
    with store.engine.connect() as conn:
        ids = list(conn.execute(text("select id from submissions order by rowid")).scalars())
    assert len(ids) == 26
    assert all(later != earlier + 1 for earlier, later in pairwise(ids))
    assert all(0 < i < 2**31 for i in ids)  # fits INTEGER on PostgreSQL, exact in JavaScript


def test_an_anonymous_draft_stays_on_the_phone_and_a_named_one_is_kept_with_its_time(any_store):
    # A key written every few seconds while a phone types would sit next to that phone's
    # named writes in the WAL, and the submitted answer carries the same key.
    training = any_store.add_training("Team", "mysupport", NOW)
    forms.open_form(any_store, training.id, 1, "reflectie", False, NOW)
    forms.open_form(any_store, training.id, 1, EVALUATION, True, NOW)
    assert forms.save_open_draft(
        any_store, training.id, 1, "reflectie", lambda _anonymous: "p:1", {"hoe-was-het": "half"}, NOW
    )
    assert not forms.save_open_draft(
        any_store, training.id, 1, EVALUATION, lambda anonymous: "a:xyz", {"relevantie": 5}, NOW
    )
    with any_store.engine.connect() as conn:
        times = dict(conn.execute(text("select form_id, updated_at from drafts")).all())
    assert EVALUATION not in times and times["reflectie"] is not None
    assert any_store.load_draft(training.id, 1, EVALUATION, "a:xyz") is None


@pytest.mark.parametrize("table", ["answers", "drafts"])
def test_sqlite_keeps_no_hidden_row_number_for_answers_and_drafts(store, table):
    # A rowid would number anonymous answers and drafts in the order they were stored.
    with store.engine.connect() as conn, pytest.raises(Exception, match="rowid"):
        conn.exec_driver_sql(f"select rowid from {table}")


SCHEMA_4_ANSWERS_AND_DRAFTS = """
    PRAGMA foreign_keys = OFF;
    ALTER TABLE answers RENAME TO answers_new;
    CREATE TABLE answers (submission_id INTEGER NOT NULL, item_id VARCHAR(64) NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (submission_id, item_id),
        FOREIGN KEY(submission_id) REFERENCES submissions (id) ON DELETE CASCADE);
    INSERT INTO answers SELECT * FROM answers_new;
    DROP TABLE answers_new;
    ALTER TABLE drafts RENAME TO drafts_new;
    CREATE TABLE drafts (training_id INTEGER NOT NULL, meeting INTEGER NOT NULL, form_id VARCHAR(64) NOT NULL,
        respondent_key VARCHAR(80) NOT NULL, answers TEXT NOT NULL, updated_at DATETIME NOT NULL,
        PRIMARY KEY (training_id, meeting, form_id, respondent_key),
        FOREIGN KEY(training_id) REFERENCES trainings (id) ON DELETE CASCADE);
    INSERT INTO drafts SELECT training_id, meeting, form_id, respondent_key, answers,
        coalesce(updated_at, '2026-11-23 15:05:00') FROM drafts_new;
    DROP TABLE drafts_new;
"""


def test_a_schema_4_database_is_migrated_to_random_numbers_and_timeless_anonymous_drafts(tmp_path):
    path = tmp_path / "pz.db"
    old = Store(f"sqlite:///{path}")
    training = reflect_then_evaluate(old)
    old.close()
    # Bring it back to what schema 4 stored: row numbers, sequential ids, a time on every draft.
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA_4_ANSWERS_AND_DRAFTS)
        ids = [i for (i,) in db.execute("select id from submissions order by id")]
        for number, old_id in enumerate(ids, start=1):
            db.execute("update answers set submission_id = ? where submission_id = ?", (-number, old_id))
            db.execute("update submissions set id = ? where id = ?", (-number, old_id))
        db.execute("update answers set submission_id = -submission_id")
        db.execute("update submissions set id = -id")
        db.execute(
            "insert into drafts values (?, 1, ?, 'a:late', '{\"relevantie\": 3}', '2026-11-23 15:05:00')",
            (training.id, EVALUATION),
        )
        db.execute("insert into drafts values (?, 1, 'reflectie', 'p:1', '{}', '2026-11-23 15:05:00')", (training.id,))
        db.execute("update pz_schema set version = 4")
    assert ids and SCHEMA_VERSION >= 6
    store = Store(f"sqlite:///{path}")
    assert store.schema_version() == SCHEMA_VERSION
    with store.engine.connect() as conn:
        new_ids = list(conn.execute(text("select id from submissions order by rowid")).scalars())
        drafts = conn.execute(text("select respondent_key, updated_at from drafts")).all()
    assert not set(new_ids) & set(range(1, len(ids) + 1))
    # Schema 13: anonymous drafts are no longer kept on the server (the phone has its copy).
    assert [key for key, _ in drafts] == ["p:1"]
    for table in ("answers", "drafts"):
        with store.engine.connect() as conn, pytest.raises(Exception, match="rowid"):
            conn.exec_driver_sql(f"select rowid from {table}")
    assert store.load_draft(training.id, 1, EVALUATION, "a:late") is None
    bundle = results.build(store, results.training_scope(store, str(training.id)))
    assert sorted(bundle.tidy.loc[bundle.tidy["form"] == EVALUATION, "value_num"]) == [2, 4, 5]
