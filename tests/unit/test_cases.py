"""The shipped cases carry the facts of the source and the steps to practise."""

import pytest

from pztraining.content import CONVERSATION_STEPS, cases_for, load_case, load_program
from pztraining.content.errors import ContentError


def _text(case) -> str:
    parts = [case.title, case.summary, *case.person.situation, *case.participant_briefing]
    if case.simulant_briefing:
        b = case.simulant_briefing
        parts += [b.role, *b.knows, *b.feels, *b.asks, b.start_mild, *b.harder]
    return " ".join(parts).lower()


def test_de_vries_carries_the_facts_of_casus_1():
    case = load_case("de-vries")
    assert case.program == "mysupport" and not case.fictional
    assert case.person.age == 85
    text = _text(case)
    for fact in ("dementie", "zes weken", "hart", "anne", "informatiegids", "ziekenhuis", "scan"):
        assert fact in text, fact
    assert "anne" in case.simulant_briefing.role.lower()


def test_janssen_carries_the_facts_of_casus_2():
    case = load_case("janssen")
    assert case.person.age == 83
    text = _text(case)
    for fact in ("dementie", "acht weken", "peter", "carla", "monique", "longontsteking", "comfort"):
        assert fact in text, fact


@pytest.mark.parametrize("case_id", ["de-vries", "janssen"])
def test_mysupport_cases_follow_the_five_steps_of_the_conversation_card(case_id):
    case = load_case(case_id)
    assert tuple(step.title for step in case.steps) == CONVERSATION_STEPS
    brief = case.simulant_briefing
    assert brief.start_mild and brief.harder  # mild for nervous beginners, sharper for later turns


def test_there_are_at_least_two_fictional_ggz_cases_with_questions_per_toolkit_step():
    cases = cases_for("ggz")
    assert len(cases) >= 2
    for case in cases:
        assert case.fictional
        assert len(case.steps) == 5 and all(step.questions for step in case.steps)
        text = " ".join(s.title + " " + s.guidance for s in case.steps).lower()
        for tool in (
            "surprise question",
            "symptoom dagboek",
            "wensenboekje",
            "palliatief redeneren",
            "stervensfase",
            "nazorg",
        ):
            assert tool in text, (case.id, tool)


def test_every_case_a_program_uses_exists():
    for program_id in ("mysupport", "ggz"):
        for meeting in load_program(program_id).meetings:
            for block in meeting.blocks:
                for case_id in block.cases:
                    assert load_case(case_id).program == program_id


def test_a_mysupport_case_with_the_wrong_steps_is_invalid(tmp_path):
    import yaml

    from pztraining.content import load_file
    from pztraining.content.loader import builtin_content_dir

    data = yaml.safe_load((builtin_content_dir() / "cases" / "de-vries.yaml").read_text(encoding="utf-8"))
    data["steps"] = data["steps"][:4]
    path = tmp_path / "casus.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_file(path)
    assert "vijf stappen van het gesprekskaartje" in str(info.value)


def test_an_unknown_case_is_named_in_dutch():
    from pztraining.content import UnknownCase

    with pytest.raises(UnknownCase) as info:
        load_case("mevrouw-x")
    assert "Onbekende casus 'mevrouw-x'" in str(info.value)


def test_the_top_level_cases_folder_shows_every_shipped_case():
    import os
    from pathlib import Path

    from pztraining.content import loader

    checkout = Path(__file__).resolve().parents[2] / "cases"
    shipped = sorted(p.name for p in (loader.builtin_content_dir() / "cases").glob("*.yaml"))
    assert "de-vries.yaml" in shipped
    assert sorted(p.name for p in checkout.glob("*.yaml")) == shipped
    for name in shipped:
        assert (checkout / name).read_text(encoding="utf-8") == (
            loader.builtin_content_dir() / "cases" / name
        ).read_text(encoding="utf-8"), name
    assert "De Vries" in (checkout / "de-vries.yaml").read_text(encoding="utf-8")
    # A link must be relative, or it breaks in every clone but the one it was made in.
    for link in (checkout, *checkout.iterdir()):
        if link.is_symlink():
            assert not Path(os.readlink(link)).is_absolute(), link
