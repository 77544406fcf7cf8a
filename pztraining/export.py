"""Write a report bundle as an Excel workbook, CSV files or one self-contained HTML page.

Every file is written completely or not at all: we write to a temporary file next to
the target and rename it into place. Headers and sheet names are Dutch (from texts.py).
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Callable

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from . import charts
from .content import library
from .errors import ExportError
from .files import WriteError, atomic_file
from .os_errors import dutch_reason
from .results import Bundle
from .texts import t

FORMATS = ("xlsx", "csv", "html")

#: What a spreadsheet reads as the start of a formula; text starting so is written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Shown in a workbook cell instead of a control character that the xlsx format cannot hold.
REPLACEMENT_CHARACTER = "\ufffd"


#: Columns that count something: whole numbers in every format, also next to empty cells.
COUNT_COLUMNS = ("meeting", "n", "n_pairs", "answered", "paper_forms", "participants", "turns", "over_time",
                 "harder")


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    counts = [c for c in COUNT_COLUMNS if c in frame.columns]
    if counts:
        frame = frame.astype({c: "Int64" for c in counts})
    renamed = frame.rename(columns={c: t(f"col.{c}") for c in frame.columns if f"col.{c}" in _known()})
    # Two columns may get the same Dutch label (item/item_key): keep the first.
    return renamed.loc[:, ~renamed.columns.duplicated()]


def _known() -> set[str]:
    from .texts import NL

    return set(NL)


def _items_sheet(bundle: Bundle) -> pd.DataFrame:
    summary = bundle.summary.copy()
    if not bundle.counts.empty:
        wide = (bundle.counts.pivot_table(index=["program", "form", "item_key"], columns="label", values="count",
                                          aggfunc="sum", sort=False).reset_index())
        points = [c for c in wide.columns if c not in ("program", "form", "item_key")]
        wide[points] = wide[points].astype("Int64")  # counts stay whole numbers next to empty cells
        summary = summary.merge(wide, on=["program", "form", "item_key"], how="left")
    if not bundle.choices.empty:
        # The counts per option go on the item's own row (its n is already there), not on a second row.
        joined = (bundle.choices.assign(text=lambda f: f["option"] + ": " + f["count"].astype(str))
                  .groupby(["program", "form", "item_key"], sort=False)["text"]
                  .agg("; ".join).rename("choices").reset_index())
        summary = summary.merge(joined, on=["program", "form", "item_key"], how="left")
        summary.loc[summary["choices"].notna(), "item_type"] = t("export.choice")
    for column in ("mean", "median", "std", "share_agree"):
        if column in summary:
            summary[column] = summary[column].astype(float).round(2)
    return summary


def _summary_sheet(bundle: Bundle, with_names: bool, now: datetime) -> pd.DataFrame:
    scope = bundle.scope
    rows = [(t("summary.report"), scope.title),
            (t("summary.trainings"), ", ".join(f"{tr.name} ({tr.program_id})" for tr in scope.trainings) or "–")]
    if scope.date_from or scope.date_to:
        rows.append((t("summary.period"), f"{scope.date_from or '…'} t/m {scope.date_to or '…'}"))
    rows += [(t("summary.participants"), bundle.participants),
             (t("summary.submissions"), int(bundle.tidy["submission"].nunique()) if not bundle.tidy.empty else 0),
             (t("summary.created"), f"{now:%d-%m-%Y %H:%M}"),
             (t("summary.note"), t("summary.with_names") if with_names else t("summary.pseudonymized"))]
    rows += [(t("summary.note"), note) for note in bundle.notes]
    return pd.DataFrame(rows, columns=[t("col.what"), t("col.value_summary")])


def sheets(bundle: Bundle, with_names: bool, now: datetime) -> dict[str, pd.DataFrame]:
    """The tables of an export by Dutch sheet name, in order."""
    # The stored submission id stays out: "respondent" groups a form's answers without it.
    answers = bundle.tidy.drop(columns=["value", "training_id", "item", "submission"], errors="ignore")
    out = {
        t("sheet.summary"): _summary_sheet(bundle, with_names, now),
        t("sheet.items"): _labelled(_items_sheet(bundle)),
        t("sheet.before_after"): _labelled(pd.concat([bundle.before_after, bundle.pairs], ignore_index=True)
                                           if not bundle.pairs.empty else bundle.before_after),
        t("sheet.open"): _labelled(bundle.open),
        t("sheet.response"): _labelled(bundle.response),
        t("sheet.roleplay"): _labelled(bundle.roleplay),
        t("sheet.answers"): _labelled(answers),
    }
    if not bundle.changes.empty:
        out[t("sheet.changes")] = _labelled(bundle.changes)
    return out


def _atomic_file(path: Path, write: Callable[[Path], None]) -> None:
    try:
        atomic_file(path, write)
    except WriteError as exc:
        raise ExportError(t("export.cannot_write", path=exc.path, reason=exc.reason)) from None


def _texts(frame: pd.DataFrame, change: Callable[[str], str]) -> pd.DataFrame:
    columns = [c for c in frame.columns if frame[c].dtype == object]
    if not columns:
        return frame
    frame = frame.copy()
    for column in columns:
        frame[column] = frame[column].map(lambda v: change(v) if isinstance(v, str) else v)
    return frame


def _xlsx_text(value: str) -> str:
    # A control character such as a vertical tab is not allowed in the file (openpyxl refuses
    # the whole export); the store keeps it, the workbook shows a visible placeholder.
    return ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT_CHARACTER, value)


def _csv_text(value: str) -> str:
    # A CSV cell cannot say "this is text": the usual leading quote stops Excel from
    # running an answer like =cmd|' /C calc'!A0 as a formula.
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def write_xlsx(bundle: Bundle, path: Path, with_names: bool, now: datetime) -> None:
    """An Excel workbook (opens in Excel and LibreOffice) with one sheet per table."""
    write_frames_xlsx(sheets(bundle, with_names, now), path)


def write_frames_xlsx(frames: dict[str, pd.DataFrame], path: Path) -> None:
    """Tables by Dutch sheet name as one workbook, written atomically; text stays text (no formulas)."""
    def write(target: Path) -> None:
        with pd.ExcelWriter(target, engine="openpyxl") as writer:
            for name, frame in frames.items():
                _texts(frame, _xlsx_text).to_excel(writer, sheet_name=name[:31], index=False)
                sheet = writer.sheets[name[:31]]
                sheet.freeze_panes = "A2"
                for row in sheet.iter_rows():
                    for cell in row:
                        if cell.data_type == "f":  # openpyxl makes text starting with "=" a formula
                            cell.data_type = "s"
                for column in sheet.columns:
                    width = max([len(str(c.value)) for c in column[:200] if c.value is not None] + [8])
                    sheet.column_dimensions[column[0].column_letter].width = min(width + 2, 60)
    _atomic_file(path, write)


def _csv_name(sheet: str) -> str:
    return sheet.lower().replace(" ", "-") + ".csv"


def write_csv(bundle: Bundle, folder: Path, with_names: bool, now: datetime) -> None:
    """A folder with one CSV per table: ``;``-separated, UTF-8 with BOM, decimal comma (Dutch Excel)."""
    parent = folder.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=parent))
    except OSError as exc:
        raise ExportError(t("export.cannot_write", path=folder, reason=dutch_reason(exc))) from None
    try:
        for name, frame in sheets(bundle, with_names, now).items():
            _texts(frame, _csv_text).to_csv(temporary / _csv_name(name), sep=";", decimal=",",
                                            encoding="utf-8-sig", index=False)
        if folder.exists():
            old = parent / f".{folder.name}.old"
            shutil.rmtree(old, ignore_errors=True)
            os.replace(folder, old)
            os.replace(temporary, folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(temporary, folder)
    except OSError as exc:
        raise ExportError(t("export.cannot_write", path=folder, reason=dutch_reason(exc))) from None
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


HTML_STYLE = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 11pt; color: #1d232a; margin: 2em; }
h1 { font-size: 18pt; } h2 { font-size: 14pt; margin-top: 1.5em; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; font-size: 9.5pt; }
th, td { border-bottom: 1px solid #ccd; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eef1f4; }
tr, .pz-chart { page-break-inside: avoid; }
.note { color: #55606b; }
@page { size: A4; margin: 15mm; }
@media print { body { margin: 0; } }
"""


def html_report(bundle: Bundle, with_names: bool, now: datetime) -> str:
    """One self-contained HTML page: tables and inline SVG charts, no external resources."""
    title = t("html.title", title=bundle.scope.title)
    parts = [f"<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'><title>{escape(title)}</title>"
             f"<style>{HTML_STYLE}</style></head><body><h1>{escape(title)}</h1>"]
    parts.append(_table(_summary_sheet(bundle, with_names, now)))
    if bundle.tidy.empty:
        parts.append(f"<p class='note'>{escape(t('html.no_answers'))}</p>")
    parts.append(f"<h2>{escape(t('html.charts'))}</h2>")
    parts.append(chart_section(bundle))
    for name, frame in list(sheets(bundle, with_names, now).items())[1:]:
        if name == t("sheet.answers"):
            continue  # every single answer is in the Excel and CSV exports
        parts.append(f"<h2>{escape(name)}</h2>{_table(frame)}")
    parts.append("</body></html>")
    return "".join(parts)


def chart_section(bundle: Bundle) -> str:
    """The charts of a bundle as HTML (shared by the results page and the HTML export)."""
    parts = []
    titles = {form_id: form.title for form_id, form in library().forms.items()}
    agreement = bundle.counts[bundle.counts["item_type"] == "agreement"] if not bundle.counts.empty else bundle.counts
    for form, group in (agreement.groupby("form", sort=False) if not agreement.empty else []):
        parts.append(f"<h3>{escape(titles.get(form, form))}</h3>{charts.agreement_chart(group)}")
    scale10 = bundle.counts[bundle.counts["item_type"] == "scale10"] if not bundle.counts.empty else bundle.counts
    for (form, key), group in (scale10.groupby(["form", "item_key"], sort=False) if not scale10.empty else []):
        parts.append(charts.distribution_chart(group, f"{group['item_text'].iloc[0]} ({titles.get(form, form)})"))
    for key, group in (bundle.pairs.groupby("item_key", sort=False) if not bundle.pairs.empty else []):
        parts.append(charts.before_after_chart(group, f"{group['item_text'].iloc[0]}: voor en na"))
    return "".join(parts)


def _significant(value: float, digits: int = 2) -> str:
    """A number with at least two decimals and ``digits`` significant ones: 0,0019 not 0,00."""
    if pd.isna(value):
        return ""
    if value == 0:
        return "0,00"
    decimals = max(2, digits - 1 - math.floor(math.log10(abs(value))))
    return f"{value:.{decimals}f}".replace(".", ",")


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return f"<p class='note'>{escape(t('html.no_answers'))}</p>"
    return html_table(frame)


def html_table(frame: pd.DataFrame, classes: str | None = None) -> str:
    """A frame with Dutch headers as an escaped HTML table: decimal commas, p-values in significant digits."""
    p_values = {t("col.p_value"): _significant} if t("col.p_value") in frame.columns else None
    return frame.to_html(index=False, escape=True, na_rep="", classes=classes, formatters=p_values,
                         float_format=lambda v: f"{v:.2f}".replace(".", ","))


def write_html(bundle: Bundle, path: Path, with_names: bool, now: datetime) -> None:
    """The HTML report, written atomically."""
    page = html_report(bundle, with_names, now)
    _atomic_file(path, lambda target: target.write_text(page, encoding="utf-8"))


def write(bundle: Bundle, fmt: str, out: Path, with_names: bool, now: datetime) -> None:
    """Write ``bundle`` as ``fmt`` (xlsx, csv or html) to ``out``."""
    writers = {"xlsx": write_xlsx, "csv": write_csv, "html": write_html}
    if fmt not in writers:
        raise ExportError(t("export.format", format=fmt))
    writers[fmt](bundle, Path(out), with_names, now)
