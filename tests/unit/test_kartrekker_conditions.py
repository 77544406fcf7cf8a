"""Implementation conditions: every scoring kept with its date, progress, attention, changed content."""

from datetime import UTC, datetime, timedelta

import pytest

from pztraining.content.schema import Conditions
from pztraining.core.errors import InputRefused
from pztraining.services.kartrekker import conditions

ORG = "Zorggroep Noord"
MARCH = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def checklist(version=1, kennis="Er is genoeg kennis van palliatieve zorg.", extra=()):
    items = [
        {"id": "looptijd", "group": "Projectgroep", "text": "De looptijd ligt vast."},
        {"id": "kennis", "group": "Bevorderend", "text": kennis},
        {"id": "visie", "group": "Bevorderend", "text": "Er is een visie op palliatieve zorg."},
        *extra,
    ]
    return Conditions.model_validate(
        {
            "schema_version": 1,
            "kind": "conditions",
            "id": "rv",
            "title": "RV",
            "source": "test",
            "version": version,
            "conditions": items,
        }
    )


def score(store, items, when, c=None):
    c = c or checklist()
    texts = {x.id: x.text for x in c.conditions}
    store.add_condition_scores(ORG, "mysupport", [(cid, c.version, texts[cid], s, r) for cid, s, r in items], when)


def test_every_scoring_is_kept_with_its_moment_and_progress_is_shown(any_store):
    store = any_store  # SQLite and PostgreSQL
    score(store, [("looptijd", "niet", ""), ("kennis", "gedeeltelijk", "scholing gepland")], MARCH)
    later = MARCH + timedelta(days=120)
    score(store, [("looptijd", "wel", "vastgelegd in het plan"), ("kennis", "niet", "twee mensen weg")], later)
    kept = store.condition_scores(ORG, "mysupport")
    assert [(s.condition_id, s.score, s.scored_at) for s in kept] == [
        ("looptijd", "niet", MARCH),
        ("kennis", "gedeeltelijk", MARCH),
        ("looptijd", "wel", later),
        ("kennis", "niet", later),
    ]
    progress = conditions.progress(checklist(), kept)
    status = {s.id: s for s in progress.statuses}
    assert (status["looptijd"].score, status["looptijd"].previous, status["looptijd"].change) == ("wel", "niet", 1)
    assert (status["kennis"].score, status["kennis"].change, status["kennis"].remark) == ("niet", -1, "twee mensen weg")
    assert status["visie"].score is None and status["visie"].change is None
    assert [r.scored_at for r in progress.rounds] == [MARCH, later]
    assert progress.rounds[-1].counts == {"niet": 1, "gedeeltelijk": 0, "wel": 1}
    assert progress.counts() == {"niet": 1, "gedeeltelijk": 0, "wel": 1, "open": 1}


def test_attention_puts_what_is_not_met_and_went_back_first(store):
    score(store, [("looptijd", "gedeeltelijk", ""), ("kennis", "wel", ""), ("visie", "gedeeltelijk", "")], MARCH)
    score(
        store,
        [("looptijd", "gedeeltelijk", ""), ("kennis", "niet", ""), ("visie", "wel", "")],
        MARCH + timedelta(days=1),
    )
    progress = conditions.progress(checklist(), store.condition_scores(ORG, "mysupport"))
    assert [s.id for s in progress.attention()] == ["kennis", "looptijd"]  # "wel" needs no attention


def test_a_condition_changed_between_content_versions_is_matched_by_id_and_reported(store):
    score(store, [("kennis", "wel", ""), ("visie", "wel", "")], MARCH)
    newer = checklist(
        version=2,
        kennis="Er is genoeg kennis van palliatieve zorg en proactieve zorgplanning.",
        extra=[{"id": "nieuw", "group": "Bevorderend", "text": "Een nieuwe voorwaarde."}],
    )
    newer = Conditions.model_validate(
        {**newer.model_dump(), "conditions": [c.model_dump() for c in newer.conditions if c.id != "visie"]}
    )
    progress = conditions.progress(newer, store.condition_scores(ORG, "mysupport"))
    status = {s.id: s for s in progress.statuses}
    assert status["kennis"].score == "wel"  # kept by id
    assert status["kennis"].old_text == "Er is genoeg kennis van palliatieve zorg."
    assert status["kennis"].old_version == 1
    assert [s.id for s in progress.changed] == ["kennis"]
    assert status["nieuw"].score is None
    assert progress.dropped == (("visie", "Er is een visie op palliatieve zorg."),)
    assert "kennis" in [s.id for s in progress.attention()]  # a changed one is to be scored again


def test_scorings_are_kept_per_organisation_and_programme_and_remarks_as_typed(store):
    score(store, [("kennis", "niet", '=HYPERLINK("x") <b>ja</b>')], MARCH)
    assert store.condition_scores(ORG, "mysupport")[0].remark == '=HYPERLINK("x") <b>ja</b>'
    assert store.condition_scores(ORG, "ggz") == []
    assert store.condition_scores("Ander huis") == []


def test_an_unknown_score_is_refused_and_nothing_is_kept(store):
    with pytest.raises(InputRefused, match="Onbekende score 'misschien'"):
        store.add_condition_scores(
            ORG,
            "mysupport",
            conditions.checked_round([("kennis", 1, "x", "wel", ""), ("visie", 1, "y", "misschien", "")]),
            MARCH,
        )
    assert store.condition_scores(ORG) == []


def test_cost_inputs_are_kept_as_typed_per_organisation_and_format(any_store):
    store = any_store
    store.save_cost_inputs(ORG, "kosten-mysupport", {"deelnemers": "-3", "tarief-verzorgende": "38,50"}, MARCH)
    store.save_cost_inputs(ORG, "kosten-mysupport", {"deelnemers": "12"}, MARCH)
    assert store.cost_inputs(ORG, "kosten-mysupport") == {"deelnemers": "12"}
    assert store.cost_inputs(ORG, "kosten-vll") == {} and store.cost_inputs("Ander huis", "kosten-mysupport") == {}


def test_the_shipped_checklist_has_the_sources_seventeen_conditions():
    from pztraining.services.kartrekker.gather import conditions_for

    shipped = conditions_for("mysupport")
    assert len(shipped.conditions) == 17 and conditions_for("ggz") is shipped
    assert "Bijlage 1" in shipped.source


def test_a_schema_7_database_gets_the_kartrekker_tables_on_open(tmp_path):
    import sqlite3

    from pztraining.store import SCHEMA_VERSION, Store

    path = tmp_path / "pz.db"
    Store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as db:  # as a pztraining of schema 7 left it
        db.executescript("DROP TABLE condition_scores; DROP TABLE cost_inputs; UPDATE pz_schema SET version = 7;")
    reopened = Store(f"sqlite:///{path}")
    assert reopened.schema_version() == SCHEMA_VERSION >= 11
    score(reopened, [("kennis", "wel", "")], MARCH)
    assert [s.score for s in reopened.condition_scores(ORG)] == ["wel"]
