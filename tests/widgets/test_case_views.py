"""Each audience sees only its own part of a case."""

from pztraining.content import load_case
from pztraining.ui.case_page import case_app
from pztraining.ui.case_view import participant_html, screen_html, simulant_html


def test_the_simulant_page_shows_the_simulant_briefing_and_not_the_participants():
    case = load_case("de-vries")
    html = simulant_html(case)
    assert case.simulant_briefing.start_mild.split()[0] in html
    assert case.participant_briefing[0][:40] not in html


def test_the_participant_page_shows_the_participant_briefing_and_no_simulant_secrets():
    case = load_case("de-vries")
    html = participant_html(case)
    assert case.participant_briefing[0][:40].replace("'", "&#x27;") in html
    for secret in case.simulant_briefing.harder + case.simulant_briefing.feels:
        assert secret[:40].replace("'", "&#x27;") not in html


def test_the_screen_shows_no_simulant_secrets_either():
    case = load_case("janssen")
    html = screen_html(case)
    for secret in case.simulant_briefing.harder:
        assert secret[:40].replace("'", "&#x27;") not in html


def test_the_case_page_reads_case_and_view_from_the_query_string():
    page = case_app("case=janssen&view=simulant")
    html = page.children[1].value
    assert load_case("janssen").simulant_briefing.role in html.replace("&#x27;", "'")
    assert "pz-case-simulant" in html


def test_an_unknown_case_gives_a_dutch_message():
    page = case_app("case=bestaat-niet")
    assert "bestaat niet" in page.children[1].value
