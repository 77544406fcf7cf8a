"""Indicators the store cannot measure, entered by the kartrekker per half-year or year.

The hospice/GGZ blueprint (seed 002, "Verankering & evaluatie" and its recommendation 8) asks
for periodic evaluation with, among others, timely admission, the satisfaction of clients and
relatives and the case lead time ("casusdoorlooptijd"). None is in the answers this package
stores, so the kartrekker types the figure in, per programme. Which indicators a programme
asks for, their labels, units and upper limits are content (``content/implementatie/
indicatoren.yaml``, kind ``indicators``), not code.

Pure: the entries and the periods are passed in; nothing reads the store or the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from pztraining.content import library
from pztraining.content.schema import EnteredIndicator as Indicator
from pztraining.core.text_input import decimal_number
from pztraining.core.texts import t
from pztraining.services.kartrekker.indicators import Bucket

if TYPE_CHECKING:  # the store's row type; this module never reads the store
    from pztraining.store import EnteredIndicator as Entry


def all_indicators() -> dict[str, Indicator]:
    """Every indicator a kartrekker may enter, by id (from the content)."""
    return library().indicators


def indicators_for(program_id: str | None) -> list[Indicator]:
    """The indicators ``program_id``'s borging asks for (None: those of every programme)."""
    return [i for i in all_indicators().values() if program_id is None or not i.programs or program_id in i.programs]


def units_of(indicator_id: str) -> dict[str, float]:
    """Unit → the largest plausible value in it (anything above is a typing error)."""
    return {u.unit: u.maximum for u in all_indicators()[indicator_id].units}


COLUMNS = ["period", "start", "end", "program", "indicator", "label", "value", "unit", "remark", "entered_at"]


def parse_value(indicator_id: str, unit: str, typed: str) -> float:
    """The number in ``typed`` (a decimal comma or point), or ValueError with a Dutch message."""
    units = units_of(indicator_id)
    if unit not in units:
        raise ValueError(t("kt.entered.bad_unit", unit=unit, units=", ".join(units)))
    text = typed.strip().replace(" ", "")
    if not text:
        raise ValueError(t("kt.entered.empty"))
    value = decimal_number(text.replace(",", "."))  # ASCII digits only; never "nan" or "١٠"
    if value is None:
        raise ValueError(t("kt.entered.not_number", typed=typed.strip()))
    if value < 0:
        raise ValueError(t("kt.entered.negative"))
    top = units[unit]
    if value > top:
        raise ValueError(t("kt.entered.too_high", top=f"{top:g}".replace(".", ","), unit=unit))
    return value


def latest(entries: Iterable[Entry], periods: list[Bucket], program_id: str | None = None) -> pd.DataFrame:
    """Per period, programme and indicator the latest entry made for exactly that period (see :data:`COLUMNS`).

    Only ``program_id``'s entries when given (and those kept before figures had a programme,
    program id ""). An entry for a half-year is not shown when the periods are years, and the
    other way round: a figure is never silently re-divided.
    """
    known = all_indicators()
    chosen: dict[tuple[date, str, str], Entry] = {}
    for entry in entries:
        if entry.indicator_id not in known:
            continue
        if program_id is not None and entry.program_id not in ("", program_id):
            continue
        key = (entry.period_start, program_id or entry.program_id, entry.indicator_id)
        if key not in chosen or entry.entered_at >= chosen[key].entered_at:
            chosen[key] = entry
    programs = sorted({key[1] for key in chosen})
    rows = []
    for bucket in periods:
        for program in programs:
            for indicator in known.values():
                found = chosen.get((bucket.start, program, indicator.id))
                if found is not None and found.period_end == bucket.end:
                    rows.append(
                        {
                            "period": bucket.label,
                            "start": bucket.start,
                            "end": bucket.end,
                            "program": found.program_id,
                            "indicator": indicator.id,
                            "label": indicator.label,
                            "value": float(found.value),
                            "unit": found.unit,
                            "remark": found.remark,
                            "entered_at": found.entered_at,
                        }
                    )
    return pd.DataFrame(rows, columns=COLUMNS)


def shown(value: float) -> str:
    """A figure as the page shows it: a decimal comma, no needless decimals."""
    return f"{value:g}".replace(".", ",")
