"""Facts of the hospice-ggz, casuïstiekbespreking and vll-publiek content, checked against seeds 002 and 003."""

from pztraining.content import cases_for, load_checklist, load_form, load_program


def test_hospice_ggz_has_cases_in_different_settings_each_with_both_briefings():
    cases = cases_for("hospice-ggz")
    assert len(cases) >= 2
    assert all(case.fictional and case.simulant_briefing is not None for case in cases)
    settings = {case.id: " ".join(case.participant_briefing).lower() for case in cases}
    assert "hospice" in settings["hospice-dekker"] and "thuiszorg" in settings["thuis-van-dam"]
    used = {
        case for meeting in load_program("hospice-ggz").meetings for block in meeting.blocks for case in block.cases
    }
    assert used == {case.id for case in cases}


def test_hospice_ggz_teaches_what_the_blauwdruk_asks():
    program = load_program("hospice-ggz")
    text = " ".join(" ".join([b.title, b.goal, *b.instructions]) for m in program.meetings for b in m.blocks).lower()
    for topic in (
        "stigma",
        "verslaving",
        "ggz-consultatieteam",
        "bereikbaarheidsdienst",
        "consultatief palliatief team",
        "verwijs",
        "samenwerken",
        "vrijwilliger",
    ):
        assert topic in text, topic
    assert "psychiatrie hoort ook in de palliatieve zorg" in text
    assert "Blauwdruk 'Versterken Hospicezorg" in program.source


def test_the_case_preparation_form_asks_question_psychiatry_palliative_care_and_what_was_tried():
    items = {item.id for item in load_form("casus-inbreng").items}
    assert {"vraag", "psychiatrisch", "palliatief", "geprobeerd"} <= items


def test_the_visitor_evaluation_is_anonymous_with_large_targets():
    form = load_form("evaluatie-vll")
    assert form.anonymous_by_default and form.large_targets
    assert all(len(item.text) <= 60 for item in form.items)  # short B1 questions


def test_the_public_meeting_runs_the_parts_the_handreiking_names():
    titles = " ".join(b.title for b in load_program("vll-publiek").meeting(1).blocks).lower()
    for part in ("welkom", "presentatie", "filmpjes", "vragen", "meenemen"):
        assert part in titles, part
    checklist = " ".join(i.text for i in load_checklist("vll-publiek").items)
    assert "Netwerken Palliatieve Zorg Drenthe Steenwijkerland" in checklist
