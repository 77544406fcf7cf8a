"""Indicators the store cannot measure, entered by the kartrekker per half-year or year.

The hospice/GGZ blueprint (seed 002, "Verankering & evaluatie" and its recommendation 8) asks
for periodic evaluation with, among others, the satisfaction of clients and relatives and the
case lead time ("casusdoorlooptijd"). Neither is in the answers this package stores, so the
kartrekker types the figure in. The units and the upper limits below are this package's
proposal (the source names the indicators, not how to measure them).

Pure: the entries and the periods are passed in; nothing reads the store or the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from pztraining.core.text_input import decimal_number
from pztraining.core.texts import t
from pztraining.services.kartrekker.indicators import Bucket

if TYPE_CHECKING:  # the store's row type; this module never reads the store
    from pztraining.store import EnteredIndicator as Entry


@dataclass(frozen=True)
class Indicator:
    id: str
    #: Unit → the largest plausible value in it (anything above is a typing error).
    units: dict[str, float]

    @property
    def label(self) -> str:
        return t(f"kt.entered.{self.id}")


INDICATORS: dict[str, Indicator] = {
    "client_satisfaction": Indicator("client_satisfaction", {"cijfer (0–10)": 10.0, "%": 100.0}),
    "lead_time": Indicator("lead_time", {"dagen": 730.0, "weken": 104.0}),
}

COLUMNS = ["period", "start", "end", "indicator", "label", "value", "unit", "remark", "entered_at"]


def parse_value(indicator_id: str, unit: str, typed: str) -> float:
    """The number in ``typed`` (a decimal comma or point), or ValueError with a Dutch message."""
    indicator = INDICATORS[indicator_id]
    if unit not in indicator.units:
        raise ValueError(t("kt.entered.bad_unit", unit=unit, units=", ".join(indicator.units)))
    text = typed.strip().replace(" ", "")
    if not text:
        raise ValueError(t("kt.entered.empty"))
    value = decimal_number(text.replace(",", "."))  # ASCII digits only; never "nan" or "١٠"
    if value is None:
        raise ValueError(t("kt.entered.not_number", typed=typed.strip()))
    if value < 0:
        raise ValueError(t("kt.entered.negative"))
    top = indicator.units[unit]
    if value > top:
        raise ValueError(t("kt.entered.too_high", top=f"{top:g}".replace(".", ","), unit=unit))
    return value


def latest(entries: Iterable[Entry], periods: list[Bucket]) -> pd.DataFrame:
    """Per period and indicator the latest entry made for exactly that period (see :data:`COLUMNS`).

    An entry for a half-year is not shown when the periods are years, and the other way round:
    a figure is never silently re-divided.
    """
    chosen: dict[tuple[date, str], Entry] = {}
    for entry in entries:
        if entry.indicator_id not in INDICATORS:
            continue
        key = (entry.period_start, entry.indicator_id)
        if key not in chosen or entry.entered_at >= chosen[key].entered_at:
            chosen[key] = entry
    rows = []
    for bucket in periods:
        for indicator in INDICATORS.values():
            found = chosen.get((bucket.start, indicator.id))
            if found is not None and found.period_end == bucket.end:
                rows.append({"period": bucket.label, "start": bucket.start, "end": bucket.end,
                             "indicator": indicator.id, "label": indicator.label, "value": float(found.value),
                             "unit": found.unit, "remark": found.remark, "entered_at": found.entered_at})
    return pd.DataFrame(rows, columns=COLUMNS)


def shown(value: float) -> str:
    """A figure as the page shows it: a decimal comma, no needless decimals."""
    return f"{value:g}".replace(".", ",")
