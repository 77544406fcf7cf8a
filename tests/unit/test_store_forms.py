"""Forms in the store: open/close, drafts, one submission per respondent, anonymity, counts."""

from datetime import UTC

import pytest
from sqlalchemy import text

from pztraining.core.errors import InputRefused
from pztraining.services import forms
from pztraining.services.participation import participant_name
from pztraining.store import FormClosed, MissingEntry, normalize_join_code


@pytest.fixture
def training(any_store, clock):
    return any_store.add_training("Team", "mysupport", clock())


def test_every_training_gets_a_distinct_unambiguous_join_code(any_store, clock):
    codes = {any_store.add_training(f"T{i}", "mysupport", clock()).join_code for i in range(30)}
    assert len(codes) == 30
    assert all(len(c) == 6 and not set(c) & set("01OIL") for c in codes)


def test_a_join_code_is_found_whatever_the_case_or_spaces(any_store, training):
    code = training.join_code
    typed = f" {code[:3].lower()} {code[3:]} "
    assert normalize_join_code(typed) == code
    assert any_store.find_training_by_code(typed).id == training.id
    with pytest.raises(MissingEntry, match="Kijk de code nog eens na"):
        any_store.find_training_by_code("ZZZZZZ")


def test_a_device_registers_once_and_is_recognised(any_store, training, clock):
    first = any_store.add_participant(training.id, "Sanne", "hash-1", clock())
    again = any_store.add_participant(training.id, "Sanne B.", "hash-1", clock())
    assert first.id == again.id and again.name == "Sanne B."
    assert any_store.find_participant(training.id, "hash-2") is None
    with pytest.raises(InputRefused, match="naam of schuilnaam"):
        any_store.add_participant(training.id, participant_name("  "), "hash-3", clock())


def test_submitting_needs_an_open_form(any_store, training, clock):
    with pytest.raises(FormClosed):
        forms.submit(any_store, training.id, 1, "reflectie", "p:1", {"a": "x"}, clock())
    forms.open_form(any_store, training.id, 1, "reflectie", False, clock())
    any_store.close_form(training.id, 1, "reflectie", clock())
    with pytest.raises(FormClosed, match="gesloten"):
        forms.submit(any_store, training.id, 1, "reflectie", "p:1", {"a": "x"}, clock())


def test_a_resent_or_corrected_submission_replaces_the_first(any_store, training, clock):
    person = any_store.add_participant(training.id, "Sanne", "h", clock())
    forms.open_form(any_store, training.id, 1, "reflectie", False, clock())
    key = f"p:{person.id}"
    forms.save_open_draft(any_store, training.id, 1, "reflectie", lambda _anonymous: key, {"a": "conc"}, clock())
    for value in ("eerste", "eerste", "verbeterd"):
        forms.submit(any_store, training.id, 1, "reflectie", key, {"a": value}, clock(), participant_id=person.id)
    assert any_store.response_counts(training.id, 1) == {"reflectie": 1}
    assert any_store.load_submission(training.id, 1, "reflectie", key) == {"a": "verbeterd"}
    assert any_store.load_draft(training.id, 1, "reflectie", key) is None  # the draft is done
    assert any_store.respondents(training.id, 1, "reflectie") == {person.id}


def test_an_anonymous_form_keeps_no_participant_and_no_time(any_store, training, clock):
    person = any_store.add_participant(training.id, "Sanne", "h", clock())
    forms.open_form(any_store, training.id, 1, "evaluatie-mysupport", True, clock())
    forms.submit(
        any_store, training.id, 1, "evaluatie-mysupport", "a:xyz", {"tijd": 4}, clock(), participant_id=person.id
    )
    with any_store.engine.connect() as conn:
        row = conn.execute(text("select participant_id, submitted_at from submissions")).one()
    assert tuple(row) == (None, None)
    assert any_store.respondents(training.id, 1, "evaluatie-mysupport") == set()


def test_anonymity_is_fixed_once_someone_answered(any_store, training, clock):
    forms.open_form(any_store, training.id, 1, "evaluatie-mysupport", True, clock())
    forms.submit(any_store, training.id, 1, "evaluatie-mysupport", "a:1", {"tijd": 4}, clock())
    any_store.close_form(training.id, 1, "evaluatie-mysupport", clock())
    reopened = forms.open_form(any_store, training.id, 1, "evaluatie-mysupport", False, clock())
    assert reopened.anonymous and reopened.is_open


def test_paper_forms_can_be_entered_after_closing(any_store, training, clock):
    forms.open_form(any_store, training.id, 1, "evaluatie-mysupport", True, clock())
    any_store.close_form(training.id, 1, "evaluatie-mysupport", clock())
    forms.submit(any_store, training.id, 1, "evaluatie-mysupport", "papier:1", {"tijd": 5}, clock(), paper=True)
    assert any_store.response_counts(training.id, 1)["evaluatie-mysupport"] == 1


def test_text_is_stored_exactly_as_typed(any_store, training, clock):
    forms.open_form(any_store, training.id, 1, "reflectie", False, clock())
    typed = "  <script>x</script> ünïcödé 👍🏽 شكرا\n"
    forms.submit(any_store, training.id, 1, "reflectie", "p:9", {"a": typed, "b": ["x", "y"], "c": 7}, clock())
    assert any_store.load_submission(training.id, 1, "reflectie", "p:9") == {"a": typed, "b": ["x", "y"], "c": 7}


def _submit_ten(url: str, training_id: int, worker: int) -> None:
    from datetime import datetime

    from pztraining.store import Store

    store = Store(url)
    for n in range(10):
        # Each form is sent twice, as a double click would: it must be stored once.
        for _ in range(2):
            forms.submit(
                store, training_id, 1, f"form-{n}", f"p:{worker}", {"waarde": n, "door": worker}, datetime.now(UTC)
            )
    store.close()


@pytest.mark.subprocess  # thirty kernel processes
def test_thirty_kernels_submitting_at_once_lose_nothing_and_store_nothing_twice(tmp_path, clock):
    import multiprocessing

    from pztraining.store import Store

    url = f"sqlite:///{tmp_path / 'druk.db'}"
    store = Store(url)
    training = store.add_training("Druk", "mysupport", clock())
    for n in range(10):
        forms.open_form(store, training.id, 1, f"form-{n}", False, clock())
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_submit_ten, args=(url, training.id, w)) for w in range(30)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=300)
        assert process.exitcode == 0  # a "database is locked" would have failed the process
    counts = store.response_counts(training.id, 1)
    assert counts == {f"form-{n}": 30 for n in range(10)}
    rows = store.answer_rows([training.id])
    assert len(rows) == 30 * 10 * 2  # two items per submission, each once


def test_the_store_does_what_the_rule_it_is_handed_decides(any_store, training, clock):
    # The store owns no rule of answering: it reads the form in its transaction, asks, and writes or refuses.
    forms.open_form(any_store, training.id, 1, "reflectie", False, clock())
    asked = []

    def closed(**facts):
        asked.append(facts)
        return "closed"

    with pytest.raises(FormClosed):
        any_store.submit(training.id, 1, "reflectie", "p:1", {"a": "x"}, clock(), admit=closed)
    assert asked == [{"is_open": True, "anonymous": False, "paper": False, "named_only": False}]
    assert not any_store.set_draft(
        training.id, 1, "reflectie", lambda _anonymous: "p:1", {"a": "x"}, clock(), admit=lambda **_: "not_named"
    )
    assert any_store.load_draft(training.id, 1, "reflectie", "p:1") is None
    assert any_store.response_counts(training.id, 1) == {}
    reopened = any_store.open_form(
        training.id, 1, "reflectie", False, clock(), settle=lambda **facts: (not facts["anonymous"], None)
    )
    assert reopened.anonymous
