"""The trainer's forms panel: the anonymity choice survives the panel's refreshes."""

import pytest

from pztraining.content import load_program
from pztraining.ui.forms_panel import FormsPanel


@pytest.fixture
def panel(store, clock):
    training = store.add_training("Team De Linde", "mysupport", clock())
    panel = FormsPanel(store, clock)
    panel.show(training, load_program("mysupport").meeting(1))
    return panel


def test_the_anonymity_box_keeps_the_trainers_choice_when_the_panel_refreshes(panel, store):
    box = panel._widgets["reflectie"]["anonymous"]
    box.value = not box.value
    chosen = box.value
    panel.refresh()
    assert box.value == chosen


def test_a_closed_unanswered_form_keeps_the_new_anonymity_choice_until_it_is_opened_again(panel, store):
    box = panel._widgets["reflectie"]["anonymous"]
    training_id = panel.training.id
    box.value = False
    panel.toggle("reflectie")  # open, not anonymous
    panel.toggle("reflectie")  # closed again before anyone answered
    assert not box.disabled
    box.value = True
    panel.refresh()  # what the 3-second refresher does
    panel.refresh()
    assert box.value is True
    panel.toggle("reflectie")
    assert store.form_session(training_id, 1, "reflectie").anonymous is True


def test_once_a_form_is_open_the_box_shows_the_stored_anonymity_and_is_locked(panel, store, clock):
    box = panel._widgets["reflectie"]["anonymous"]
    box.value = True
    panel.toggle("reflectie")
    assert box.disabled and box.value is True
    other = FormsPanel(store, clock)
    other.show(panel.training, panel.meeting)
    assert other._widgets["reflectie"]["anonymous"].value is True
    assert other._widgets["reflectie"]["anonymous"].disabled
