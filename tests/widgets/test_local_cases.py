"""An organisation's own case is chosen for a role-play next to the shipped cases of its programme."""

from __future__ import annotations

import pytest

from pztraining.cli.main import main
from pztraining.content import loader
from pztraining.ui.facilitator import FacilitatorApp


@pytest.fixture
def own_case(tmp_path, monkeypatch):
    folder = tmp_path / "eigen"
    monkeypatch.setenv(loader.CONTENT_ENV, str(folder))
    loader.library.cache_clear()
    assert main(["content", "new-case", "mevrouw-bakker", "--program", "mysupport"]) == 0
    loader.library.cache_clear()
    yield "mevrouw-bakker"
    loader.library.cache_clear()


def test_the_facilitator_offers_and_runs_the_organisations_own_case(store, clock, own_case):
    store.add_training("Team De Linde", "mysupport", clock())
    app = FacilitatorApp(store, clock=clock)
    assert [value for _, value in app.case_select.options] == ["de-vries", "janssen", own_case]
    app.case_select.value = own_case
    app._show_new_group(True)
    app.group_name.value = "Groep 1"
    app.members.value = "Aïsha\nBram"
    app.facilitator.value = "Fenna"
    app.turn_length.value = "2:00"
    app.create_button.click()
    assert app.row is not None and app.row.state["group"]["case_id"] == own_case
    assert "Eigen casus: mevrouw-bakker" in app.case_box.value
