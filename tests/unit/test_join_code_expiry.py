"""Join codes stop working a configurable number of days after the training's last meeting."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pztraining.core.settings import SettingsError
from pztraining.services.participation import JOIN_DAYS, join_code_last_day, join_days, training_over
from pztraining.store import Training

CREATED = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


def training(*dates: date | None) -> Training:
    return Training(1, "Team De Linde", "mysupport", "", tuple(dates), CREATED, "K7M2QP")


def test_a_code_works_until_two_weeks_after_the_last_meeting():
    linde = training(date(2026, 9, 1), date(2026, 10, 6), date(2026, 11, 10))
    assert JOIN_DAYS == 14 and join_code_last_day(linde.meeting_dates, JOIN_DAYS) == date(2026, 11, 24)
    assert not training_over(linde, date(2026, 11, 10), JOIN_DAYS)
    assert not training_over(linde, date(2026, 11, 24), JOIN_DAYS)
    assert training_over(linde, date(2026, 11, 25), JOIN_DAYS)


def test_the_number_of_days_is_a_setting():
    linde = training(date(2026, 11, 10))
    assert training_over(linde, date(2026, 11, 11), 0)
    assert not training_over(linde, date(2026, 12, 10), 30)
    assert join_days({"PZTRAINING_JOIN_DAYS": "30"}) == 30
    assert join_days({}) == JOIN_DAYS
    with pytest.raises(SettingsError, match="PZTRAINING_JOIN_DAYS"):  # a typo is said, not replaced by 14
        join_days({"PZTRAINING_JOIN_DAYS": "veertien"})


def test_a_training_whose_last_meeting_has_no_date_keeps_its_code():
    assert not training_over(training(date(2020, 1, 1), None), date(2026, 11, 25), JOIN_DAYS)
    assert not training_over(training(), date(2026, 11, 25), JOIN_DAYS)


def test_meeting_dates_out_of_order_count_from_the_latest():
    moved = training(date(2026, 12, 1), date(2026, 11, 1))
    assert not training_over(moved, date(2026, 12, 10), JOIN_DAYS)
