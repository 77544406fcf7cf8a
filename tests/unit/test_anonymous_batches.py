"""Anonymous answers reach the database only in batches, and a phone's hash differs per training.

The same store code runs on SQLite and PostgreSQL (``any_store``): on PostgreSQL every row
carries the id of the transaction that wrote it (``xmin``), so a batch must be one transaction.
"""

import sqlite3
from datetime import UTC, datetime

from sqlalchemy import text

from pztraining.content import load_form
from pztraining.services import forms
from pztraining.services import participation as part
from pztraining.services.mixing import Mixer
from pztraining.store import SCHEMA_VERSION, Store, salted_device_hash

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
EVALUATION = "evaluatie-mysupport"
PHONES = [f"{n:032x}" for n in range(1, 8)]


def evaluation(number: int) -> dict:
    answers = {item.id: 1 + number % 5 for item in load_form(EVALUATION).items if item.type == "agreement"}
    return {**answers, "aanbevelen": 7, "vertrouwen-gesprek": 6, "geleerd": f"antwoord {number}"}


def room(store, anonymous=True):
    training = store.add_training("Team Zuid", "mysupport", NOW)
    forms.open_form(store, training.id, 1, EVALUATION, anonymous, NOW)
    people = [part.register(store, training, phone, f"Deelnemer {n}", NOW) for n, phone in enumerate(PHONES)]
    return training, people


def stored_texts(store) -> list[str]:
    with store.engine.connect() as conn:
        return sorted(conn.execute(text("select value from answers where item_id = 'geleerd'")).scalars())


def test_the_same_phone_has_another_stored_hash_in_every_training(any_store):
    first = any_store.add_training("Voorjaar", "mysupport", NOW)
    second = any_store.add_training("Najaar", "mysupport", NOW)
    for training in (first, second):
        part.register(any_store, training, PHONES[0], "Sanne", NOW)
    with any_store.engine.connect() as conn:
        hashes = dict(conn.execute(text("select training_id, device_hash from participants")).all())
    assert hashes[first.id] != hashes[second.id]  # the two tables cannot be joined on the phone
    assert part.device_hash(PHONES[0]) not in hashes.values()
    # Each training still knows the phone again.
    assert part.me(any_store, first, PHONES[0]).name == part.me(any_store, second, PHONES[0]).name == "Sanne"


def test_anonymous_answers_wait_until_a_batch_is_full_and_are_then_written_in_one_transaction(any_store):
    training, people = room(any_store)
    mixer = Mixer(any_store, batch_size=3)
    outcomes = [
        part.submit(any_store, training, person, phone, 1, EVALUATION, evaluation(n), NOW, mixer)
        for n, (person, phone) in enumerate(zip(people[:2], PHONES))
    ]
    assert [o.status for o in outcomes] == ["pending", "pending"] and all(o.receipt for o in outcomes)
    assert stored_texts(any_store) == [] and any_store.response_counts(training.id, 1) == {}
    third = part.submit(any_store, training, people[2], PHONES[2], 1, EVALUATION, evaluation(2), NOW, mixer)
    assert third.status == "submitted"
    assert stored_texts(any_store) == ['"antwoord 0"', '"antwoord 1"', '"antwoord 2"']
    with any_store.engine.connect() as conn:
        rows = conn.execute(text("select participant_id, submitted_at from submissions")).all()
        if any_store.engine.dialect.name == "postgresql":
            # One transaction id on every row of the batch: xmin orders nothing inside it.
            assert len(set(conn.execute(text("select xmin::text from answers")).scalars())) == 1
            assert len(set(conn.execute(text("select xmin::text from submissions")).scalars())) == 1
    assert rows == [(None, None)] * 3
    # Sending the stored answer again writes nothing and says it is stored.
    again = part.submit(any_store, training, people[0], PHONES[0], 1, EVALUATION, evaluation(0), NOW, mixer)
    assert again.status == "submitted" and mixer.count() == 0


def test_a_closed_forms_waiting_answers_are_stored_once_no_more_come_in(any_store, clock):
    training, people = room(any_store)
    mixer = Mixer(any_store, batch_size=5, quiet_seconds=5)
    for n in range(2):
        part.submit(any_store, training, people[n], PHONES[n], 1, EVALUATION, evaluation(n), NOW, mixer, "", 100.0)

    def is_open(form):
        return any_store.form_session(*form).is_open

    mixer.tick(is_open, 200.0)
    assert stored_texts(any_store) == []  # open, and fewer than five: they wait
    any_store.close_form(training.id, 1, EVALUATION, NOW)
    mixer.tick(is_open, 200.0)
    assert stored_texts(any_store) == ['"antwoord 0"', '"antwoord 1"']  # the close completes the results


def test_an_answer_received_before_a_restart_is_taken_after_the_close_with_its_receipt(any_store):
    training, people = room(any_store)
    before = Mixer(any_store, batch_size=5)
    kept = part.submit(any_store, training, people[0], PHONES[0], 1, EVALUATION, evaluation(0), NOW, before)
    assert kept.status == "pending"
    # The server is killed (the pool is gone) and the trainer closes the form meanwhile.
    any_store.close_form(training.id, 1, EVALUATION, NOW)
    after = Mixer(any_store, batch_size=5, quiet_seconds=0)
    late = part.submit(
        any_store, training, people[0], PHONES[0], 1, EVALUATION, evaluation(0), NOW, after, kept.receipt
    )
    assert late.status == "pending"
    # Without a receipt, or with one for other answers, a closed form takes nothing.
    assert (
        part.submit(any_store, training, people[1], PHONES[1], 1, EVALUATION, evaluation(1), NOW, after, "").status
        == "closed"
    )
    assert (
        part.submit(
            any_store, training, people[0], PHONES[0], 1, EVALUATION, evaluation(3), NOW, after, kept.receipt
        ).status
        == "closed"
    )
    after.tick(lambda form: any_store.form_session(*form).is_open, 1.0)
    assert stored_texts(any_store) == ['"antwoord 0"']


def test_a_schema_12_database_gets_a_salt_per_training_and_its_phones_are_still_known(tmp_path):
    path = tmp_path / "pz.db"
    store = Store(f"sqlite:///{path}")
    training = store.add_training("Team", "mysupport", NOW)
    sanne = part.register(store, training, PHONES[0], "Sanne", NOW)
    store.close()
    with sqlite3.connect(path) as db:  # as schema 12 stored it: the plain hash, no salt
        db.execute("update participants set device_hash = ?", (part.device_hash(PHONES[0]),))
        db.execute("update trainings set device_salt = null")
        db.execute("update pz_schema set version = 12")
    assert SCHEMA_VERSION >= 13
    store = Store(f"sqlite:///{path}")
    with store.engine.connect() as conn:
        salt, stored = conn.execute(
            text(
                "select device_salt, device_hash from trainings join participants "
                "on participants.training_id = trainings.id"
            )
        ).one()
    assert salt and stored == salted_device_hash(salt, part.device_hash(PHONES[0]))
    assert part.me(store, training, PHONES[0]) == sanne
    # The old hash is left neither in the file nor in the write-ahead log (emptied after the migration).
    wal = path.with_name("pz.db-wal")
    old = part.device_hash(PHONES[0]).encode()
    assert old not in path.read_bytes() and (not wal.exists() or old not in wal.read_bytes())
    store.close()


def test_phones_resending_what_waits_do_not_hold_a_closed_forms_answers_back(store):
    training, _people = room(store)
    mixer = Mixer(store, batch_size=5, quiet_seconds=5)
    form = (training.id, 1, EVALUATION)
    mixer.add(form, "a:1", evaluation(1), True, 0.0)
    store.close_form(training.id, 1, EVALUATION, NOW)
    for moment in range(1, 20):  # the phone sends the same again every second (reconnections)
        mixer.add(form, "a:1", evaluation(1), False, float(moment))
    mixer.tick(lambda form: store.form_session(*form).is_open, 20.0)
    assert stored_texts(store) == ['"antwoord 1"']


def test_on_postgresql_a_batch_is_marked_committed_at_once_not_when_each_phone_reads_its_answer(postgres_cluster):
    # PostgreSQL sets a row's "committed" hint bit at its first read, and with checksums on
    # that may put a page image in its WAL at that moment: the first read must be the batch's.
    store = Store(postgres_cluster.new_database())
    training, people = room(store)
    mixer = Mixer(store, batch_size=3)
    for n in range(3):
        part.submit(store, training, people[n], PHONES[n], 1, EVALUATION, evaluation(n), NOW, mixer)
    with store.engine.connect() as conn:
        conn.execute(text("create extension if not exists pageinspect"))
        for table in ("submissions", "answers"):
            masks = (
                conn.execute(
                    text(
                        f"select t_infomask from heap_page_items(get_raw_page('{table}', 0))"
                        " where t_infomask is not null"
                    )
                )
                .scalars()
                .all()
            )
            heap_xmin_committed = 0x0100
            assert masks and all(mask & heap_xmin_committed for mask in masks), (table, masks)
    store.close()
