"""Write a report bundle as an Excel workbook, CSV files or one self-contained HTML page.

Every file is written completely or not at all, and an existing file is replaced only when
asked (:mod:`pztraining.core.files`). Headers, sheet names and yes/no are Dutch (from texts.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pztraining.content import library
from pztraining.core.errors import ExportError
from pztraining.core.files import WriteError, atomic_file, write_folder
from pztraining.core.texts import t
from pztraining.reports import charts
from pztraining.services.results import Bundle

FORMATS = ("xlsx", "csv", "html")

#: What a spreadsheet reads as the start of a formula; text starting so is written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Shown in a workbook cell instead of a control character that the xlsx format cannot hold.
REPLACEMENT_CHARACTER = "\ufffd"


#: Columns that count something: whole numbers in every format, also next to empty cells.
COUNT_COLUMNS = ("meeting", "n", "n_pairs", "answered", "paper_forms", "participants", "turns", "over_time", "harder")


#: Figures shown with two decimals in every sheet, as the Items sheet always did.
ROUNDED_COLUMNS = (
    "mean",
    "median",
    "std",
    "share_agree",
    "mean_before",
    "mean_after",
    "mean_change",
    "statistic",
    "rate",
)


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    counts = [c for c in COUNT_COLUMNS if c in frame.columns]
    if counts:
        frame = frame.astype(dict.fromkeys(counts, "Int64"))
    rounded = [c for c in ROUNDED_COLUMNS if c in frame.columns]
    if rounded:
        frame = frame.astype(dict.fromkeys(rounded, float)).round(dict.fromkeys(rounded, 2))
    frame = yes_no(frame)
    renamed = frame.rename(columns={c: t(f"col.{c}") for c in frame.columns if f"col.{c}" in _known()})
    # Two columns may get the same Dutch label (item/item_key): keep the first.
    return renamed.loc[:, ~renamed.columns.duplicated()]


def yes_no(frame: pd.DataFrame) -> pd.DataFrame:
    """True/False shown as the Dutch "ja"/"nee" (a reader of the CSV or the page sees no English)."""

    def has_flags(column: pd.Series) -> bool:
        return bool(pd.api.types.is_bool_dtype(column) or (column.dtype == object and column.map(type).eq(bool).any()))

    flags = [c for c in frame.columns if has_flags(frame[c])]
    if not flags:
        return frame
    frame = frame.copy()
    words = {True: t("export.yes"), False: t("export.no")}
    for column in flags:
        frame[column] = (
            frame[column].astype(object).map(lambda v: words[bool(v)] if isinstance(v, (bool, np.bool_)) else v)
        )
    return frame


def _known() -> set[str]:
    from pztraining.core.texts import NL

    return set(NL)


def _items_sheet(bundle: Bundle) -> pd.DataFrame:
    summary = bundle.summary.copy()
    if not bundle.counts.empty:
        wide = bundle.counts.pivot_table(
            index=["program", "form", "item_key"], columns="label", values="count", aggfunc="sum", sort=False
        ).reset_index()
        points = [c for c in wide.columns if c not in ("program", "form", "item_key")]
        wide[points] = wide[points].astype("Int64")  # counts stay whole numbers next to empty cells
        summary = summary.merge(wide, on=["program", "form", "item_key"], how="left")
    if not bundle.choices.empty:
        # The counts per option go on the item's own row (its n is already there), not on a second row.
        joined = (
            bundle.choices.assign(text=lambda f: f["option"] + ": " + f["count"].astype(str))
            .groupby(["program", "form", "item_key"], sort=False)["text"]
            .agg("; ".join)
            .rename("choices")
            .reset_index()
        )
        summary = summary.merge(joined, on=["program", "form", "item_key"], how="left")
        summary.loc[summary["choices"].notna(), "item_type"] = t("export.choice")
    return summary


def _summary_sheet(bundle: Bundle, with_names: bool, now: datetime) -> pd.DataFrame:
    scope = bundle.scope
    rows: list[tuple[str, object]] = [
        (t("summary.report"), scope.title),
        (t("summary.trainings"), ", ".join(f"{tr.name} ({tr.program_id})" for tr in scope.trainings) or "–"),
    ]
    if scope.date_from or scope.date_to:
        rows.append((t("summary.period"), f"{scope.date_from or '…'} t/m {scope.date_to or '…'}"))
    rows += [
        (t("summary.participants"), bundle.participants),
        (t("summary.submissions"), int(bundle.tidy["submission"].nunique()) if not bundle.tidy.empty else 0),
        (t("summary.created"), f"{now:%d-%m-%Y %H:%M}"),
        (t("summary.note"), t("summary.with_names") if with_names else t("summary.pseudonymized")),
    ]
    rows += [(t("summary.note"), note) for note in bundle.notes]
    return pd.DataFrame(rows, columns=[t("col.what"), t("col.value_summary")])


def sheets(bundle: Bundle, with_names: bool, now: datetime) -> dict[str, pd.DataFrame]:
    """The tables of an export by Dutch sheet name, in order."""
    # The stored submission id stays out: "respondent" groups a form's answers without it.
    answers = bundle.tidy.drop(columns=["value", "training_id", "item", "submission"], errors="ignore")
    out = {
        t("sheet.summary"): _summary_sheet(bundle, with_names, now),
        t("sheet.items"): _labelled(_items_sheet(bundle)),
        t("sheet.before_after"): _labelled(
            pd.concat([bundle.before_after, bundle.pairs], ignore_index=True)
            if not bundle.pairs.empty
            else bundle.before_after
        ),
        t("sheet.open"): _labelled(bundle.open),
        t("sheet.response"): _labelled(bundle.response),
        t("sheet.roleplay"): _labelled(bundle.roleplay),
        t("sheet.answers"): _labelled(answers),
    }
    if not bundle.changes.empty:
        out[t("sheet.changes")] = _labelled(bundle.changes)
    return out


def _atomic_file(path: Path, write: Callable[[Path], object], overwrite: bool) -> Path:
    try:
        atomic_file(path, write, overwrite=overwrite)
    except WriteError as exc:
        raise ExportError(t("export.cannot_write", path=exc.path, reason=exc.reason)) from None
    return path


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
    return str(ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT_CHARACTER, value))


def _csv_text(value: str) -> str:
    # A CSV cell cannot say "this is text": the usual leading quote stops Excel from
    # running an answer like =cmd|' /C calc'!A0 as a formula.
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cell(
    value: object, integer: Callable[[int], str], decimal: Callable[[float], str], text: Callable[[str], str]
) -> str:
    """One cell as text for a file: empty when missing, yes/no in Dutch, numbers and text each their way."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return text(t("export.yes") if value else t("export.no"))
    if isinstance(value, (int, np.integer)):
        return integer(int(value))
    if isinstance(value, (float, np.floating)):
        return decimal(float(value))
    return text(str(value))


def _csv_cell(value: object) -> str:
    """One field: text always between double quotes, numbers with a decimal comma, empty as nothing.

    Quoting every text keeps a tab, comma or line break inside an answer in its cell whichever
    separators an import ticks (LibreOffice's dialog ticks tab, comma and semicolon); a number
    with a decimal comma is quoted for the same reason and still read as a number. Never an
    exponent (1e-05): an import reads "scientific notation" as text unless told otherwise.
    """
    return _cell(
        value,
        str,
        lambda v: _quoted(np.format_float_positional(v, trim="-").replace(".", ",")),
        lambda v: _quoted(_csv_text(v)),
    )


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def csv_text(frame: pd.DataFrame) -> str:
    """A table as Dutch CSV text: ``;``-separated, header first, lines ending in CRLF."""
    lines = [";".join(_quoted(_csv_text(str(c))) for c in frame.columns)]
    for row in frame.astype(object).itertuples(index=False, name=None):
        lines.append(";".join(_csv_cell(value) for value in row))
    return "\r\n".join(lines) + "\r\n"


def write_xlsx(bundle: Bundle, path: Path, with_names: bool, now: datetime, overwrite: bool = False) -> Path:
    """An Excel workbook (opens in Excel and LibreOffice) with one sheet per table."""
    return write_frames_xlsx(sheets(bundle, with_names, now), path, overwrite)


def write_frames_xlsx(frames: dict[str, pd.DataFrame], path: Path, overwrite: bool = False) -> Path:
    """Tables by Dutch sheet name as one workbook, written atomically; text stays text (no formulas).

    An existing file is replaced only when ``overwrite`` (else :class:`~pztraining.core.files.AlreadyExists`).
    """

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

    return _atomic_file(path, write, overwrite)


def _csv_name(sheet: str) -> str:
    return sheet.lower().replace(" ", "-") + ".csv"


def write_csv(bundle: Bundle, folder: Path, with_names: bool, now: datetime, overwrite: bool = False) -> Path:
    """A folder with one CSV per table (see :func:`write_frames_csv`); returns the folder written."""
    return write_frames_csv(sheets(bundle, with_names, now), folder, now, overwrite, t("export.csv_folder"))


def write_frames_csv(
    frames: dict[str, pd.DataFrame], folder: Path, now: datetime, overwrite: bool = False, stem: str = "export"
) -> Path:
    """One CSV per table in ``folder``: ``;``-separated, UTF-8 with BOM, decimal comma (Dutch Excel).

    Only these files are added: when ``folder`` holds anything else they go into a new subfolder
    ``<stem>-YYYY-MM-DD-HHMM`` (``now``, local time), which is returned; nothing is moved or deleted.
    A file of the same name is replaced only when ``overwrite``.
    """

    def writer(frame: pd.DataFrame) -> Callable[[Path], object]:
        return lambda target: target.write_text(csv_text(frame), encoding="utf-8-sig", newline="")

    writers = {_csv_name(name): writer(frame) for name, frame in frames.items()}
    try:
        return write_folder(Path(folder), writers, stem, now, overwrite=overwrite)
    except WriteError as exc:
        raise ExportError(t("export.cannot_write", path=exc.path, reason=exc.reason)) from None


HTML_STYLE = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 11pt; color: #1d232a; margin: 2em; }
h1 { font-size: 18pt; } h2 { font-size: 14pt; margin-top: 1.5em; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; font-size: 9.5pt; }
th, td { border-bottom: 1px solid #ccd; padding: 3px 6px; text-align: left; vertical-align: top; }
td { white-space: pre-wrap; }
th { background: #eef1f4; }
tr, .pz-chart { page-break-inside: avoid; }
.note { color: #55606b; }
@page { size: A4; margin: 15mm; }
@media print { body { margin: 0; } }
"""


def html_report(bundle: Bundle, with_names: bool, now: datetime) -> str:
    """One self-contained HTML page: tables and inline SVG charts, no external resources."""
    title = t("html.title", title=bundle.scope.title)
    parts = [
        f"<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{HTML_STYLE}</style></head><body><h1>{escape(title)}</h1>"
    ]
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
    for form, group in agreement.groupby("form", sort=False) if not agreement.empty else []:
        parts.append(f"<h3>{escape(titles.get(form, form))}</h3>{charts.agreement_chart(group)}")
    scale10 = bundle.counts[bundle.counts["item_type"] == "scale10"] if not bundle.counts.empty else bundle.counts
    for (form, _key), group in scale10.groupby(["form", "item_key"], sort=False) if not scale10.empty else []:
        parts.append(charts.distribution_chart(group, f"{group['item_text'].iloc[0]} ({titles.get(form, form)})"))
    for _key, group in bundle.pairs.groupby("item_key", sort=False) if not bundle.pairs.empty else []:
        parts.append(charts.before_after_chart(group, t("export.chart_before_after", item=group["item_text"].iloc[0])))
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
    """A frame with Dutch headers as an escaped HTML table: decimal commas, p-values in significant digits.

    A line break in a cell is a line break (``<br>``), a tab stays whitespace (cells are
    ``white-space: pre-wrap``); neither is ever shown as a literal ``\\n`` or ``\\t``.
    """
    p_column = t("col.p_value")
    head = "".join(f"<th>{_html_text(str(c))}</th>" for c in frame.columns)
    rows = []
    for row in frame.astype(object).itertuples(index=False, name=None):
        cells = (_html_cell(value, column == p_column) for column, value in zip(frame.columns, row))
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    css = "dataframe" + (f" {classes}" if classes else "")
    return (
        f'<table border="1" class="{css}"><thead><tr style="text-align: right;">{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _html_cell(value: object, p_value: bool) -> str:
    def two_decimals(v: float) -> str:
        return f"{v:.2f}".replace(".", ",")

    return _cell(value, str, _significant if p_value else two_decimals, _html_text)


def _html_text(text: str) -> str:
    return escape(text).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def write_html(bundle: Bundle, path: Path, with_names: bool, now: datetime, overwrite: bool = False) -> Path:
    """The HTML report, written atomically; replaces an existing file only when ``overwrite``."""
    page = html_report(bundle, with_names, now)
    return _atomic_file(path, lambda target: target.write_text(page, encoding="utf-8"), overwrite)


def write(bundle: Bundle, fmt: str, out: Path, with_names: bool, now: datetime, overwrite: bool = False) -> Path:
    """Write ``bundle`` as ``fmt`` (xlsx, csv or html) to ``out``; returns the file or folder written.

    Never replaces a file unless ``overwrite``; a CSV folder goes into a new subfolder of ``out``
    when ``out`` already holds other files (``now`` is local time: the report's date and that name).
    """
    writers = {"xlsx": write_xlsx, "csv": write_csv, "html": write_html}
    if fmt not in writers:
        raise ExportError(t("export.format", format=fmt))
    return writers[fmt](bundle, Path(out), with_names, now, overwrite)
