"""The trainer's Papierwerk: details and paper attendance are stored, the summary follows them, and the
buttons offer the invitation (.ics) and the certificates (PDF) as downloads."""

from __future__ import annotations

import base64
import re
from datetime import date

import icalendar
import pytest

from pztraining.ui.trainer import TrainerApp
from pztraining.ui.trainer.paperwork import parse_attendance


@pytest.fixture
def app(store, clock):
    dates = (date(2026, 3, 2), date(2026, 3, 16), date(2026, 3, 30))
    store.add_training("Team Oost", "ggz", clock(), "GGZ Oost", dates)
    return TrainerApp(store, clock=clock)


def _payload(link: str) -> bytes:
    return base64.b64decode(re.search(r"base64,([^']+)'", link)[1])


def test_typed_attendance_is_stored_and_summarised(app, store):
    panel = app.paperwork
    training_id = app.training.id
    for number in (1, 2, 3):
        panel.meeting.value = number
        panel.names.value = "Sanne de Boer\nAli Yilmaz" if number < 3 else "Sanne de Boer\n-Ali Yilmaz"
        panel.save_attendance.click()
    assert store.paper_attendance(training_id)[3] == {"Sanne de Boer": True, "Ali Yilmaz": False}
    assert "Bij alle bijeenkomsten: Sanne de Boer" in panel.summary.value
    assert "Ali Yilmaz mist bijeenkomst 3 (30-03-2026)" in panel.summary.value
    panel.meeting.value = 1
    assert panel.names.value == "Ali Yilmaz\nSanne de Boer"  # read back from the store


def test_details_are_kept_and_the_ics_button_offers_the_calendar(app, store):
    panel = app.paperwork
    panel.fields["location"].value = "Zaal 3"
    panel.fields["points"].value = "8"
    panel.save_details.click()
    assert store.training_details(app.training.id).location == "Zaal 3"
    panel.buttons["ics"].click()
    assert "uitnodiging-" in panel.download.value and ".ics" in panel.download.value
    events = icalendar.Calendar.from_ical(_payload(panel.download.value)).walk("VEVENT")
    assert len(events) == 3 and {str(event["location"]) for event in events} == {"Zaal 3"}


def test_certificates_without_attendance_say_why_in_dutch(app):
    app.paperwork.buttons["certificates"].click()
    assert "Niemand was bij alle bijeenkomsten" in app.paperwork.message.value
    assert app.paperwork.download.value == ""


def test_a_minus_marks_a_name_absent():
    assert parse_attendance(" Sanne \n\n- Ali\n") == {"Sanne": True, "Ali": False}
