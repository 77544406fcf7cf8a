"""Print an HTML page to PDF with headless Chromium (the browser the tests use too)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pztraining.core import settings
from pztraining.core.errors import PztrainingError
from pztraining.core.os_errors import dutch_reason
from pztraining.core.texts import t

#: Where we look for Chromium, after $PZ_CHROMIUM.
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
)
TIMEOUT_SECONDS = 90


class PdfError(PztrainingError):
    """Chromium could not print a page; the message is Dutch."""


def find_chromium() -> str | None:
    """The Chromium to print with, or None when this computer has none."""
    configured = settings.current().chromium
    if configured and os.access(configured, os.X_OK):
        return configured
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def print_pdf(chromium: str, page: Path, pdf: Path) -> None:
    """Print ``page`` (an HTML file) to ``pdf``, A4 as the page's CSS asks."""
    with tempfile.TemporaryDirectory(prefix="pz-chromium-") as profile:
        command = [chromium, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", page.resolve().as_uri()]
        try:
            done = subprocess.run(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired:
            raise PdfError(
                t("handout.pdf.chromium_kreeg_niet_binnen", name=page.name, timeout_seconds=TIMEOUT_SECONDS)
            ) from None
        except OSError as exc:
            raise PdfError(t("handout.pdf.chromium_kon_niet_starten", reason=dutch_reason(exc))) from None
    if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        raise PdfError(t("handout.pdf.chromium_kon_niet_als", name=page.name, returncode=done.returncode))
