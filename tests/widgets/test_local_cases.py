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


def test_the_trainer_shares_the_own_case_with_the_phones(store, clock, own_case):
    from pztraining.content import load_program
    from pztraining.services.participation import open_items
    from pztraining.ui.room_panel import RoomPanel

    training = store.add_training("Team De Linde", "mysupport", clock())
    panel = RoomPanel(store, clock)
    panel.show(training, load_program("mysupport").meeting(1))
    assert own_case in panel._buttons
    panel.toggle(own_case)
    shared = [item for item in open_items(store, training) if item.kind == "case"]
    assert [(item.id, item.title) for item in shared] == [(own_case, "Eigen casus: mevrouw-bakker")]
