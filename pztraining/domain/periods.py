"""The borging period: a span of local dates divided per half-year or per year.

The one check of a period, used by the CLI, the kartrekker's page, the borging gathering and the
results' programme scope: a start after the end is refused with the same Dutch sentence
everywhere. Pure: dates are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pztraining.core.errors import ScopeError
from pztraining.core.texts import t

#: The divisions of a borging report: per half-year (1 Jan–30 Jun, 1 Jul–31 Dec) or per year.
PERIODS = ("halfjaar", "jaar")
#: The division when neither the user nor the programme's planning chooses one.
DEFAULT_PER = "halfjaar"


@dataclass(frozen=True)
class Period:
    """A borging period: ``start`` to ``end`` (both included), divided ``per`` half-year or year."""

    start: date
    end: date
    per: str


def check_span(date_from: date | None, date_to: date | None) -> None:
    """Refuse (:class:`ScopeError`, Dutch) a span whose start lies after its end; an open end is fine."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ScopeError(t("kt.period.reversed", start=f"{date_from:%d-%m-%Y}", end=f"{date_to:%d-%m-%Y}"))


def borging_period(
    date_from: date | None, date_to: date | None, per: str | None = None, planned: str | None = None
) -> Period:
    """The period of a borging report: both dates given, the start not after the end, divided
    ``per`` (else as ``planned`` by the programme's planning, else per half-year)."""
    if date_from is None or date_to is None:
        raise ScopeError(t("cli.borging.need_period"))
    check_span(date_from, date_to)
    return Period(date_from, date_to, division(per, planned))


def division(per: str | None, planned: str | None = None) -> str:
    """The division of a borging report: ``per`` as chosen, else as ``planned`` by the programme's
    planning, else per half-year; an unknown one is refused (:class:`ScopeError`, Dutch)."""
    chosen = per or planned or DEFAULT_PER
    if chosen not in PERIODS:
        raise ScopeError(t("kt.period.unknown", per=chosen, periods=", ".join(PERIODS)))
    return chosen
