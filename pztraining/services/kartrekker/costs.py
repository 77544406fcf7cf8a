"""The cost estimate: parse the kartrekker's numbers, compute each line and the total (euro).

Pure functions over a :class:`~pztraining.content.schema.CostFormat`. A line is the product of
its factors; minutes count as hours (value / 60). A wrong input (not a number, negative, above
the format's maximum, a fraction where a count is asked) gets a Dutch message, its lines no
amount, and the estimate no total: a total that silently left something out would mislead.

Every factor says where its number comes from: the source, this package's proposal (with the
one proposal mark), the organisation's own figure (typed, or different from the default), or
"nog in te vullen" (a figure only the organisation knows, still at 0). The total is over the
run (the format's ``run_weeks`` input); per year it is spread evenly over the run's weeks, which
is this package's proposal and says so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import cast

from pztraining.content.schema import CostFormat, CostInput
from pztraining.core.text_input import decimal_number
from pztraining.core.texts import t

_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


@dataclass(frozen=True)
class Parsed:
    """One input as typed: its number, or the Dutch reason it is refused."""

    text: str
    value: float | None
    error: str = ""


@dataclass(frozen=True)
class Line:
    """One computed line: the formula as people read it and the amount (None: an input is wrong)."""

    id: str
    label: str
    formula: str
    amount: float | None
    #: Where each factor's number comes from, as people read it ("5 uur (bron); €38 (voorstel …)").
    origin: str = ""


@dataclass(frozen=True)
class Estimate:
    """Every line, the inputs as parsed, and the total (None while any input is wrong)."""

    lines: tuple[Line, ...]
    inputs: dict[str, Parsed]
    total: float | None
    example_total: int | None
    #: The run in weeks (None: the format names none, or its input is wrong).
    run_weeks: float | None = None
    #: The total per year of the run, spread evenly over its weeks (None without a total or run).
    per_year: tuple[float, ...] | None = None
    #: Where each input's number comes from: "bron", "voorstel", "eigen" or "open".
    origins: dict[str, str] | None = None

    @property
    def errors(self) -> dict[str, str]:
        return {key: parsed.error for key, parsed in self.inputs.items() if parsed.error}


def parse_number(text: str) -> float | None:
    """A number as a Dutch user types it: "12", "1,5", "1.200", "€ 38", "1.200,50"; None if not one."""
    cleaned = str(text).replace("€", "").replace(" ", "").replace("\u00a0", "").strip()
    if not cleaned:
        return None
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(".", "")
    return decimal_number(cleaned)  # ASCII digits only; never "nan", "inf" or "١٠"


def check_input(spec: CostInput, text: str) -> Parsed:
    """``text`` parsed against ``spec``: a number from 0 up to its maximum (whole for counts)."""
    text = str(text)
    if not text.strip():
        return Parsed(text, None, t("kt.cost.empty"))
    number = parse_number(text)
    if number is None:
        return Parsed(text, None, t("kt.cost.not_a_number", text=text.strip()))
    if number < 0:
        return Parsed(text, None, t("kt.cost.negative"))
    if number > spec.maximum:
        return Parsed(text, None, t("kt.cost.absurd", maximum=show_number(spec.maximum)))
    if spec.unit in ("aantal", "weken") and number != int(number):
        return Parsed(text, None, t("kt.cost.whole"))
    return Parsed(text, number)


def show_number(value: float) -> str:
    """A number the Dutch way: 1.200 or 1,5 (at most two decimals)."""
    whole = round(value, 2) == int(round(value, 2))
    text = f"{value:,.0f}" if whole else f"{value:,.2f}".rstrip("0")
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def show_euro(value: float) -> str:
    """An amount in euro: €35.000 or €1.262,50."""
    whole = round(value, 2) == int(round(value, 2))
    text = f"{value:,.0f}" if whole else f"{value:,.2f}"
    return "€" + text.replace(",", "_").replace(".", ",").replace("_", ".")


def show_factor(spec: CostInput, value: float) -> str:
    """One factor as it appears in a formula: "12 verzorgenden", "5 uur", "30 min", "€38"."""
    if spec.unit == "euro":
        return show_euro(value)
    if spec.unit == "uur":
        return f"{show_number(value)} uur"
    if spec.unit == "minuten":
        return f"{show_number(value)} min"
    word = spec.word or ("weken" if spec.unit == "weken" else "")
    return f"{show_number(value)} {word}".strip()


def origin_of(spec: CostInput, parsed: Parsed) -> str:
    """Where an input's number comes from: "bron", "voorstel", "eigen" (the organisation's) or "open"."""
    if parsed.value is not None and parsed.value != spec.default:
        return "eigen"
    if spec.origin == "organisatie":
        return "open" if spec.default == 0 else "eigen"
    return spec.origin


def origin_word(origin: str) -> str:
    """How an origin is shown: the one proposal mark for a proposal, else "(bron)", "(eigen cijfer)", …."""
    return t("content.voorstel") if origin == "voorstel" else t(f"kt.cost.origin.{origin}")


def spread_over_years(total: float, weeks: float) -> tuple[float, ...]:
    """``total`` per year of a run of ``weeks``, evenly per week (this package's proposal); euro."""
    years = max(1, math.ceil(weeks / 52))
    if weeks <= 0:
        return (round(total, 2),)
    shares = [min(52.0, weeks - 52 * i) / weeks for i in range(years)]
    amounts = [round(total * share, 2) for share in shares]
    amounts[-1] = round(total - sum(amounts[:-1]), 2)  # the years add up to the total, to the cent
    return tuple(amounts)


def estimate(fmt: CostFormat, typed: dict[str, str]) -> Estimate:
    """Compute ``fmt`` for the inputs as typed (input id → text; missing ones take the default)."""
    inputs = {spec.id: check_input(spec, typed.get(spec.id, show_number(spec.default))) for spec in fmt.inputs}
    origins = {spec.id: origin_of(spec, inputs[spec.id]) for spec in fmt.inputs}
    lines = []
    for line in fmt.lines:
        parts: list[str] = []
        said: list[str] = []
        amount: float | None = 1.0
        for factor in line.factors:
            spec, parsed = fmt.input(factor), inputs[factor]
            if parsed.value is None:
                parts.append(f"? ({spec.label.lower()})")
                amount = None
                continue
            shown = show_factor(spec, parsed.value)
            parts.append(shown)
            said.append(f"{shown} {origin_word(origins[factor])}")
            if amount is not None:
                amount *= parsed.value / 60 if spec.unit == "minuten" else parsed.value
        origin = "; ".join(said) + (f". {line.note}" if line.note else "")
        lines.append(Line(line.id, line.label, " × ".join(parts), None if amount is None else round(amount, 2), origin))
    wrong = any(parsed.error for parsed in inputs.values())
    # No wrong input: every factor has a value, so every line an amount.
    total = None if wrong else round(sum(cast(float, line.amount) for line in lines), 2)
    weeks = inputs[fmt.run_weeks].value if fmt.run_weeks else None
    per_year = spread_over_years(total, weeks) if total is not None and weeks else None
    return Estimate(tuple(lines), inputs, total, fmt.example_total, weeks, per_year, origins)


def relation(estimate: Estimate) -> str:
    """How the total relates to the source's guide amount, in a Dutch sentence ("" when either is missing)."""
    if estimate.total is None or not estimate.example_total:
        return ""
    example = estimate.example_total
    percent = show_number(round(estimate.total / example * 100))
    difference = show_euro(abs(example - estimate.total))
    key = "kt.cost.relation_below" if estimate.total <= example else "kt.cost.relation_above"
    return t(key, total=show_euro(estimate.total), percent=percent, example=show_euro(example), difference=difference)


def total_rows(estimate: Estimate) -> list[tuple[str, float]]:
    """The totals as (label, euro): per year of the run (spread evenly, marked) and over the whole run."""
    if estimate.total is None:
        return []
    rows = []
    if estimate.per_year and len(estimate.per_year) > 1:
        rows += [
            (t("kt.cost.year", n=n, mark=t("content.voorstel")), amount)
            for n, amount in enumerate(estimate.per_year, start=1)
        ]
    elif estimate.per_year:
        rows.append((t("kt.cost.one_year", mark=t("content.voorstel")), estimate.per_year[0]))
    weeks = show_number(estimate.run_weeks) if estimate.run_weeks else ""
    rows.append((t("kt.cost.total_run", weeks=weeks) if weeks else t("kt.col.total"), estimate.total))
    return rows


def default_inputs(fmt: CostFormat) -> dict[str, str]:
    """The format's proposed numbers, as they are shown in the fields."""
    return {spec.id: show_number(spec.default) for spec in fmt.inputs}
