"""The one check of a borging period (domain/periods.py), and that every caller uses it."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

import pztraining
from pztraining.core.errors import ScopeError
from pztraining.domain.periods import DEFAULT_PER, PERIODS, Period, borging_period, check_span, division
from tests.source import module_tree, nodes

PACKAGE = Path(pztraining.__file__).parent
JAN, DEC = date(2026, 1, 1), date(2026, 12, 31)


def test_a_period_needs_both_dates_in_order():
    assert borging_period(JAN, DEC) == Period(JAN, DEC, "halfjaar")
    assert borging_period(JAN, JAN, "jaar") == Period(JAN, JAN, "jaar")  # one day is a period
    with pytest.raises(ScopeError) as missing:
        borging_period(None, DEC)
    assert str(missing.value).startswith("Geef de periode met --from en --to")
    with pytest.raises(ScopeError) as reversed_:
        borging_period(DEC, JAN)
    assert str(reversed_.value) == "De periode klopt niet: 31-12-2026 ligt na 01-01-2026."


def test_an_open_span_is_fine_and_a_reversed_one_is_not():
    check_span(None, None)
    check_span(JAN, None)
    check_span(None, JAN)
    with pytest.raises(ScopeError, match="ligt na"):
        check_span(DEC, JAN)


def test_the_division_is_chosen_else_planned_else_half_years():
    assert PERIODS == ("halfjaar", "jaar") and DEFAULT_PER == "halfjaar"
    assert division("jaar", "halfjaar") == "jaar"
    assert division(None, "jaar") == "jaar"
    assert division(None) == "halfjaar"
    assert borging_period(JAN, DEC, None, planned="jaar").per == "jaar"
    with pytest.raises(ScopeError) as unknown:
        division("kwartaal")
    assert str(unknown.value) == "Onbekende indeling 'kwartaal'; kies uit halfjaar, jaar."


def _text_keys_used(path: Path) -> set[str]:
    return {
        node.value
        for node in nodes(module_tree(path))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_the_period_refusals_are_made_only_in_domain_periods():
    # The store too: it keeps what its callers checked with check_span.
    allowed = {"domain/periods.py"}
    for key in ("kt.period.reversed", "cli.borging.need_period", "kt.period.unknown"):
        places = {
            path.relative_to(PACKAGE).as_posix()
            for path in PACKAGE.rglob("*.py")
            if path.name != "texts.py" and key in _text_keys_used(path)
        }
        assert places <= allowed and "domain/periods.py" in places, (key, places)
