"""The rules of answering a form, as pure functions (the store applies them in its transaction)."""

import pytest

from pztraining.domain.answer_rules import admission, reopened_settings


def _admit(is_open=True, anonymous=False, paper=False, named_only=False):
    return admission(is_open=is_open, anonymous=anonymous, paper=paper, named_only=named_only)


@pytest.mark.parametrize("anonymous, named_only", [(False, False), (False, True), (True, False)])
def test_a_participant_answers_only_while_the_form_is_open(anonymous, named_only):
    assert _admit(is_open=False, anonymous=anonymous, named_only=named_only) == "closed"  # closed, or never opened
    assert _admit(is_open=True, anonymous=anonymous, named_only=named_only) != "closed"


@pytest.mark.parametrize("is_open", [False, True])
def test_a_phones_named_answer_to_an_anonymous_form_goes_its_own_way_open_or_closed(is_open):
    """The anonymous way checks a closed form itself: a receipt proves the answer was sent while
    it was open (the room restarted before the form closed), so "closed" here would lose it."""
    assert _admit(is_open=is_open, anonymous=True, named_only=True) == "not_named"


@pytest.mark.parametrize("is_open", [False, True])
def test_paper_is_entered_before_during_and_after_the_form_was_open(is_open):
    assert _admit(is_open=is_open, paper=True) == "named"
    assert _admit(is_open=is_open, anonymous=True, paper=True) == "anonymous"
    assert _admit(is_open=is_open, anonymous=True, paper=True, named_only=True) == "anonymous"


def test_an_answer_to_an_anonymous_form_is_kept_without_name_or_refused_under_one():
    assert _admit(anonymous=True) == "anonymous"  # no participant and no time kept
    assert _admit(anonymous=True, named_only=True) == "not_named"  # a phone's answer: to the mixing pool
    assert _admit(anonymous=False, named_only=True) == "named"
    assert _admit(anonymous=False) == "named"


def _reopen(asked, stored, answered):
    """``reopened_settings`` with ``(anonymous, spec)`` as asked now and as stored."""
    return reopened_settings(
        anonymous=asked[0], spec=asked[1], stored_anonymous=stored[0], stored_spec=stored[1], answered=answered
    )


def test_a_form_nobody_answered_reopens_as_asked_now():
    assert _reopen((True, "nieuw"), (False, "oud"), answered=False) == (True, "nieuw")
    assert _reopen((False, "nieuw"), (True, "oud"), answered=False) == (False, "nieuw")
    assert _reopen((False, None), (True, "oud"), answered=False) == (False, "oud")  # no questions asked: kept


def test_once_answered_a_form_keeps_its_anonymity_and_questions():
    assert _reopen((False, "nieuw"), (True, "oud"), answered=True) == (True, "oud")
    assert _reopen((True, "nieuw"), (False, "oud"), answered=True) == (False, "oud")
    # Stored without questions (opened before forms kept them): the questions asked now are kept.
    assert _reopen((True, "nieuw"), (False, None), answered=True) == (False, "nieuw")
