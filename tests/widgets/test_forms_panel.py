"""The trainer's forms panel: open and close forms, live counts, who is missing, the join link,
and an anonymity choice that survives the panel's refreshes."""

import pytest

from pztraining.content import load_program
from pztraining.domain.links import facilitator_url, participant_url
from pztraining.services import participation as part
from pztraining.ui.forms_panel import FormsPanel


@pytest.fixture
def training(store, clock):
    return store.add_training("Team De Linde", "mysupport", clock())


def phone(store, clock, training, name, secret):
    """A participant who joined from a phone (as the room server does it)."""
    return part.register(store, part.join(store, training.join_code), secret, name, clock())


def test_the_trainer_panel_opens_forms_counts_answers_and_lists_who_is_missing(store, clock, training):
    panel = FormsPanel(store, clock)
    panel.show(training, load_program("mysupport").meeting(1))
    sanne = phone(store, clock, training, "Sanne", "1" * 32)
    phone(store, clock, training, "<b>Piet</b>", "2" * 32)
    panel.toggle("reflectie")
    assert store.form_session(training.id, 1, "reflectie").is_open
    assert [i.id for i in part.open_items(store, training)] == ["reflectie"]  # the phones see it
    first = part.form_state(store, training, sanne, "1" * 32, 1, "reflectie").spec["items"][0]["id"]
    assert part.submit(store, training, sanne, "1" * 32, 1, "reflectie", {first: "Goed"}, clock()).status == "submitted"
    panel.refresh()
    row = panel._widgets["reflectie"]
    assert "1 van 2 ingevuld" in row["status"].value
    assert "&lt;b&gt;Piet&lt;/b&gt;" in row["missing"].value and "Sanne" not in row["missing"].value
    panel.toggle("reflectie")
    assert not store.form_session(training.id, 1, "reflectie").is_open
    assert part.open_items(store, training) == []


def test_the_join_link_carries_the_code_and_a_qr_code_is_drawn(store, clock, training, monkeypatch):
    assert participant_url("K7M2QP", "http://10.0.0.5:8867/") == "http://10.0.0.5:8867/?code=K7M2QP"
    assert participant_url("K7M2QP", "") is None
    assert facilitator_url("ABCDEFGH23", "http://10.0.0.5:8867") == "http://10.0.0.5:8867/rollenspel?f=ABCDEFGH23"
    panel = FormsPanel(store, clock)
    monkeypatch.setenv("PZTRAINING_PARTICIPANT_URL", "http://10.0.0.5:8867/")
    panel.show(training, load_program("mysupport").meeting(1))
    assert "<svg" in panel.join.value and f"http://10.0.0.5:8867/?code={training.join_code}" in panel.join.value


def test_the_beamer_link_opens_the_trainers_own_beamer_page(store, clock, training, monkeypatch):
    monkeypatch.setenv("PZTRAINING_PARTICIPANT_URL", "http://10.0.0.5:8867/")
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    panel = FormsPanel(store, clock)
    panel.show(training, load_program("mysupport").meeting(1))
    assert f"class='pz-beamer-open' href='/pz/zaal/?training={training.id}'" in panel.join.value  # the laptop
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/anna/")  # the trainer's server under the hub
    panel.show(training, load_program("mysupport").meeting(1))
    assert f"href='/user/anna/pz/zaal/?training={training.id}'" in panel.join.value


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


def test_an_open_anonymous_form_tells_the_trainer_its_count_waits_for_the_close(panel, store):
    # Anonymous answers are stored in batches: the trainer must know the count lags, and how
    # to complete it; once closed the note is gone (everything is stored then).
    panel._widgets["evaluatie-mysupport"]["anonymous"].value = True
    panel.toggle("evaluatie-mysupport")
    panel.refresh()
    assert "pz-form-batches" in panel._widgets["evaluatie-mysupport"]["missing"].value
    assert "zodra je het formulier sluit" in panel._widgets["evaluatie-mysupport"]["missing"].value
    panel.toggle("evaluatie-mysupport")
    panel.refresh()
    assert panel._widgets["evaluatie-mysupport"]["missing"].value == ""
