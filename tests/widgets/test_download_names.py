"""The trainer's and the kartrekker's export buttons never offer a file name twice.

A browser that saves downloads without asking must never meet the previous export under the
same name: every click gets a name of its own, also twice within one minute or one second.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from pztraining.ui.kartrekker import KartrekkerApp
from pztraining.ui.results_app import ResultsApp
from tests.conftest import FakeClock
from tests.unit.test_kartrekker_indicators import ORG, fill_organisation
from tests.unit.test_report import fill

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def offered_name(link_html: str) -> str:
    found = re.search(r"download='([^']+)'", link_html)
    assert found, f"no download link: {link_html!r}"
    return found.group(1)


@pytest.mark.parametrize("fmt, extension", [("xlsx", "xlsx"), ("csv", "zip"), ("html", "html")])
def test_the_results_export_button_offers_a_fresh_name_every_click(store, fmt, extension):
    fill(store)
    clock = FakeClock(NOW)
    app = ResultsApp(store, clock=clock)
    app.export_format.value = fmt
    names = []
    for seconds in (0, 0, 0, 20):  # three clicks within one second, one twenty seconds later
        clock.advance(seconds=seconds)
        app.export()
        names.append(offered_name(app.download.value))
    assert len(set(names)) == len(names), names
    assert all(name.startswith("pztraining-20261130-") and name.endswith(f".{extension}") for name in names)


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "html"])
def test_the_kartrekker_report_button_offers_a_fresh_name_every_click(store, fmt):
    fill_organisation(store)
    page = KartrekkerApp(store, clock=FakeClock(NOW))
    page.org_select.value = ORG
    page.tabs.selected_index = 3  # Borging
    view = page.borging
    view.date_from.value, view.date_to.value = date(2026, 1, 1), date(2026, 12, 31)
    view.export_format.value = fmt
    names = []
    for _ in range(3):  # the clock stands still: the same second every time
        view.download()
        names.append(offered_name(view.download_link.value))
    assert len(set(names)) == 3, names
    assert all(name.startswith("borging-20261130-") for name in names)
