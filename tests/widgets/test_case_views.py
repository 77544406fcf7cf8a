"""Each audience sees only its own part of a case."""

from html import unescape

import pytest

from pztraining.content import cases_for, load_case
from pztraining.ui.case_page import case_app
from pztraining.ui.case_view import participant_html, screen_html, simulant_html

ROLE_PLAY_CASES = [c.id for p in ("mysupport", "ggz") for c in cases_for(p) if c.simulant_briefing]


def _secrets(case) -> list[str]:
    """What only the simulant may read (what the simulant knows are facts the situation shows too)."""
    b = case.simulant_briefing
    return [*b.feels, *b.asks, b.start_mild, *b.harder]


def _shows(html: str, text: str) -> bool:
    return " ".join(text.split()) in " ".join(unescape(html).split())


def _leaks(html: str, text: str) -> bool:
    """True when any 30 characters of ``text`` appear in the page."""
    page = " ".join(unescape(html).split())
    text = " ".join(text.split())
    return any(text[i : i + 30] in page for i in range(0, max(len(text) - 29, 1), 10))


def test_the_shown_cases_include_both_mysupport_cases():
    assert {"de-vries", "janssen"} <= set(ROLE_PLAY_CASES)


@pytest.mark.parametrize("case_id", ROLE_PLAY_CASES)
def test_the_simulant_page_shows_the_whole_simulant_briefing_and_not_the_participants(case_id):
    case = load_case(case_id)
    html = simulant_html(case)
    assert _shows(html, case.simulant_briefing.role)
    for line in [*case.simulant_briefing.knows, *_secrets(case)]:
        assert _shows(html, line), line
    for line in case.participant_briefing:
        assert not _leaks(html, line), line


@pytest.mark.parametrize("case_id", ROLE_PLAY_CASES)
def test_the_participant_page_shows_the_participant_briefing_and_no_simulant_secrets(case_id):
    case = load_case(case_id)
    html = participant_html(case)
    for line in case.participant_briefing:
        assert _shows(html, line), line
    for step in case.steps:
        assert _shows(html, step.guidance), step.title
    for secret in _secrets(case):
        assert not _leaks(html, secret), secret


@pytest.mark.parametrize("case_id", ROLE_PLAY_CASES)
def test_the_screen_shows_the_situation_and_no_simulant_secrets_either(case_id):
    case = load_case(case_id)
    html = screen_html(case)
    assert _shows(html, case.summary)
    for goal in case.learning_goals:
        assert _shows(html, goal), goal
    for secret in _secrets(case):
        assert not _leaks(html, secret), secret


def test_each_simulant_page_names_its_own_role_and_not_the_other_cases():
    de_vries, janssen = load_case("de-vries"), load_case("janssen")
    assert _shows(simulant_html(de_vries), "Anne, dochter van mevrouw De Vries")
    assert not _shows(simulant_html(de_vries), janssen.simulant_briefing.role)
    assert not _shows(simulant_html(janssen), de_vries.simulant_briefing.role)


def test_the_case_page_reads_case_and_view_from_the_query_string():
    page = case_app("case=janssen&view=simulant")
    html = page.children[1].value
    case = load_case("janssen")
    assert _shows(html, case.simulant_briefing.role)
    assert _shows(html, case.simulant_briefing.start_mild)
    assert not _leaks(html, case.participant_briefing[0])
    assert "pz-case-simulant" in html


def test_an_unknown_case_gives_a_dutch_message():
    page = case_app("case=bestaat-niet")
    assert "bestaat niet" in page.children[1].value
