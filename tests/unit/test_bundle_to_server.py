"""A training run on a laptop (SQLite) carried to the organisation's server (PostgreSQL) with
``pztraining bundle export`` and ``bundle import``, both run as the commands: everything but the
drafts arrives, twice is once, a newer export replaces, a tampered or foreign bundle is refused
with nothing written, anonymous answers arrive unlinkable, and the kartrekker's borging counts it."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import select

from pztraining.cli.main import main
from pztraining.content import load_form
from pztraining.core.errors import ScopeError
from pztraining.domain.forms import form_spec
from pztraining.services import forms
from pztraining.services.kartrekker import gather
from pztraining.services.participation import new_paper_key
from pztraining.store import Store, tables

NOORD = "Zorggroep Noord"
DAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ZONE = ZoneInfo("Europe/Amsterdam")


def _answers(form_id: str, rng: random.Random) -> dict:
    values: dict = {}
    for item in load_form(form_id).items:
        if item.type in ("agreement", "scale5"):
            values[item.id] = rng.randint(1, 5)
        elif item.type in ("scale10", "scale"):
            values[item.id] = rng.randint(0, 10)
        elif item.type == "single":
            values[item.id] = item.options[0]
        elif item.type == "multiple":
            values[item.id] = list(item.options[:2])
        else:
            values[item.id] = f"Antwoord {rng.randint(1, 999)} op {item.id}"
    return values


def _fill(store: Store, training_id: int, people: int = 5) -> None:
    """A mySupport meeting as held: a run, a tick, participants (one only drafted), named
    pre-assignments, anonymous evaluations from the mixing pool and one on paper, a role play,
    a shared case, a quiz reveal and an agreed action."""
    rng = random.Random(training_id)
    at = DAY
    store.update_run(training_id, 1, lambda _old: {"current": 3, "started": "09:00"}, at)
    store.set_checklist_tick(training_id, "zalen", True, at)
    joined = [
        store.add_participant(training_id, f"Deelnemer {n}", f"device-{training_id}-{n}", at + timedelta(minutes=n))
        for n in range(1, people + 1)
    ]
    for form_id, anonymous in (("voorbereiding-mysupport", False), ("evaluatie-mysupport", True)):
        forms.open_form(store, training_id, 1, form_id, anonymous, at, spec=form_spec(load_form(form_id)))
    for person in joined[:-1]:
        forms.submit(
            store,
            training_id,
            1,
            "voorbereiding-mysupport",
            f"p:{person.id}",
            _answers("voorbereiding-mysupport", rng),
            at + timedelta(minutes=10),
            participant_id=person.id,
        )
    forms.save_open_draft(
        store,
        training_id,
        1,
        "voorbereiding-mysupport",
        lambda _anonymous: f"p:{joined[-1].id}",
        {"verwachting": "half getypt"},
        at,
    )
    store.store_anonymous_batch(
        training_id,
        1,
        "evaluatie-mysupport",
        {f"a:{training_id}{n:058d}": _answers("evaluatie-mysupport", rng) for n in range(4)},
    )
    forms.submit(
        store,
        training_id,
        1,
        "evaluatie-mysupport",
        new_paper_key(),
        _answers("evaluatie-mysupport", rng),
        at,
        paper=True,
    )
    store.close_form(training_id, 1, "evaluatie-mysupport", at + timedelta(hours=2))
    group = store.add_roleplay_group(training_id, 1, "Groep 1", {"turn": 1}, at)
    store.update_roleplay(
        group.id,
        lambda s: (
            s,
            [
                {
                    "turn": 1,
                    "member": "Deelnemer 1",
                    "variant": "basis",
                    "planned_seconds": 300,
                    "actual_seconds": 290,
                    "paused_seconds": 5,
                    "started_at": at,
                    "ended_at": at,
                }
            ],
        ),
        at,
    )
    store.share_case(training_id, 1, "de-vries", True, at)
    store.reveal_answer(training_id, 1, "zorgkaart-quiz", "signaleren", at)
    store.add_case_action(training_id, 1, "Bel de huisarts", "Deelnemer 2", date(2026, 3, 9), at)


@pytest.fixture
def laptop(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'laptop.db'}")
    training = store.add_training("Team Noord maart", "mysupport", DAY, NOORD, (date(2026, 3, 2),))
    _fill(store, training.id)
    yield store, training
    store.close()


@pytest.fixture
def server(postgres_cluster):
    store = Store(postgres_cluster.new_database())
    store.add_user("anna", "trainer", NOORD)
    store.add_user("zoe", "trainer", "Zorggroep Zuid")
    yield store
    store.close()


def _run(capsys, *args) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def _export(capsys, laptop_store: Store, training_id: int, out, *extra) -> tuple[int, str, str]:
    return _run(
        capsys, "bundle", "export", "--training", str(training_id), "--db", laptop_store.url, "--out", str(out), *extra
    )


def _import(capsys, server_store: Store, path, org: str = NOORD) -> tuple[int, str, str]:
    return _run(capsys, "bundle", "import", str(path), "--org", org, "--db", server_store.url)


def _picture(store: Store, training_id: int) -> dict:
    """What a training holds, without the ids and codes that differ between databases."""
    training = store.find_training(training_id)
    names = {p.id: p.name for p in store.list_participants(training_id)}
    by_submission: dict[int, dict] = {}
    for row in store.answer_rows([training_id]):
        entry = by_submission.setdefault(
            row["submission"],
            {
                "form": (row["meeting"], row["form_id"]),
                "who": names.get(row["participant_id"]),
                "paper": row["paper"],
                "at": row["submitted_at"],
                "anonymous": row["anonymous"],
                "answers": {},
            },
        )
        entry["answers"][row["item_id"]] = row["value"]
    submitted = sorted(json.dumps(entry, default=str, sort_keys=True) for entry in by_submission.values())
    return {
        "training": (training.name, training.program_id, training.meeting_dates, training.created_at),
        "participants": [p.name for p in sorted(store.list_participants(training_id), key=lambda p: p.id)],
        "runs": store.list_runs(training_id),
        "ticks": store.checklist_ticks(training_id),
        "forms": sorted(
            (s.meeting, s.form_id, s.anonymous, s.opened_at, s.closed_at) for s in store.form_sessions(training_id)
        ),
        "submitted": submitted,
        "roleplay": store.roleplay_rows([training_id]),
        "cases": store.shared_cases(training_id),
        "revealed": store.revealed_items(training_id, 1, "zorgkaart-quiz"),
        "actions": [(a.meeting, a.text, a.who, a.due, a.done) for a in store.list_case_actions(training_id)],
        "held": [
            (r.runs, r.actions) for r in store.case_discussion_records({"mysupport"}) if r.training.id == training_id
        ],
    }


def _dump(store: Store) -> dict[str, list[str]]:
    """Every row of every table, in a fixed order: to see that a command wrote nothing at all."""
    with store.engine.connect() as conn:
        return {
            table.name: sorted(repr(tuple(row)) for row in conn.execute(select(table)).all())
            for table in tables.metadata.sorted_tables
        }


def _drafts(store: Store) -> int:
    with store.engine.connect() as conn:
        return len(conn.execute(select(tables.drafts)).all())


def test_a_laptop_training_arrives_on_the_server_whole_but_for_its_drafts(capsys, tmp_path, laptop, server):
    store, training = laptop
    out = tmp_path / "noord.json"
    assert _export(capsys, store, training.id, out) == (
        0,
        (
            f"Bundel geschreven: {out} ('Team Noord maart' van Zorggroep Noord: 5 deelnemers, "
            "9 ingevulde formulieren, waarvan 5 anoniem).\n"
        ),
        (
            "Let op: nog open (bijeenkomst: formulier) 1: voorbereiding-mysupport. Wat daarna nog binnenkomt, en "
            "anonieme antwoorden die nog wachten om samen met andere bewaard te worden, zit niet in deze bundel; "
            "sluit de formulieren en maak de bundel opnieuw.\n"
        ),
    )
    assert _import(capsys, server, out, " zorggroep noord ") == (
        0,
        (
            "Geïmporteerd: 'Team Noord maart' bij Zorggroep Noord (5 deelnemers, 9 ingevulde formulieren, "
            "waarvan 5 anoniem).\n"
        ),
        "",
    )

    [arrived] = server.list_trainings()
    assert arrived.organisation == NOORD and arrived.join_code == ""  # phones cannot join it on the server
    assert _picture(server, arrived.id) == _picture(store, training.id)
    assert _drafts(store) == 1 and _drafts(server) == 0
    assert server.form_session(arrived.id, 1, "evaluatie-mysupport").anonymous
    with server.engine.connect() as conn:
        spec = conn.execute(
            select(tables.form_sessions.c.form_spec).where(
                tables.form_sessions.c.training_id == arrived.id,
                tables.form_sessions.c.form_id == "evaluatie-mysupport",
            )
        ).scalar()
    assert json.loads(spec) == form_spec(load_form("evaluatie-mysupport"))  # the form as it was asked


def test_anonymous_answers_arrive_unlinkable(capsys, tmp_path, laptop, server):
    store, training = laptop
    out = tmp_path / "noord.json"
    _export(capsys, store, training.id, out)
    text = out.read_text(encoding="utf-8")
    with store.engine.connect() as conn:
        sent = conn.execute(select(tables.submissions)).all()
        hashes = conn.execute(select(tables.participants.c.device_hash)).scalars().all()
    laptop_keys = [s.respondent_key for s in sent]
    # Nothing in the file that the laptop could match to a phone or to its own rows.
    for secret in [*[k for k in laptop_keys if not k.startswith("p:")], *hashes, training.join_code]:
        assert secret not in text
    unnamed = json.loads(text)["content"]["anonymous_answers"]
    assert len(unnamed) == 5 and all(set(entry) == {"meeting", "form_id", "paper", "answers"} for entry in unnamed)

    _import(capsys, server, out)
    with server.engine.connect() as conn:
        arrived = conn.execute(
            select(tables.submissions).where(tables.submissions.c.form_id == "evaluatie-mysupport")
        ).all()
        server_hashes = set(conn.execute(select(tables.participants.c.device_hash)).scalars())
    assert len(arrived) == 5
    assert all(s.participant_id is None and s.submitted_at is None for s in arrived)
    assert not {s.respondent_key for s in arrived} & set(laptop_keys)
    assert not {s.id for s in arrived} & {s.id for s in sent}
    assert not server_hashes & set(hashes)


def test_importing_twice_changes_nothing(capsys, tmp_path, laptop, server):
    store, training = laptop
    out = tmp_path / "noord.json"
    _export(capsys, store, training.id, out)
    _import(capsys, server, out)
    before = _dump(server)
    assert _import(capsys, server, out) == (
        0,
        "'Team Noord maart' is al geïmporteerd bij Zorggroep Noord; er is niets veranderd.\n",
        "",
    )
    assert _dump(server) == before
    # Exported again without a change on the laptop: another file (a later moment), the same
    # training data, so again nothing.
    again = tmp_path / "noord-2.json"
    _export(capsys, store, training.id, again)
    assert json.loads(again.read_text())["checksum"] != json.loads(out.read_text())["checksum"]
    assert _import(capsys, server, again)[1] == (
        "'Team Noord maart' is al geïmporteerd bij Zorggroep Noord; er is niets veranderd.\n"
    )
    assert _dump(server) == before


def test_a_newer_export_replaces_the_import_and_an_older_one_is_refused(capsys, tmp_path, laptop, server):
    store, training = laptop
    first, second = tmp_path / "maandag.json", tmp_path / "dinsdag.json"
    _export(capsys, store, training.id, first)
    _import(capsys, server, first)
    [arrived] = server.list_trainings()
    late = store.add_participant(training.id, "Laatkomer", "device-laat", DAY + timedelta(hours=1))
    forms.open_form(store, training.id, 2, "voorbereiding-mysupport", False, DAY + timedelta(days=7))
    forms.submit(
        store,
        training.id,
        2,
        "voorbereiding-mysupport",
        f"p:{late.id}",
        _answers("voorbereiding-mysupport", random.Random(1)),
        DAY + timedelta(days=7),
        participant_id=late.id,
    )
    _export(capsys, store, training.id, second)

    status, out, err = _import(capsys, server, second)
    assert (status, err) == (0, "") and out.startswith("Bijgewerkt: 'Team Noord maart' bij Zorggroep Noord")
    assert [tr.id for tr in server.list_trainings()] == [arrived.id]  # the same training, replaced
    assert _picture(server, arrived.id) == _picture(store, training.id)
    newest = _dump(server)
    assert _import(capsys, server, first) == (
        1,
        "",
        ("Fout: Van 'Team Noord maart' is al een nieuwere bundel geïmporteerd; deze oudere verandert niets.\n"),
    )
    assert _dump(server) == newest


def test_a_tampered_bundle_is_refused_and_nothing_is_written(capsys, tmp_path, laptop, server):
    store, training = laptop
    out = tmp_path / "noord.json"
    _export(capsys, store, training.id, out)
    document = json.loads(out.read_text(encoding="utf-8"))
    answer = document["content"]["anonymous_answers"][0]["answers"]
    answer["aanbevelen"] = 1 if answer["aanbevelen"] != 1 else 2  # one grade changed by hand
    out.write_text(json.dumps(document), encoding="utf-8")
    before = _dump(server)
    assert _import(capsys, server, out) == (
        1,
        "",
        (
            f"Fout: {out} is beschadigd of aangepast: de inhoud klopt niet meer met de controlesom. "
            "Er is niets geïmporteerd; maak op de laptop een nieuwe bundel.\n"
        ),
    )
    assert _dump(server) == before and server.list_trainings() == []


def test_a_bundle_of_another_organisation_is_refused_and_nothing_is_written(
    capsys, tmp_path, laptop, server, postgres_cluster, monkeypatch
):
    store, training = laptop
    out = tmp_path / "noord.json"
    _export(capsys, store, training.id, out)
    before = _dump(server)
    assert _import(capsys, server, out, "Zorggroep Zuid") == (
        1,
        "",
        (
            "Fout: De bundel van 'Team Noord maart' hoort bij Zorggroep Noord, niet bij Zorggroep Zuid. "
            "Er is niets geïmporteerd.\n"
        ),
    )
    # A logged-in trainer of Zuid cannot bring it into Noord either.
    monkeypatch.setenv("JUPYTERHUB_USER", "zoe")
    status, _out, err = _import(capsys, server, out)
    assert status == 1 and err.startswith("Fout: De cijfers van die organisatie zijn niet voor jou")
    assert _dump(server) == before
    monkeypatch.setenv("JUPYTERHUB_USER", "anna")  # Noord's own trainer may
    assert _import(capsys, server, out)[0] == 0 and [tr.organisation for tr in server.list_trainings()] == [NOORD]
    monkeypatch.delenv("JUPYTERHUB_USER")
    # A server that does not know the organisation at all takes nothing (a typo makes no organisation).
    elsewhere = Store(postgres_cluster.new_database())
    elsewhere.add_user("zoe", "trainer", "Zorggroep Zuid")
    assert _import(capsys, elsewhere, out) == (
        1,
        "",
        (
            "Fout: De organisatie Zorggroep Noord is onbekend op deze server (bekend: Zorggroep Zuid). Er is niets "
            "geïmporteerd; voeg eerst een gebruiker van die organisatie toe met 'pztraining users add'.\n"
        ),
    )
    assert elsewhere.list_trainings() == []
    elsewhere.close()


def test_the_kartrekkers_borging_on_the_server_counts_the_laptop_training(capsys, tmp_path, laptop, server):
    store, training = laptop
    out = tmp_path / "noord.json"
    period = (date(2026, 1, 1), date(2026, 12, 31), date(2026, 12, 31), ZONE)
    with pytest.raises(ScopeError, match="Onbekende organisatie 'Zorggroep Noord'"):  # nothing of Noord yet
        gather.borging(server, NOORD, *period, program_id="mysupport", per="halfjaar")
    _export(capsys, store, training.id, out)
    _import(capsys, server, out)

    on_laptop = gather.borging(store, NOORD, *period, program_id="mysupport", per="halfjaar")
    on_server = gather.borging(server, NOORD, *period, program_id="mysupport", per="halfjaar")
    assert int(on_server.rows["trainings_held"].sum()) == 1
    assert int(on_server.rows["participants"].sum()) == 5
    assert on_server.rows["satisfaction_n"].sum() == 5  # the anonymous evaluations, from the pool and on paper
    pd.testing.assert_frame_equal(on_server.rows, on_laptop.rows)
    pd.testing.assert_frame_equal(on_server.before_after, on_laptop.before_after)
    assert [(f.name, f.day, f.participants) for f in on_server.trainings] == [
        (f.name, f.day, f.participants) for f in on_laptop.trainings
    ]


def test_the_export_never_replaces_a_file_unless_asked(capsys, tmp_path, laptop):
    store, training = laptop
    out = tmp_path / "noord.json"
    out.write_text("van iemand anders", encoding="utf-8")
    status, _out, err = _export(capsys, store, training.id, out)
    assert status == 1 and err.startswith(f"Fout: {out} bestaat al") and out.read_text() == "van iemand anders"
    assert _export(capsys, store, training.id, out, "--overwrite")[0] == 0
    assert json.loads(out.read_text())["format"] == "pztraining-bundle"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary left


def test_a_training_without_an_organisation_needs_one_to_be_exported(capsys, tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'laptop.db'}")
    training = store.add_training("Zonder organisatie", "mysupport", DAY)
    out = tmp_path / "b.json"
    assert _export(capsys, store, training.id, out) == (
        1,
        "",
        ("Fout: Deze training heeft geen organisatie: geef met --org aan bij welke organisatie hij hoort.\n"),
    )
    assert not out.exists()
    assert _export(capsys, store, training.id, out, "--org", NOORD)[0] == 0
    assert json.loads(out.read_text())["content"]["organisation"] == NOORD
    store.close()
