"""An export offered as a download link, under a file name this page has not offered before.

The file is written to a private temporary folder and sent inline (a ``data:`` link), so
the trainer server needs no file route and no file on the laptop is ever written over. Each
click gets its own name (to the second, ``-2``, ``-3`` … within one second), so a browser
that saves without asking never meets the previous export under the same name.
"""

from __future__ import annotations

import base64
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from pztraining.ui.common import esc

MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
    "csv": "application/zip",
    "pdf": "application/pdf",
    "ics": "text/calendar",
}


class Downloads:
    """The download names one page has offered; every new export gets a fresh one."""

    def __init__(self) -> None:
        self.offered: set[str] = set()

    def fresh_name(self, stem: str, fmt: str, now: datetime) -> str:
        """``<stem>-YYYYMMDD-HHMMSS.<ext>`` (local ``now``), numbered when that name was offered already."""
        extension = "zip" if fmt == "csv" else fmt
        base = f"{stem}-{now:%Y%m%d-%H%M%S}"
        name, number = f"{base}.{extension}", 1
        while name in self.offered:
            number += 1
            name = f"{base}-{number}.{extension}"
        self.offered.add(name)
        return name

    def link(
        self,
        write: Callable[[Path], Path],
        fmt: str,
        stem: str,
        now: datetime,
        label: Callable[[str], str],
    ) -> str:
        """Call ``write(target)`` in a private folder and return the link (HTML) that downloads the result.

        ``write`` returns what it wrote (a file, or a folder of CSV files that is sent as one zip);
        ``label(name)`` is the link's Dutch text. Errors of ``write`` reach the caller.
        """
        with tempfile.TemporaryDirectory(prefix="pz-download-") as folder:
            written = Path(write(Path(folder) / ("export" if fmt == "csv" else f"export.{fmt}")))
            if fmt == "csv":
                written = Path(shutil.make_archive(str(Path(folder) / "export-csv"), "zip", written))
            payload = base64.b64encode(written.read_bytes()).decode()
        name = self.fresh_name(stem, fmt, now)
        return (
            f"<a class='pz-download-link' download='{esc(name)}' "
            f"href='data:{MIME[fmt]};base64,{payload}'>{esc(label(name))}</a>"
        )
