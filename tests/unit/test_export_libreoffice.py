"""Exports opened in a real spreadsheet (LibreOffice Calc, nl-NL) and read back cell by cell.

Both reports: the results export and the kartrekker's borging report. The workbook is opened as it
is; the CSV folder is imported twice: with the Dutch settings the export is made for (semicolon, ",
UTF-8, Dutch) and with the import dialog's defaults (tab, comma and semicolon all ticked). In every
sheet: no formula anywhere, every number a number, every text exactly as typed (in a CSV with the
leading quote that keeps a formula-like answer text, and a text that is only digits read as that
number, as any CSV import does).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from pztraining.reports import borging as borging_export
from pztraining.reports import export
from pztraining.services.kartrekker import gather
from pztraining.services.kartrekker.planning import MONTH_NAMES
from tests import libreoffice
from tests.unit.test_export_readable import with_open_answers
from tests.unit.test_kartrekker_indicators import AMSTERDAM, ORG, TODAY, fill_organisation
from tests.unit.test_report import NOW as FILLED

pytestmark = pytest.mark.libreoffice

NOW = datetime(2026, 11, 23, 10, 0)
#: What participants typed: formulas, separators, quotes, line breaks, tabs, spaces, non-ASCII.
TYPED = [
    "=1+1",
    "\t=1+1",
    "=cmd|' /C calc'!A0",
    "+31 6 12345678",
    "-niets-",
    "@SUM(A1:A9)",
    "eerste regel\ntweede regel",
    "met, komma en; puntkomma",
    'zei "hallo" en ging',
    "tab\tin het midden",
    "  spaties eromheen  ",
    "café ‘citaat’ — ½ 😀",
    "1,5 uur",
    "3,86",
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Each report's sheets, and its files as LibreOffice read them: {report: (sheets, {settings: {name: xlsx}})}.

    Three soffice runs in all: the two workbooks, then the two CSV folders with each import's settings.
    """
    from pztraining.store import Store

    soffice = libreoffice.soffice_or_skip()
    folder = tmp_path_factory.mktemp("lo")
    store = Store(f"sqlite:///{folder / 'pz.db'}")
    try:
        bundle = with_open_answers(store, TYPED)
        fill_organisation(store)
        store.add_condition_scores(
            ORG,
            "mysupport",
            [("looptijd", 1, "De looptijd ligt vast.", "gedeeltelijk", "\t=1+1\nen een tweede regel")],
            FILLED,
        )
        borging = gather.borging(
            store, ORG, date(2026, 1, 1), date(2026, 12, 31), TODAY, AMSTERDAM, program_id="mysupport"
        )
    finally:
        store.close()
    reports = {
        "resultaten": (export.sheets(bundle, False, NOW), lambda fmt, out: export.write(bundle, fmt, out, False, NOW)),
        "borging": (borging_export.sheets(borging, NOW), lambda fmt, out: borging_export.write(borging, fmt, out, NOW)),
    }
    workbooks, csv_files = {}, {}
    for report, (_, write) in reports.items():
        workbooks[report] = write("xlsx", folder / f"{report}.xlsx")
        for path in write("csv", folder / report).glob("*.csv"):
            csv_files[f"{report}-{path.name}"] = path.rename(folder / f"{report}-{path.name}")  # one name each
    read = {"xlsx": libreoffice.convert(soffice, list(workbooks.values()), folder / "lo-xlsx")}
    for settings, separators in (
        ("csv-nl", (libreoffice.SEMICOLON,)),
        ("csv-dialog", (libreoffice.TAB, libreoffice.COMMA, libreoffice.SEMICOLON)),
    ):
        read[settings] = libreoffice.convert(
            soffice, list(csv_files.values()), folder / f"lo-{settings}", libreoffice.csv_options(separators)
        )
    return {
        report: (
            sheets,
            {
                "xlsx": {"": read["xlsx"][workbooks[report]]},
                **{
                    settings: {
                        path.name.removeprefix(f"{report}-"): result
                        for path, result in read[settings].items()
                        if path.name.startswith(f"{report}-")
                    }
                    for settings in ("csv-nl", "csv-dialog")
                },
            },
        )
        for report, (sheets, _) in reports.items()
    }


def _rows(sheet) -> list[list]:
    """Every row as (value, type) pairs, trailing empty cells and rows dropped."""
    rows = []
    for row in sheet.iter_rows():
        cells = [(c.value, c.data_type) for c in row]
        while cells and cells[-1][0] is None:
            cells.pop()
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _expected_cell(value, csv: bool):
    """What a spreadsheet must show for ``value``: None, a number, a date, or exactly this text."""
    if _missing(value) or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, date):  # a date is a date cell, in the workbook and in a CSV import
        return datetime(value.year, value.month, value.day)
    text = str(value)
    if not csv:
        return text
    text = "'" + text if text.startswith(export.FORMULA_STARTS) else text
    if re.fullmatch(r"-?\d+(,\d+)?", text):  # a CSV cannot say "text": digits are read as the number
        return float(text.replace(",", "."))
    if re.fullmatch(r"\d\d-\d\d-\d{4}( \d\d:\d\d)?", text):  # a Dutch date (the report's "made on")
        return datetime.strptime(text, "%d-%m-%Y %H:%M" if " " in text else "%d-%m-%Y")
    month = re.fullmatch(r"([a-z]{3}) (\d{4})", text)
    if month and month.group(1) in MONTH_NAMES:  # a Dutch month ("dec 2025", the planning's columns) is that month
        return datetime(int(month.group(2)), MONTH_NAMES.index(month.group(1)) + 1, 1)
    return text


def _check(frame: pd.DataFrame, sheet, csv: bool, where: str) -> None:
    rows = _rows(sheet)
    expected = [[_expected_cell(c, csv) for c in frame.columns]]
    expected += [[_expected_cell(v, csv) for v in row] for row in frame.astype(object).itertuples(index=False)]
    for row in expected:
        while row and row[-1] is None:
            row.pop()
    assert len(rows) == len(expected), f"{where}: {len(rows)} rows, expected {len(expected)}"
    for number, (got, want) in enumerate(zip(rows, expected), start=1):
        assert len(got) == len(want), f"{where} row {number}: {got} != {want}"
        for column, ((value, kind), wanted) in enumerate(zip(got, want), start=1):
            place = f"{where} row {number} column {column}"
            assert kind != "f", f"{place}: a formula {value!r}"
            if wanted is None:
                assert value is None or value == "", f"{place}: {value!r}, expected an empty cell"
            elif isinstance(wanted, datetime):
                assert kind == "d" and value == wanted, f"{place}: {value!r} ({kind}), expected the date {wanted}"
            elif isinstance(wanted, float):
                assert kind == "n" and value == pytest.approx(wanted), f"{place}: {value!r} ({kind}), expected {wanted}"
            else:
                assert kind == "s" and value == wanted, f"{place}: {value!r} ({kind}), expected the text {wanted!r}"


@pytest.mark.parametrize("report", ["resultaten", "borging"])
def test_every_cell_of_the_workbook_reads_back_in_libreoffice_as_typed_and_no_formula(exported, report):
    sheets, read = exported[report]
    book = openpyxl.load_workbook(read["xlsx"][""])
    assert book.sheetnames == [name[:31] for name in sheets]
    for name, frame in sheets.items():
        _check(frame, book[name[:31]], csv=False, where=f"{report}.xlsx {name}")


@pytest.mark.parametrize("report", ["resultaten", "borging"])
@pytest.mark.parametrize("settings", ["csv-nl", "csv-dialog"])
def test_every_cell_of_the_csv_folder_reads_back_in_libreoffice_as_typed_and_no_formula(exported, report, settings):
    sheets, read = exported[report]
    converted = read[settings]
    assert sorted(converted) == sorted(export._csv_name(name) for name in sheets)
    for name, frame in sheets.items():
        book = openpyxl.load_workbook(converted[export._csv_name(name)])
        _check(frame, book.active, csv=True, where=f"{report} {settings} {export._csv_name(name)}")
