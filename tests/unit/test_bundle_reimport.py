"""A laptop training imported, then worked on on the server (paperwork, paper attendance, paper forms,
checklist ticks, an action done and one added, a facilitator link, the kartrekker's figures), then
imported again from a newer export: the server's additions all stay, the laptop's new answers
arrive, nothing is doubled; where both changed the same thing the newest change counts and the
command says so in Dutch. On SQLite and PostgreSQL servers."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from pztraining.content import load_form
from pztraining.services import forms
from pztraining.services.participation import new_paper_key, submit_paper
from pztraining.store import Store, TrainingDetails, tables
from tests.unit.test_bundle_to_server import DAY, NOORD, _answers, _dump, _export, _fill, _import, _picture

LATER = DAY + timedelta(days=3)  # on the server, after the first import
DETAILS = TrainingDetails("Zaal 3, Assen", "A. de Wit", "V&VN", "ACC-2026-117", "4,5")


@pytest.fixture
def laptop(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'laptop.db'}")
    training = store.add_training("Team Noord maart", "mysupport", DAY, NOORD, (date(2026, 3, 2), date(2026, 3, 9)))
    _fill(store, training.id)
    yield store, training
    store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'server.db'}"
    else:
        url = request.getfixturevalue("postgres_cluster").new_database()
    store = Store(url)
    store.add_user("anna", "trainer", NOORD)
    yield store
    store.close()


def _work_on_the_server(server: Store, training_id: int) -> dict:
    """What a trainer and a kartrekker add on the server after the first import; what to find back."""
    rng = random.Random(7)
    server.save_training_details(training_id, DETAILS, LATER)
    server.set_paper_attendance(training_id, 1, {"Deelnemer 5": True, "Deelnemer 3": False}, LATER)
    for form_id in ("evaluatie-mysupport", "voorbereiding-mysupport"):  # one anonymous, one named form
        outcome = submit_paper(
            server, training_id, 1, load_form(form_id), _answers(form_id, rng), LATER, new_paper_key()
        )
        assert outcome.status == "submitted"
    server.set_checklist_tick(training_id, "koffie", True, LATER)
    [laptop_action] = server.list_case_actions(training_id)
    server.set_case_action_done(laptop_action.id, True)
    server.add_case_action(training_id, 1, "Verslag naar de huisarts", "Anna", None, LATER)
    code = server.facilitator_code(training_id, 2)
    server.add_entered_indicator(
        NOORD, "tevredenheid_client", date(2026, 1, 1), date(2026, 6, 30), 8.1, "cijfer", "", LATER
    )
    server.save_cost_inputs(NOORD, "teamtraining", {"uurloon": "42"}, LATER)
    return {
        "details": DETAILS,
        "attendance": {1: {"Deelnemer 3": False, "Deelnemer 5": True}},
        "paper": {"evaluatie-mysupport": 2, "voorbereiding-mysupport": 1},  # the laptop's one sheet and ours
        "ticks": {"zalen", "koffie"},
        "actions": [("Bel de huisarts", True), ("Verslag naar de huisarts", False)],
        "facilitator": (training_id, 2),
        "code": code,
        "indicators": 1,
        "costs": {"uurloon": "42"},
    }


def _server_additions(server: Store, training_id: int, code: str) -> dict:
    return {
        "details": server.training_details(training_id),
        "attendance": server.paper_attendance(training_id),
        "paper": server.response_counts(training_id, 1, paper=True),
        "ticks": set(server.checklist_ticks(training_id)),
        "actions": [(a.text, a.done) for a in server.list_case_actions(training_id)],
        "facilitator": server.find_facilitator_link(code),
        "code": code,
        "indicators": len(server.entered_indicators(NOORD)),
        "costs": server.cost_inputs(NOORD, "teamtraining"),
    }


def _held_on(laptop: Store, training_id: int) -> None:
    """The laptop after the first export: a late participant, the second meeting's answers."""
    late = laptop.add_participant(training_id, "Laatkomer", "device-laat", DAY + timedelta(days=7))
    at = DAY + timedelta(days=7)
    forms.open_form(laptop, training_id, 2, "voorbereiding-mysupport", False, at)
    forms.submit(
        laptop,
        training_id,
        2,
        "voorbereiding-mysupport",
        f"p:{late.id}",
        _answers("voorbereiding-mysupport", random.Random(2)),
        at,
        participant_id=late.id,
    )
    laptop.set_checklist_tick(training_id, "materiaal", True, at)


def _submissions(store: Store, training_id: int) -> list:
    with store.engine.connect() as conn:
        return conn.execute(select(tables.submissions).where(tables.submissions.c.training_id == training_id)).all()


def test_a_newer_bundle_keeps_everything_the_server_added(capsys, tmp_path, laptop, server):
    store, training = laptop
    first, second = tmp_path / "maandag.json", tmp_path / "volgende-week.json"
    _export(capsys, store, training.id, first)
    _import(capsys, server, first)
    [arrived] = server.list_trainings()
    before = _submissions(server, arrived.id)
    added = _work_on_the_server(server, arrived.id)
    assert _server_additions(server, arrived.id, added["code"]) == added

    _held_on(store, training.id)
    _export(capsys, store, training.id, second)
    status, out, err = _import(capsys, server, second)
    assert (status, err) == (0, "")
    assert out.startswith("Bijgewerkt: 'Team Noord maart' bij Zorggroep Noord")
    assert "Wat op de server is ingevoerd" in out  # the rule, said

    assert [tr.id for tr in server.list_trainings()] == [arrived.id]
    assert _server_additions(server, arrived.id, added["code"]) == {**added, "ticks": {"zalen", "koffie", "materiaal"}}
    # The laptop's new answers arrived, and every form is there once: the laptop's nine, its new
    # one and the server's two paper sheets.
    after = _submissions(server, arrived.id)
    assert len(before) == 9 and len(after) == 9 + 1 + 2
    assert server.response_counts(arrived.id, 2) == {"voorbereiding-mysupport": 1}
    picture, on_laptop = _picture(server, arrived.id), _picture(store, training.id)
    assert picture["participants"] == on_laptop["participants"]
    assert set(on_laptop["submitted"]) <= set(picture["submitted"])
    assert picture["runs"] == on_laptop["runs"] and picture["forms"] == on_laptop["forms"]
    # Anonymous answers are still only what was answered: no participant, no time, no laptop key.
    with store.engine.connect() as conn:
        laptop_keys = set(conn.execute(select(tables.submissions.c.respondent_key)).scalars())
    anonymous = [s for s in after if s.form_id == "evaluatie-mysupport"]
    assert len(anonymous) == 6 and all(s.participant_id is None and s.submitted_at is None for s in anonymous)
    assert not {s.respondent_key for s in after} & laptop_keys

    # The newer bundle twice, or the first again: nothing changes.
    settled = _dump(server)
    assert _import(capsys, server, second)[1] == (
        "'Team Noord maart' is al geïmporteerd bij Zorggroep Noord; er is niets veranderd.\n"
    )
    assert _import(capsys, server, first)[0] == 1
    assert _dump(server) == settled


def test_where_both_changed_the_same_thing_the_newest_counts_and_is_said(capsys, tmp_path, laptop, server):
    store, training = laptop
    first, second = tmp_path / "maandag.json", tmp_path / "dinsdag.json"
    _export(capsys, store, training.id, first)
    _import(capsys, server, first)
    [arrived] = server.list_trainings()
    # Meeting 1's run: the laptop changed it at 12:00, the server at 15:00 (newer: kept, reported).
    # The shared case: closed on the server at 10:00, on the laptop at 14:00 (newer: taken over).
    server.update_run(arrived.id, 1, lambda _old: {"current": 5, "note": "server"}, DAY + timedelta(hours=6))
    server.share_case(arrived.id, 1, "de-vries", False, DAY + timedelta(hours=1))
    store.update_run(training.id, 1, lambda _old: {"current": 4}, DAY + timedelta(hours=3))
    store.share_case(training.id, 1, "de-vries", False, DAY + timedelta(hours=5))
    _export(capsys, store, training.id, second)

    status, out, err = _import(capsys, server, second)
    assert (status, err) == (0, "")
    assert "De server had het nieuwste van: draaiboek van bijeenkomst 1; dat is gehouden." in out
    assert server.list_runs(arrived.id)[1] == {"current": 5, "note": "server"}
    assert _closed(server, arrived.id, "de-vries") == DAY + timedelta(hours=5)


def _closed(store: Store, training_id: int, case_id: str):
    with store.engine.connect() as conn:
        closed = conn.execute(
            select(tables.case_shares.c.closed_at).where(
                tables.case_shares.c.training_id == training_id, tables.case_shares.c.case_id == case_id
            )
        ).scalar()
    return tables.utc(closed)


def test_a_training_imported_before_this_version_gets_its_paper_forms_once(capsys, tmp_path, laptop, server):
    """Imports before "bundel:" keys wrote the laptop's paper forms with "papier:" keys, as the server's own."""
    store, training = laptop
    first, second = tmp_path / "maandag.json", tmp_path / "volgende-week.json"
    _export(capsys, store, training.id, first)
    _import(capsys, server, first)
    [arrived] = server.list_trainings()
    with server.engine.begin() as conn:  # the keys as that import wrote them
        for n, row in enumerate(_submissions(server, arrived.id)):
            old = (
                f"papier:{n:012x}" if row.paper else f"p:{row.participant_id}" if row.participant_id else f"a:{n:060x}"
            )
            conn.execute(
                tables.submissions.update().where(tables.submissions.c.id == row.id).values(respondent_key=old)
            )
    sheet = _answers("evaluatie-mysupport", random.Random(7))
    submit_paper(server, arrived.id, 1, load_form("evaluatie-mysupport"), sheet, LATER, new_paper_key())
    _held_on(store, training.id)
    _export(capsys, store, training.id, second)
    assert _import(capsys, server, second)[0] == 0

    assert server.response_counts(arrived.id, 1, paper=True) == {"evaluatie-mysupport": 2}  # the laptop's and ours
    assert len(_submissions(server, arrived.id)) == 9 + 1 + 1
