"""The implementation planning month by month: trainings placed, a missed training window marked."""

from datetime import date

from pztraining.content import library
from pztraining.services.kartrekker.planning import PlannedTraining, default_start, month_label, timeline

MYSUPPORT = library().plannings["planning-mysupport"]


def test_the_sources_plannings_have_their_lengths():
    plannings = library().plannings
    assert (
        plannings["planning-mysupport"].months,
        plannings["planning-hospicezorg"].months,
        plannings["planning-vll"].months,
    ) == (13, 12, 24)
    assert plannings["planning-hospicezorg"].trainings_per_year == 2


def test_trainings_are_placed_in_their_month_and_the_rest_named_outside():
    trainings = [
        PlannedTraining("Voorjaar", date(2026, 4, 14)),
        PlannedTraining("Te vroeg", date(2025, 12, 31)),
        PlannedTraining("Te laat", date(2027, 2, 1)),
    ]
    line = timeline(MYSUPPORT, date(2026, 1, 15), trainings, today=date(2026, 5, 2))
    assert [month_label(m) for m in (line.months[0], line.months[-1])] == ["jan 2026", "jan 2027"]
    assert [tr.name for tr in line.trainings[4]] == ["Voorjaar"]
    assert [tr.name for tr in line.outside] == ["Te vroeg", "Te laat"]
    assert line.current == 5


def test_a_training_window_that_passed_without_a_training_is_overdue_and_only_then():
    rows = {r.id: r for r in timeline(MYSUPPORT, date(2026, 1, 1), [], today=date(2026, 6, 30)).rows}
    assert not rows["training-plannen"].overdue  # June is still month 6 of the window
    rows = {r.id: r for r in timeline(MYSUPPORT, date(2026, 1, 1), [], today=date(2026, 7, 1)).rows}
    assert rows["training-plannen"].overdue
    assert not rows["voorbereidende-gesprekken"].overdue  # activities without trainings are never "behind"
    held = [PlannedTraining("Mei", date(2026, 5, 20))]
    rows = {r.id: r for r in timeline(MYSUPPORT, date(2026, 1, 1), held, today=date(2026, 7, 1)).rows}
    assert not rows["training-plannen"].overdue and rows["training-plannen"].done


def test_by_default_the_first_training_falls_in_the_first_training_month():
    assert default_start(MYSUPPORT, [date(2026, 9, 3), date(2026, 11, 1)], date(2026, 1, 5)) == date(2026, 6, 1)
    assert default_start(MYSUPPORT, [], date(2026, 1, 5)) == date(2026, 1, 1)
