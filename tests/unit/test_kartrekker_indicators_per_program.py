"""Entered indicators belong to a programme, and which ones a programme asks for is content."""

from datetime import UTC, date, datetime

import pytest

from pztraining.content import library
from pztraining.services.kartrekker import entered
from pztraining.services.kartrekker.indicators import buckets

ORG = "Hospice De Vlinder"
MOMENT = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 7, 2, 9, 0, tzinfo=UTC)
H1 = buckets(date(2026, 1, 1), date(2026, 6, 30), "halfjaar")


def test_the_indicators_their_units_and_limits_come_from_the_content_file():
    shipped = library().indicators
    assert set(shipped) == {"client_satisfaction", "lead_time", "timely_admission", "conversations_held"}
    assert shipped["timely_admission"].label == "Tijdige opname"  # seed 002's "tijdige opname"
    assert entered.units_of("lead_time") == {"dagen": 730.0, "weken": 104.0}
    assert entered.parse_value("timely_admission", "% tijdig opgenomen", "85,5") == pytest.approx(85.5)
    with pytest.raises(ValueError, match="Meer dan 100"):
        entered.parse_value("timely_admission", "% tijdig opgenomen", "120")


def test_a_programme_is_offered_only_the_indicators_its_source_asks_for():
    assert {i.id for i in entered.indicators_for("hospice-ggz")} == {
        "client_satisfaction",
        "lead_time",
        "timely_admission",
    }
    assert [i.id for i in entered.indicators_for("mysupport")] == ["conversations_held"]
    assert entered.indicators_for("ggz") == []


def test_figures_are_kept_per_programme_and_old_ones_without_a_programme_count_for_each(any_store):
    store = any_store
    store.add_entered_indicator(
        ORG, "lead_time", H1[0].start, H1[0].end, 10, "dagen", "", MOMENT, program_id="hospice-ggz"
    )
    store.add_entered_indicator(
        ORG, "lead_time", H1[0].start, H1[0].end, 30, "dagen", "", LATER, program_id="casuistiekbespreking"
    )
    store.add_entered_indicator(
        ORG, "timely_admission", H1[0].start, H1[0].end, 80, "% tijdig opgenomen", "", MOMENT
    )  # kept before figures had a programme
    hospice = store.entered_indicators(ORG, "hospice-ggz")
    assert sorted((e.indicator_id, e.value, e.program_id) for e in hospice) == [
        ("lead_time", 10.0, "hospice-ggz"),
        ("timely_admission", 80.0, ""),
    ]
    rows = entered.latest(hospice, H1, "hospice-ggz")
    assert dict(zip(rows["indicator"], rows["value"], strict=True)) == {"lead_time": 10.0, "timely_admission": 80.0}
    # All programmes together: each programme's own latest figure, never one hiding the other.
    both = entered.latest(store.entered_indicators(ORG), H1)
    assert sorted(zip(both["program"], both["value"], strict=True)) == [
        ("", 80.0),
        ("casuistiekbespreking", 30.0),
        ("hospice-ggz", 10.0),
    ]
