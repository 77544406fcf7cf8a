"""Half-years and years at their edges, in local (Europe/Amsterdam) dates."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from pztraining.services.kartrekker import indicators

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_30_june_is_the_first_half_and_1_july_the_second():
    assert indicators.bucket_of(date(2026, 6, 30), "halfjaar").label == "1e helft 2026"
    assert indicators.bucket_of(date(2026, 7, 1), "halfjaar").label == "2e helft 2026"
    assert indicators.bucket_of(date(2026, 1, 1), "halfjaar").start == date(2026, 1, 1)
    assert indicators.bucket_of(date(2026, 12, 31), "halfjaar").end == date(2026, 12, 31)
    assert indicators.bucket_of(date(2026, 6, 30), "halfjaar").end == date(2026, 6, 30)
    assert indicators.bucket_of(date(2026, 7, 1), "jaar").label == "2026"


def test_a_moment_late_on_30_june_utc_is_already_1_july_in_amsterdam():
    late = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)  # 00:30 on 1 July in summer time
    just_before = datetime(2026, 6, 30, 21, 59, tzinfo=UTC)  # 23:59 on 30 June
    assert indicators.local_day(late, AMSTERDAM) == date(2026, 7, 1)
    assert indicators.local_day(just_before, AMSTERDAM) == date(2026, 6, 30)
    assert indicators.training_day((), late, AMSTERDAM) == date(2026, 7, 1)
    new_year = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)  # winter time: 00:30 on 1 January
    assert indicators.bucket_of(indicators.local_day(new_year, AMSTERDAM), "halfjaar").label == "1e helft 2026"


def test_a_training_belongs_to_its_last_dated_meeting_not_its_creation():
    created = datetime(2025, 12, 1, 9, 0, tzinfo=UTC)
    assert indicators.training_day((date(2026, 6, 2), None, date(2026, 7, 1)), created, AMSTERDAM) == date(2026, 7, 1)


def test_every_period_between_two_dates_is_listed_including_empty_ones():
    labels = [b.label for b in indicators.buckets(date(2025, 6, 30), date(2026, 7, 1), "halfjaar")]
    assert labels == ["1e helft 2025", "2e helft 2025", "1e helft 2026", "2e helft 2026"]
    assert [b.label for b in indicators.buckets(date(2025, 7, 1), date(2025, 12, 31), "halfjaar")] == ["2e helft 2025"]
    years = indicators.buckets(date(2024, 12, 31), date(2026, 1, 1), "jaar")
    assert [b.label for b in years] == ["2024", "2025", "2026"]
