"""Answer validation: what a participant typed is checked, and kept exactly as typed."""

import pytest

from pztraining.content import load_form, load_program
from pztraining.domain.forms import form_spec, validate_answers


@pytest.fixture
def evaluation():
    return load_form("evaluatie-mysupport")


def test_every_shipped_form_validates_and_every_referenced_form_exists():
    for program_id in ("mysupport", "ggz"):
        for meeting in load_program(program_id).meetings:
            for form_id in meeting.form_ids():
                assert load_form(form_id).program == program_id


def test_the_mysupport_pre_assignment_asks_both_assignments_and_the_before_measure():
    form = load_form("voorbereiding-mysupport")
    text = " ".join(i.text + " " + (i.help or "") for i in form.items).lower()
    assert "informatiegids" in text or "gids" in text
    assert "28" in text and "4 hoofdstukken" in text
    assert form.item("vertrouwen-gesprek").type == "scale10"


def test_before_and_after_items_are_the_same_question():
    for before, after, item_id in (
        ("voorbereiding-mysupport", "evaluatie-mysupport", "vertrouwen-gesprek"),
        ("voorbereiding-ggz", "evaluatie-ggz", "vertrouwen-palliatief"),
    ):
        assert load_form(before).item(item_id) == load_form(after).item(item_id)


def test_evaluations_are_anonymous_by_default_and_share_reaction_items():
    mysupport, ggz = load_form("evaluatie-mysupport"), load_form("evaluatie-ggz")
    assert mysupport.anonymous_by_default and ggz.anonymous_by_default
    shared = {"relevantie", "duidelijkheid", "trainer", "materialen", "tijd", "aanbevelen"}
    assert shared <= {i.id for i in mysupport.items} & {i.id for i in ggz.items}
    assert mysupport.item("aanbevelen").type == "scale10"


def test_the_reflection_form_asks_the_three_reflection_questions():
    form = load_form("reflectie")
    questions = load_program("mysupport").meeting(1).blocks[3].reflection_questions
    assert [i.text for i in form.items[:3]] == list(questions)


def test_required_items_must_be_answered(evaluation):
    result = validate_answers(evaluation, {})
    assert not result.ok
    assert result.errors["relevantie"] == "Deze vraag is verplicht."
    assert "geleerd" not in result.errors  # open questions are optional


def _complete(form, **overrides):
    values = {}
    for item in form.items:
        values[item.id] = {
            "agreement": 4,
            "scale10": 8,
            "single": (item.options or ("",))[0],
            "multiple": list(item.options[:1]),
            "short_text": "ja",
            "long_text": "Veel geleerd.",
        }[item.type]
    values.update(overrides)
    return values


def test_a_complete_form_is_accepted_and_text_is_kept_exactly_as_typed(evaluation):
    typed = "  <b>Mooi</b>\n\ttwee regels  "
    result = validate_answers(evaluation, _complete(evaluation, geleerd=typed))
    assert result.ok and result.values["geleerd"] == typed


@pytest.mark.parametrize(
    "item_id, value, message",
    [
        ("relevantie", 6, "van 1 tot en met 5"),
        ("relevantie", "veel", "Kies een waarde"),
        ("aanbevelen", 11, "van 0 tot en met 10"),
        ("aanbevelen", True, "Kies een waarde"),
    ],
)
def test_values_outside_a_scale_are_refused(evaluation, item_id, value, message):
    result = validate_answers(evaluation, _complete(evaluation, **{item_id: value}))
    assert message in result.errors[item_id]


def test_text_over_the_limit_is_refused_with_the_count_and_is_not_cut(evaluation):
    item = evaluation.item("geleerd")
    too_long = "x" * (item.limit + 5)
    result = validate_answers(evaluation, _complete(evaluation, geleerd=too_long))
    assert result.errors["geleerd"].startswith(f"Maximaal {item.limit} tekens; nu {item.limit + 5}.")


def test_choices_must_be_among_the_options():
    form = load_form("werkplekopdracht-2")
    multiple = next(i for i in form.items if i.type == "multiple")
    bad = validate_answers(form, _complete(form, **{multiple.id: ["Iets anders"]}))
    assert bad.errors[multiple.id] == "Kies uit de mogelijkheden."
    good = validate_answers(form, _complete(form, **{multiple.id: list(reversed(multiple.options))}))
    assert good.values[multiple.id] == list(multiple.options)  # in the form's order


def test_the_browser_spec_labels_the_agreement_scale(evaluation):
    spec = form_spec(evaluation)
    relevance = next(i for i in spec["items"] if i["id"] == "relevantie")
    assert relevance["options"] == ["helemaal oneens", "oneens", "neutraal", "eens", "helemaal eens"]


def test_a_paper_form_may_leave_required_questions_open_and_they_are_listed():
    from pztraining.content import load_form
    from pztraining.domain.forms import validate_answers

    form = load_form("evaluatie-mysupport")
    required = [item.id for item in form.items if item.required]
    strict = validate_answers(form, {required[0]: 4})
    assert strict.errors[required[1]] == "Deze vraag is verplicht."
    paper = validate_answers(form, {required[0]: 4}, allow_gaps=True)
    assert paper.ok and paper.values == {required[0]: 4}
    assert paper.gaps == tuple(required[1:])
    assert not validate_answers(form, {required[0]: 42}, allow_gaps=True).ok  # wrong answers still are
