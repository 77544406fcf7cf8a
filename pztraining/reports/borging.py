"""The kartrekker's management report: one xlsx workbook (Dutch sheet names), a CSV folder or one HTML page.

Built from a :class:`~pztraining.services.kartrekker.gather.Borging`. No participant names: only counts,
means and tests. Free text (remarks) is written as text, never as a formula (see
:func:`pztraining.reports.export.write_frames_xlsx`); the HTML is escaped and prints on A4.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path

import pandas as pd

from pztraining.content import library
from pztraining.core.errors import ExportError
from pztraining.core.texts import t
from pztraining.reports import charts
from pztraining.reports import export as base
from pztraining.services.kartrekker import costs as costs_lib
from pztraining.services.kartrekker import indicators
from pztraining.services.kartrekker import planning as planning_lib
from pztraining.services.kartrekker.gather import Borging

FORMATS = ("xlsx", "csv", "html")

#: Indicator columns that are shown as a percentage.
PERCENT = ("response_rate",)


def _label(column: str) -> str:
    return t("kt.col.response_rate") + " (%)" if column in PERCENT else t(f"kt.col.{column}")


def indicator_sheet(data: Borging) -> pd.DataFrame:
    """The indicators per period, Dutch headers; response in percent, means to two decimals."""
    frame = data.rows.copy()
    frame["start"] = frame["start"].map(lambda d: f"{d:%d-%m-%Y}")
    frame["end"] = frame["end"].map(lambda d: f"{d:%d-%m-%Y}")
    frame["response_rate"] = (frame["response_rate"].astype(float) * 100).round(1)
    for column in ("satisfaction", "efficacy_change", "trainings_target"):
        frame[column] = frame[column].astype(float).round(2)
    frame = frame.rename(columns={c: _label(c) for c in frame.columns})
    # The entered indicators beside the measured ones, marked "ingevoerd" in their header.
    for label, mine in _entered_series(data):
        by_period = {row.period: row for row in mine.itertuples()}
        values = [by_period[p].value if p in by_period else float("nan") for p in data.rows["period"]]
        units = [by_period[p].unit if p in by_period else "" for p in data.rows["period"]]
        frame[t("kt.entered.col_value", label=label)] = pd.Series(values, dtype=float, index=frame.index)
        frame[t("kt.entered.col_unit", label=label)] = units
    return frame


def _entered_series(data: Borging) -> list[tuple[str, pd.DataFrame]]:
    """The entered figures per indicator (and per programme when the report covers several)."""
    typed = data.entered
    if typed.empty:
        return []
    titles = {p.id: p.title for p in library().programs.values()}
    several = typed["program"].nunique() > 1
    series = []
    for (program, _indicator), mine in typed.groupby(["program", "indicator"], sort=False):
        label = str(mine.iloc[0]["label"])
        series.append((f"{label} – {titles.get(program, program)}" if several and program else label, mine))
    return series


def before_after_sheet(data: Borging) -> pd.DataFrame:
    frame = data.before_after.drop(columns=["item_key"], errors="ignore").copy()
    for column in ("mean_before", "mean_after", "mean_change", "statistic"):
        if column in frame:
            frame[column] = frame[column].astype(float).round(2)
    labels = {"period": t("kt.col.period")}
    labels.update({c: t(f"col.{c}") for c in frame.columns if c != "period"})
    return frame.rename(columns=labels)


def conditions_sheet(data: Borging) -> pd.DataFrame:
    """The latest score of every condition, per programme, with the remark as typed."""
    titles = {p.id: p.title for p in library().programs.values()}
    rows = []
    for program_id, progress in data.conditions.items():
        if not progress.rounds:
            continue
        for status in progress.statuses:
            rows.append(
                (
                    titles.get(program_id, program_id),
                    status.group,
                    status.text,
                    t(f"kt.score.{status.score}") if status.score else t("kt.score.open"),
                    t(f"kt.score.{status.previous}") if status.previous else "",
                    status.remark,
                    f"{status.scored_at:%d-%m-%Y}" if status.scored_at else "",
                    "ja" if status.old_text is not None else "",
                )
            )
    return pd.DataFrame(
        rows,
        columns=[
            t("kt.report.program"),
            t("kt.col.group"),
            t("kt.col.condition"),
            t("kt.col.score"),
            t("kt.col.previous"),
            t("kt.col.remark"),
            t("kt.col.scored_at"),
            t("kt.col.changed"),
        ],
    )


def costs_sheet(data: Borging) -> pd.DataFrame:
    """Every saved estimate: each line with its formula, origin and amount; the totals per year and
    over the run; the source's guide amount and how the estimate relates to it."""
    formats = library().costs
    rows: list[tuple[str, str, str, str, float | None]] = []
    for format_id, estimate in data.estimates.items():
        fmt = formats[format_id]
        rows += [(fmt.title, line.label, line.formula, line.origin, line.amount) for line in estimate.lines]
        if estimate.total is None:
            rows.append((fmt.title, t("kt.col.total"), "", t("kt.cost.no_total"), None))
        rows += [(fmt.title, label, "", "", amount) for label, amount in costs_lib.total_rows(estimate)]
        if fmt.example_total:
            said = " ".join(part for part in (costs_lib.relation(estimate), fmt.example_note or "") if part)
            rows.append((fmt.title, t("kt.cost.example_row"), "", said, float(fmt.example_total)))
        elif fmt.example_note:
            rows.append((fmt.title, t("kt.cost.example_row"), "", fmt.example_note, None))
    return pd.DataFrame(
        rows,
        columns=[
            t("kt.col.format"),
            t("kt.col.line"),
            t("kt.col.formula"),
            t("kt.cost.origin_col"),
            t("kt.col.amount"),
        ],
    )


def entered_sheet(data: Borging) -> pd.DataFrame:
    """Every entered figure shown: its period, value, unit, remark as typed and when it was entered."""
    titles = {p.id: p.title for p in library().programs.values()}
    rows = [
        (
            row.period,
            row.label,
            row.value,
            row.unit,
            row.remark,
            f"{row.entered_at:%d-%m-%Y %H:%M}",
            t("kt.entered.mark"),
            titles.get(row.program, row.program) or t("kt.entered.any_program"),
        )
        for row in data.entered.itertuples()
    ]
    return pd.DataFrame(
        rows,
        columns=[
            t("kt.col.period"),
            t("kt.entered.col_indicator"),
            t("kt.entered.col_number"),
            t("kt.entered.col_unit_short"),
            t("kt.col.remark"),
            t("kt.entered.col_at"),
            t("kt.entered.col_source"),
            t("kt.report.program"),
        ],
    )


def planning_sheet(data: Borging) -> pd.DataFrame:
    """The planning month by month from its start month: ■ where planned, trainings placed, overdue marked."""
    line = data.planning
    if line is None:
        return pd.DataFrame(columns=[t("kt.plan.col_phase"), t("kt.plan.activity"), t("kt.plan.col_state")])
    labels = [planning_lib.month_label(m) for m in line.months]
    rows = []
    for row in line.rows:
        state = f"⚠ {t('kt.plan.overdue')}" if row.overdue else (f"✓ {t('kt.plan.done')}" if row.done else "")
        rows.append([row.phase, row.text, state] + ["■" if m in row.months else "" for m in range(1, len(labels) + 1)])
    rows.append(
        ["", t("kt.plan.trainings"), ""]
        + [", ".join(tr.name for tr in line.trainings.get(m, ())) for m in range(1, len(labels) + 1)]
    )
    return pd.DataFrame(rows, columns=[t("kt.plan.col_phase"), t("kt.plan.activity"), t("kt.plan.col_state")] + labels)


def summary_sheet(data: Borging, now: datetime) -> pd.DataFrame:
    program = (
        library().programs[data.program_id].title
        if data.program_id in library().programs
        else (data.program_id or t("kt.all_programs"))
    )
    rows = [
        (t("kt.report.org"), data.organisation),
        (t("kt.report.program"), program),
        (t("kt.report.period"), f"{data.date_from:%d-%m-%Y} t/m {data.date_to:%d-%m-%Y}"),
        (t("kt.report.per"), t(f"kt.period.{data.per}")),
        (t("kt.report.target"), data.target_per_year if data.target_per_year else "–"),
        (t("kt.report.created"), f"{now:%d-%m-%Y %H:%M}"),
        (t("kt.report.note"), t("kt.report.no_names")),
    ]
    if data.plan_choice is not None:
        choice = data.plan_choice
        rows += [
            (t("kt.report.planning"), choice.plan.title),
            (
                t("kt.report.plan_start"),
                planning_lib.month_label(choice.start)
                + " "
                + t("kt.report.start_saved" if choice.saved else "kt.report.start_default"),
            ),
        ]
    rows += [(t("kt.report.note"), note) for note in data.notes]
    return pd.DataFrame(rows, columns=[t("col.what"), t("col.value_summary")])


def sheets(data: Borging, now: datetime) -> dict[str, pd.DataFrame]:
    """The report's tables by Dutch sheet name, in order."""
    return {
        t("kt.sheet.summary"): summary_sheet(data, now),
        t("kt.sheet.indicators"): indicator_sheet(data),
        t("kt.sheet.before_after"): before_after_sheet(data),
        t("kt.sheet.conditions"): conditions_sheet(data),
        t("kt.sheet.costs"): costs_sheet(data),
        t("kt.sheet.planning"): planning_sheet(data),
        t("kt.sheet.entered"): entered_sheet(data),
    }


def chart_section(data: Borging) -> str:
    """One bar chart per indicator over the periods (shared by the page and the HTML report)."""
    labels = list(data.rows["period"])
    parts = []
    for column in indicators.CHARTED:
        values = [float(v) for v in data.rows[column]]
        target = None
        if column == "trainings_held" and data.target_per_year:
            target = float(data.rows["trainings_target"].iloc[0])
        chart = charts.period_chart(labels, values, _label(column).replace(" (%)", ""), target, column in PERCENT)
        parts.append(f"<div class='pz-indicator-chart' data-indicator='{column}'>{chart}</div>")
    for label, mine in _entered_series(data):
        unit = mine.iloc[-1]["unit"]  # one unit per chart: a figure in another unit gets no bar
        by_period = {row.period: row.value for row in mine.itertuples() if row.unit == unit}
        values = [float(by_period.get(p, float("nan"))) for p in labels]
        title = t("kt.entered.chart", label=label, unit=unit)
        parts.append(
            f"<div class='pz-indicator-chart pz-entered-chart' data-indicator='{mine.iloc[0]['indicator']}'>"
            f"{charts.period_chart(labels, values, title, None, False)}</div>"
        )
    return "".join(parts)


def html_report(data: Borging, now: datetime) -> str:
    """One self-contained HTML page (inline SVG, no external resources) that prints on A4."""
    title = t("kt.report.title", org=data.organisation)
    parts = [
        f"<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{base.HTML_STYLE}</style></head><body><h1>{escape(title)}</h1>",
        base.html_table(summary_sheet(data, now)),
    ]
    parts += [f"<p class='note'>{escape(note)}</p>" for note in data.notes]
    parts.append(f"<h2>{escape(t('kt.borging.charts'))}</h2>{chart_section(data)}")
    for name, frame in list(sheets(data, now).items())[1:]:
        empty = {
            t("kt.sheet.conditions"): t("kt.report.no_conditions"),
            t("kt.sheet.costs"): t("kt.report.no_costs"),
            t("kt.sheet.planning"): t("kt.report.no_planning"),
            t("kt.sheet.entered"): t("kt.report.no_entered"),
        }
        body = (
            base.html_table(frame)
            if not frame.empty
            else f"<p class='note'>{escape(empty.get(name, t('html.no_answers')))}</p>"
        )
        parts.append(f"<h2>{escape(name)}</h2>{body}")
    parts.append("</body></html>")
    return "".join(parts)


def html_table_of(frame: pd.DataFrame) -> str:
    """A report table as escaped HTML for the page (decimal commas), or a note when it is empty."""
    if frame.empty:
        return f"<p class='pz-note'>{escape(t('html.no_answers'))}</p>"
    return base.html_table(frame, "pz-table")


def write(data: Borging, fmt: str, out: Path, now: datetime, overwrite: bool = False) -> Path:
    """Write the management report as ``fmt`` (xlsx, csv or html) to ``out``; returns what was written.

    The same rules as every export (:func:`pztraining.reports.export.write`): atomic, never over an
    existing file unless ``overwrite``, a CSV folder in a new subfolder when ``out`` holds other files.
    """
    out = Path(out)
    if fmt == "xlsx":
        return base.write_frames_xlsx(sheets(data, now), out, overwrite)
    if fmt == "csv":
        return base.write_frames_csv(sheets(data, now), out, now, overwrite, t("borging.csv_folder"))
    if fmt == "html":
        page = html_report(data, now)
        return base._atomic_file(out, lambda target: target.write_text(page, encoding="utf-8"), overwrite)
    raise ExportError(t("export.format", format=fmt))


__all__ = [
    "FORMATS",
    "chart_section",
    "entered_sheet",
    "html_report",
    "html_table_of",
    "planning_sheet",
    "sheets",
    "write",
]
