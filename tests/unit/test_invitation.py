"""The invitation: an .ics with every dated meeting (read back with icalendar) and a poster with the QR code."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from pztraining.cli.main import main
from pztraining.store import Store

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'pz.db'}")
    yield s
    s.close()


def test_the_ics_holds_every_meeting_with_location_and_join_link(store, tmp_path, capsys):
    training = store.add_training(
        "Team Oost", "ggz", NOW, "GGZ Oost", (date(2026, 3, 2), date(2026, 3, 16), date(2026, 3, 30))
    )
    out = tmp_path / "uitnodiging.ics"
    assert (
        main(
            [
                "invitation",
                "--db",
                store.url,
                "--training",
                training.join_code,
                "--out",
                str(out),
                "--location",
                "Zaal 3, Hoofdgebouw",
                "--url",
                "http://10.0.0.5:8867",
                "--start",
                "13:30",
            ]
        )
        == 0
    )
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    events = sorted(calendar.walk("VEVENT"), key=lambda event: event.decoded("dtstart"))
    assert [event.decoded("dtstart") for event in events] == [
        datetime(2026, 3, day, 13, 30, tzinfo=AMSTERDAM) for day in (2, 16, 30)
    ]
    assert events[2].decoded("dtend") - events[2].decoded("dtstart") == timedelta(minutes=120)
    assert {str(event["location"]) for event in events} == {"Zaal 3, Hoofdgebouw"}
    link = f"http://10.0.0.5:8867/?code={training.join_code}"
    assert all(link in str(event["description"]) for event in events)
    assert "Voorbereiding vooraf" in str(events[0]["description"])  # the pre-assignment of meeting 1
    assert len({str(event["uid"]) for event in events}) == 3
    assert calendar.walk("VTIMEZONE"), "the local zone travels with the file"
    assert store.training_details(training.id).location == "Zaal 3, Hoofdgebouw"  # kept for the button


def test_meetings_without_a_date_are_left_out_and_named(store, tmp_path, capsys):
    training = store.add_training("Team West", "ggz", NOW, "", (date(2026, 4, 1), None, None))
    out = tmp_path / "uitnodiging.ics"
    assert main(["invitation", "--db", store.url, "--training", training.join_code, "--out", str(out)]) == 0
    assert len(icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")) == 1
    err = capsys.readouterr().err
    assert "bijeenkomst 2, 3" in err
    assert "alleen de code" in err  # no room address known: the code instead of a link


def test_no_dates_no_file(store, tmp_path, capsys):
    training = store.add_training("Team Zuid", "ggz", NOW)
    out = tmp_path / "uitnodiging.ics"
    assert main(["invitation", "--db", store.url, "--training", training.join_code, "--out", str(out)]) == 1
    assert "nog geen data" in capsys.readouterr().err
    assert not out.exists()


def test_the_poster_of_the_public_meeting_carries_the_qr_code(store, tmp_path):
    training = store.add_training("Informatieavond", "vll-publiek", NOW, "Wijkcentrum", (date(2026, 5, 12),))
    poster = tmp_path / "poster.html"
    assert (
        main(
            [
                "invitation",
                "--db",
                store.url,
                "--training",
                training.join_code,
                "--out",
                str(tmp_path / "avond.ics"),
                "--poster",
                str(poster),
                "--url",
                "http://zaal.local:8867",
                "--start",
                "19:30",
            ]
        )
        == 0
    )
    html = poster.read_text(encoding="utf-8")
    assert "<svg" in html and training.join_code in html
    assert "Bijeenkomst 1: 12-05-2026, 19:30–21:00 uur" in html
    assert "U hoeft uw naam niet op te geven." in html
    assert (
        main(
            [
                "invitation",
                "--db",
                store.url,
                "--training",
                training.join_code,
                "--out",
                str(tmp_path / "avond.ics"),
                "--poster",
                str(poster),
            ]
        )
        == 1
    )  # nothing written over
