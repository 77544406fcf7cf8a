"""LibreOffice Calc headless (Debian's libreoffice-calc-nogui): open a file as a spreadsheet would.

``convert`` opens files the way Calc's File > Open does, with a CSV import's settings given as a
filter options string, and saves them as .xlsx for openpyxl to read every cell back. One soffice
run converts several files; each run costs one to six seconds (a private profile per run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import tests.required

#: Calc's CSV import filter.
CSV_FILTER = "Text - txt - csv (StarCalc)"
#: Tokens of the CSV import options (LibreOffice help, "CSV Filter Options").
TAB, COMMA, SEMICOLON, DOUBLE_QUOTE, UTF8, DUTCH_NL = 9, 44, 59, 34, 76, 1043
TIMEOUT_SECONDS = 120


def csv_options(separators: tuple[int, ...], language: int = DUTCH_NL) -> str:
    """A CSV import options string: separators, text delimiter ", UTF-8, from line 1, standard columns.

    The tokens after the language are left out, so the import's own defaults apply (formulas are
    evaluated, quoted fields are not forced to text, special numbers are not detected), as in the
    dialog when it opens.
    """
    return f"{'/'.join(map(str, separators))},{DOUBLE_QUOTE},{UTF8},1,,{language}"


def find_soffice() -> str | None:
    """The soffice to run ($PZ_SOFFICE, else on PATH), or None."""
    configured = os.environ.get("PZ_SOFFICE")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def soffice_or_skip() -> str:
    """soffice; where there is none, skip the test, or fail it when LibreOffice is required."""
    found = find_soffice()
    if found is not None:
        return found
    tests.required.missing("LibreOffice", "libreoffice-calc-nogui", "PZ_REQUIRE_LIBREOFFICE")


def convert(soffice: str, files: list[Path], out: Path, infilter: str | None = None) -> dict[Path, Path]:
    """Open ``files`` in Calc (with ``infilter`` options for CSV) and save each as .xlsx in ``out``.

    Returns each input with its converted file; fails with soffice's output when one is missing.
    """
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pz-soffice-") as profile:
        command = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore"]
        if infilter is not None:
            command.append(f"--infilter={CSV_FILTER}:{infilter}")
        command += ["--convert-to", "xlsx", "--outdir", str(out), *map(str, files)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    converted = {path: out / (path.stem + ".xlsx") for path in files}
    missing = [str(path) for path, result in converted.items() if not result.is_file()]
    if missing:
        raise AssertionError(f"soffice converted nothing for {missing}: {done.stdout}\n{done.stderr}")
    return converted
