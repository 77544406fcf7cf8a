"""The zorgkaart programme: its content, the region file, the decision tree and the quiz."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from pztraining import content
from pztraining.cli.main import main
from pztraining.content import loader
from pztraining.domain import decision_tree, quiz
from pztraining.domain.forms import form_spec, validate_answers
from pztraining.services import forms
from pztraining.services.participation import form_state, open_items, register, submit

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
TREE = "beslisboom-expertise"
MEDICAL = "Een medisch-inhoudelijke vraag"

#: Every way through the source's "Beslisboom inzet expertise palliatieve zorg" (seed 004) and
#: what the source says to do there, as words that must be in the advice (region Noord-Holland Zuid).
SOURCE_ANSWERS = {
    ("Ja",): ("via-centrale-zorgverlener", ["centrale zorgverlener"]),
    ("Nee", "Generalistische zorg of begeleiding"): (
        "generalist",
        ["wijkverpleegkundige", "huisarts", "specialist ouderengeneeskunde"],
    ),
    ("Nee", "Gewone (zorg)hulpmiddelen inzetten"): ("thuiszorg", ["wijk- of thuiszorgorganisatie"]),
    ("Nee", "Complexe zorg of begeleiding (meer dan twee dimensies, of te weinig ervaring bij de generalisten)"): (
        "gespecialiseerd",
        ["gespecialiseerd verpleegkundige palliatieve zorg", "casemanager van Bardo"],
    ),
    ("Nee", MEDICAL, "Ja"): ("specialist-of-team", ["behandelend specialist", "TOPZ", "Spaarne Gasthuis"]),
    ("Nee", MEDICAL, "Nee"): ("consulent", ["Fibula-consulent"]),
    ("Nee", "Paramedische zorg of geestelijke verzorging"): ("paramedisch", ["paramedici", "geestelijk verzorger"]),
    ("Nee", "Opname in een hospice of palliatieve unit van een verpleeghuis"): ("opname", ["opnameprocedure"]),
}


# ---------------------------------------------------------------- content


def test_the_zorgkaart_content_validates_with_its_region():
    problems = content.check_files(content.content_files())
    assert problems == []
    lib = content.library()
    assert "zorgkaart" in lib.programs and TREE in lib.trees
    assert {"zorgkaart-beslisboom", "zorgkaart-quiz"} <= set(lib.programs["zorgkaart"].meeting(1).form_ids())
    region = content.active_region()
    assert region.id == "noord-holland-zuid" and region.roles["ziekenhuis"].name == "Spaarne Gasthuis"


def test_the_programme_walks_the_nine_steps_of_the_source():
    card = content.load_card("zorgkaart-stappen")
    assert [s.title for s in card.steps] == [
        "Signaleren",
        "Markeren",
        "Afstemming",
        "Coördinatie",
        "Behandelwensengesprek",
        "Medicatiereview",
        "Individueel zorgplan",
        "Begeleiding en monitoring",
        "Overlijden en nazorg",
    ]


def test_region_names_are_filled_in_and_no_placeholder_is_left():
    lib = content.library()
    shipped = [
        lib.programs["zorgkaart"],
        lib.trees[TREE],
        lib.forms["zorgkaart-quiz"],
        lib.forms["zorgkaart-beslisboom"],
        lib.cards["zorgkaart-stappen"],
    ]
    for item in shipped:
        text = item.model_dump_json()
        assert "<regio:" not in text, item.id
    assert "Spaarne Gasthuis" in lib.forms["zorgkaart-quiz"].model_dump_json()


def _other_region(tmp_path: Path) -> Path:
    data = yaml.safe_load(
        (content.loader.builtin_content_dir() / "regions" / "noord-holland-zuid.yaml").read_text(encoding="utf-8")
    )
    data.update(id="ergens-anders", title="Netwerk Ergens Anders")
    data["roles"]["ziekenhuis"] = {"name": "Ziekenhuis Oost"}
    data["roles"]["consultatieteam"] = {"name": "consultatieteam palliatieve zorg Oost"}
    path = tmp_path / "oost.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_another_network_replaces_the_region_file_without_touching_the_programme(tmp_path, monkeypatch):
    monkeypatch.setenv(loader.REGION_ENV, str(_other_region(tmp_path)))
    lib, problems = content.load_library()
    assert problems == []
    tree = lib.trees[TREE]
    assert (
        decision_tree.end_of(tree, ["Nee", MEDICAL, "Nee"]).advice
        == "Vraag de consultatieteam palliatieve zorg Oost om advies."
    )
    assert "Fibula" not in tree.model_dump_json() and "Spaarne" not in tree.model_dump_json()
    assert "Ziekenhuis Oost" in lib.forms["zorgkaart-quiz"].model_dump_json()


def test_a_region_file_missing_a_role_is_named(tmp_path, monkeypatch):
    path = _other_region(tmp_path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["roles"]["consultatieteam"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    [problem] = content.check_files([path])
    assert str(problem).endswith(f"{path.name}: deze regio-rollen ontbreken: consultatieteam")
    assert "consultatieteam" in str(problem)


# ---------------------------------------------------------------- check: trees and quizzes


def _tree(nodes: list[dict], start: str = "vraag") -> dict:
    return {
        "schema_version": 1,
        "kind": "tree",
        "id": "proefboom",
        "program": "zorgkaart",
        "title": "Proef",
        "source": "Proef",
        "intro": "Proef",
        "start": start,
        "nodes": nodes,
    }


def _write(tmp_path: Path, data: dict, name: str) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _check(capsys, path: Path) -> list[str]:
    assert main(["check", str(path)]) == 1
    return capsys.readouterr().out.splitlines()


def test_check_names_a_choice_that_leads_nowhere(tmp_path, capsys):
    path = _write(
        tmp_path,
        _tree(
            [
                {
                    "id": "vraag",
                    "question": "Is er een centrale zorgverlener?",
                    "choices": [{"label": "Ja", "next": "advies"}, {"label": "Nee", "next": "bestaat-niet"}],
                },
                {"id": "advies", "advice": "Bel de centrale zorgverlener."},
            ]
        ),
        "doodlopend.yaml",
    )
    assert (
        f"{path}: nodes[0].choices[1].next: doodlopend: keuze 'Nee' leidt naar 'bestaat-niet', "
        "een knoop die niet bestaat"
    ) in _check(capsys, path)


def test_check_names_a_node_without_choices_or_advice(tmp_path, capsys):
    path = _write(
        tmp_path,
        _tree(
            [
                {"id": "vraag", "question": "Welke vraag?", "choices": [{"label": "Medisch", "next": "leeg"}]},
                {"id": "leeg", "question": "En dan?"},
            ]
        ),
        "leeg.yaml",
    )
    assert f"{path}: nodes[1]: doodlopend: knoop 'leeg' heeft geen keuzes en geen advies" in _check(capsys, path)


def test_check_names_a_loop_with_the_walk_round_it(tmp_path, capsys):
    path = _write(
        tmp_path,
        _tree(
            [
                {
                    "id": "vraag",
                    "question": "Centrale zorgverlener?",
                    "choices": [{"label": "Nee", "next": "soort"}, {"label": "Ja", "next": "advies"}],
                },
                {"id": "soort", "question": "Welke vraag?", "choices": [{"label": "Weet niet", "next": "vraag"}]},
                {"id": "advies", "advice": "Bel de centrale zorgverlener."},
            ]
        ),
        "lus.yaml",
    )
    assert f"{path}: nodes[1].choices[0].next: lus: vraag → soort → vraag (keuze 'Weet niet')" in _check(capsys, path)


def test_check_names_a_quiz_item_without_a_right_answer(tmp_path, capsys):
    form = {
        "schema_version": 1,
        "kind": "form",
        "id": "proefquiz",
        "program": "zorgkaart",
        "title": "Quiz",
        "purpose": "oefening",
        "intro": "Kies.",
        "source": "Proef",
        "items": [{"id": "wie-bel-je", "type": "quiz", "text": "Wie bel je?", "options": ["A", "B"]}],
    }
    path = _write(tmp_path, form, "quiz.yaml")
    lines = _check(capsys, path)
    assert f"{path}: items[0]: quizvraag zonder juist antwoord: vul 'correct' in (een van de options)" in lines, lines


def test_the_shipped_tree_has_no_problems():
    assert decision_tree.problems(content.load_tree(TREE)) == []


# ---------------------------------------------------------------- walking the tree


@pytest.mark.parametrize("labels", sorted(SOURCE_ANSWERS), ids=lambda labels: " / ".join(labels)[:60])
def test_walking_the_tree_gives_the_source_answer(labels):
    tree = content.load_tree(TREE)
    node_id, words = SOURCE_ANSWERS[labels]
    end = decision_tree.end_of(tree, list(labels))
    assert end.id == node_id
    for word in words:
        assert word in end.advice


def test_every_way_through_the_tree_is_one_the_source_describes():
    walks = decision_tree.all_walks(content.load_tree(TREE))
    assert sorted(tuple(labels) for labels, _end in walks) == sorted(SOURCE_ANSWERS)


def test_a_walked_path_is_the_stored_answer_and_only_a_finished_one_is_accepted():
    form = content.load_form("zorgkaart-beslisboom")
    tree = content.load_tree(TREE)
    path = decision_tree.walk(tree, ["Nee", MEDICAL, "Ja"])
    assert validate_answers(form, {"route-pijn": path}).values == {"route-pijn": path}
    half = validate_answers(form, {"route-pijn": path[:2]})
    assert half.errors == {"route-pijn": "Loop de beslisboom door tot een advies."}
    skipped = validate_answers(form, {"route-pijn": [path[0], path[-1]]})
    assert skipped.errors == {"route-pijn": "Deze route bestaat niet in de beslisboom."}
    with pytest.raises(decision_tree.InvalidPath):
        decision_tree.step(tree, [tree.start], "Misschien")


# ---------------------------------------------------------------- the quiz


def test_quiz_scores_per_participant_and_per_room():
    form = content.load_form("zorgkaart-quiz")
    items = {item.id: item for item in quiz.quiz_items(form)}
    right = {item_id: item.correct for item_id, item in items.items()}
    wrong_first = {**right, "signaleren": items["signaleren"].options[0]}
    half = {"signaleren": items["signaleren"].correct, "overlijden": "De familie"}
    assert quiz.score(form, right) == quiz.Score(5, 5, 5)
    assert quiz.score(form, wrong_first) == quiz.Score(4, 5, 5)
    assert quiz.score(form, half) == quiz.Score(1, 2, 5)
    assert quiz.score(form, {}).share == 0
    room = quiz.room_results(form, [right, wrong_first, half])
    first = room[0]
    assert first.item_id == "signaleren" and first.answered == 3 and first.right == 2
    assert first.counts[items["signaleren"].options[0]] == 1 and sum(first.counts.values()) == 3
    assert room[-1].counts["De familie"] == 1 and room[-1].share_right == pytest.approx(2 / 3)
    assert quiz.room_score(form, [right, wrong_first, half]) == quiz.Score(10, 12, 15)


def _secrets_of(form) -> list[str]:
    return [item.explanation for item in quiz.quiz_items(form)]


def test_the_right_answer_is_left_out_of_the_spec_until_revealed():
    form = content.load_form("zorgkaart-quiz")
    hidden = json.dumps(form_spec(form), ensure_ascii=False)
    assert '"correct"' not in hidden and '"explanation"' not in hidden
    assert not any(secret in hidden for secret in _secrets_of(form))
    shown = form_spec(form, {"signaleren"})
    first = shown["items"][0]
    assert first["correct"] == form.items[0].correct and first["explanation"] == form.items[0].explanation
    assert all("correct" not in item for item in shown["items"][1:])


def test_a_reveal_is_stored_bumps_the_room_and_reaches_the_participants_form(store):
    training = store.add_training("Regio-avond", "zorgkaart", NOW)
    forms.open_form(
        store, training.id, 1, "zorgkaart-quiz", False, NOW, spec=form_spec(content.load_form("zorgkaart-quiz"))
    )
    person = register(store, training, "ab" * 16, "Sanne", NOW)
    before = store.room_versions([training.id])[training.id]
    state = form_state(store, training, person, "ab" * 16, 1, "zorgkaart-quiz")
    assert "correct" not in json.dumps(state.to_dict())
    assert open_items(store, training)[0].revealed == ()
    store.reveal_answer(training.id, 1, "zorgkaart-quiz", "signaleren", NOW + timedelta(minutes=1))
    store.reveal_answer(training.id, 1, "zorgkaart-quiz", "signaleren", NOW + timedelta(minutes=2))  # once
    assert store.revealed_items(training.id, 1, "zorgkaart-quiz") == {"signaleren"}
    assert store.room_versions([training.id])[training.id] > before
    assert open_items(store, training)[0].to_dict()["revealed"] == ["signaleren"]
    after = form_state(store, training, person, "ab" * 16, 1, "zorgkaart-quiz").to_dict()
    assert after["form"]["items"][0]["correct"] == content.load_form("zorgkaart-quiz").items[0].correct
    assert "correct" not in after["form"]["items"][1]


def test_after_the_reveal_a_changed_choice_does_not_count(store):
    training = store.add_training("Regio-avond", "zorgkaart", NOW)
    forms.open_form(store, training.id, 1, "zorgkaart-quiz", False, NOW)
    form = content.load_form("zorgkaart-quiz")
    first, second = form.items[0], form.items[1]
    wrong = next(o for o in first.options if o != first.correct)
    secret = "cd" * 16
    person = register(store, training, secret, "Piet", NOW)
    assert submit(store, training, person, secret, 1, form.id, {first.id: wrong}, NOW).status == "submitted"
    store.reveal_answer(training.id, 1, form.id, first.id, NOW)
    store.reveal_answer(training.id, 1, form.id, second.id, NOW)
    later = {first.id: first.correct, second.id: second.correct, "overlijden": "De familie"}
    assert submit(store, training, person, secret, 1, form.id, later, NOW).status == "submitted"
    key = f"p:{person.id}"
    # The choice made before the reveal stays; an item first answered after its reveal is not counted.
    assert store.load_submission(training.id, 1, form.id, key) == {first.id: wrong, "overlijden": "De familie"}


def test_check_with_another_region_file_accepts_it_and_names_an_unknown_role(tmp_path, capsys, monkeypatch):
    region = _other_region(tmp_path)
    monkeypatch.setenv(loader.REGION_ENV, "")  # restored after the test (the CLI sets it for its run)
    assert main(["check", "--region", str(region)]) == 0
    assert "in orde" in capsys.readouterr().out
    tree = _tree(
        [
            {
                "id": "vraag",
                "question": "Bekend in <regio:ziekenhuis>?",
                "choices": [{"label": "Ja", "next": "advies"}],
            },
            {"id": "advies", "advice": "Bel <regio:apotheek>."},
        ]
    )
    path = _write(tmp_path, tree, "onbekende-rol.yaml")
    lines = _check(capsys, path)
    assert any(line.startswith(f"{path}: nodes[1].advice: onbekende regio-rol 'apotheek'") for line in lines), lines


def test_results_count_quiz_choices_and_where_walked_trees_ended(store):
    from pztraining.services import results

    training = store.add_training("Regio-avond", "zorgkaart", NOW)
    for form_id in ("zorgkaart-quiz", "zorgkaart-beslisboom"):
        forms.open_form(store, training.id, 1, form_id, False, NOW, spec=form_spec(content.load_form(form_id)))
    quiz_form = content.load_form("zorgkaart-quiz")
    tree = content.load_tree(TREE)
    walks = [["Nee", MEDICAL, "Nee"], ["Nee", MEDICAL, "Nee"], ["Ja"]]
    for number, labels in enumerate(walks):
        secret = f"{number + 1:032x}"
        person = register(store, training, secret, f"Deelnemer {number}", NOW)
        submit(
            store,
            training,
            person,
            secret,
            1,
            "zorgkaart-beslisboom",
            {"route-pijn": decision_tree.walk(tree, labels)},
            NOW,
        )
        submit(
            store,
            training,
            person,
            secret,
            1,
            "zorgkaart-quiz",
            {"signaleren": quiz_form.items[0].options[number % 2]},
            NOW,
        )
    choices = results.build(store, results.training_scope(store, str(training.id))).choices
    ends = choices[choices["item_key"] == "route-pijn"].set_index("option")["count"].to_dict()
    assert ends[tree.node("consulent").advice] == 2 and ends[tree.node("via-centrale-zorgverlener").advice] == 1
    assert len(ends) == len(decision_tree.all_walks(tree)) and sum(ends.values()) == 3
    first = choices[choices["item_key"] == "signaleren"].set_index("option")["count"].to_dict()
    assert first == {
        quiz_form.items[0].options[0]: 2,
        quiz_form.items[0].options[1]: 1,
        quiz_form.items[0].options[2]: 0,
        quiz_form.items[0].options[3]: 0,
    }


def test_the_handouts_print_the_region_in_use_and_no_quiz_answer(tmp_path, monkeypatch):
    from pztraining.reports import handouts

    program = content.load_program("zorgkaart")
    shipped = {h.name: h for h in handouts.handouts_for(program, None, 4)}
    assert set(shipped) == {
        "zorgkaart-stappen",
        "formulier-zorgkaart-beslisboom",
        "formulier-zorgkaart-quiz",
        "formulier-evaluatie-zorgkaart",
        "checklist-voorbereiding",
        "regio-noord-holland-zuid",
        "presentielijst-bijeenkomst-1",
    }
    assert "Fibula-consulent" in shipped["regio-noord-holland-zuid"].html
    quiz_page = shipped["formulier-zorgkaart-quiz"].html
    assert not any(item.explanation in quiz_page for item in content.load_form("zorgkaart-quiz").items)
    monkeypatch.setenv(loader.REGION_ENV, str(_other_region(tmp_path)))
    lib, _ = content.load_library()
    other = {h.name: h for h in handouts.handouts_for(lib.programs["zorgkaart"], None, 4, lib)}
    sheet = other["regio-ergens-anders"].html
    assert "Ziekenhuis Oost" in sheet and "Spaarne" not in sheet
