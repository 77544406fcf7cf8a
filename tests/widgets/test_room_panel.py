"""The Draaiboek's room panel: a facilitator link per meeting, and cases shown on the phones."""

from pztraining.content import load_case, load_program
from pztraining.services import participation as part
from pztraining.ui.room_panel import RoomPanel


def test_the_facilitator_link_opens_this_meeting_only_and_stays_the_same(store, clock, monkeypatch):
    monkeypatch.setenv("PZTRAINING_PARTICIPANT_URL", "http://10.0.0.5:8867/")
    ggz = store.add_training("Team Oost", "ggz", clock())
    panel = RoomPanel(store, clock)
    program = load_program("ggz")
    links = []
    for meeting in program.meetings:
        panel.show(ggz, meeting)
        panel.facilitator_toggle.value = True
        code = store.facilitator_code(ggz.id, meeting.number)
        assert f"http://10.0.0.5:8867/rollenspel?f={code}" in panel.facilitator.value
        assert "<svg" in panel.facilitator.value
        assert store.find_facilitator_link(code) == (ggz.id, meeting.number)
        links.append(code)
    assert len(set(links)) == len(program.meetings)  # one code per meeting
    panel.show(ggz, program.meetings[0])
    panel.facilitator_toggle.value = True
    assert f"rollenspel?f={links[0]}" in panel.facilitator.value  # the printed QR code stays valid


def test_the_facilitator_code_is_hidden_until_opened_and_never_beside_the_phones_qr(store, clock, monkeypatch):
    # A trainer who mirrors the laptop on the beamer must not let the room scan the facilitators' code.
    monkeypatch.setenv("PZTRAINING_PARTICIPANT_URL", "http://10.0.0.5:8867/")
    from pztraining.ui.forms_panel import FormsPanel

    training = store.add_training("Team De Linde", "mysupport", clock())
    meeting = load_program("mysupport").meeting(1)
    forms = FormsPanel(store, clock)
    panel = RoomPanel(store, clock, on_facilitator_shown=forms.hide_qr)
    forms.show(training, meeting)
    panel.show(training, meeting)
    code = store.facilitator_code(training.id, meeting.number)
    assert code not in panel.facilitator.value and "<svg" not in panel.facilitator.value
    assert "<svg" in forms.join.value  # the phones' QR code
    panel.facilitator_toggle.value = True
    assert f"rollenspel?f={code}" in panel.facilitator.value and "<svg" in panel.facilitator.value
    assert "<svg" not in forms.join.value and training.join_code in forms.join.value
    assert panel.facilitator_toggle.description == "Code voor facilitatoren verbergen"
    panel.facilitator_toggle.value = False  # closed again
    assert code not in panel.facilitator.value and "<svg" in forms.join.value
    panel.facilitator_toggle.value = True
    panel.show(training, meeting)  # shown again (another meeting, another training): hidden again
    assert "<svg" not in panel.facilitator.value and "<svg" in forms.join.value


def test_without_a_room_server_the_panel_says_how_to_start_one(store, clock, monkeypatch):
    monkeypatch.delenv("PZTRAINING_PARTICIPANT_URL", raising=False)
    training = store.add_training("Team De Linde", "mysupport", clock())
    panel = RoomPanel(store, clock)
    panel.show(training, load_program("mysupport").meeting(1))
    panel.facilitator_toggle.value = True
    assert "pztraining serve --room" in panel.facilitator.value and "<svg" not in panel.facilitator.value


def test_a_case_is_put_on_the_phones_and_taken_off_again(store, clock):
    training = store.add_training("Team De Linde", "mysupport", clock())
    panel = RoomPanel(store, clock)
    panel.show(training, load_program("mysupport").meeting(1))
    assert set(panel._buttons) == {"de-vries", "janssen"}
    button = panel._buttons["de-vries"]
    assert button.description == "Toon op telefoons"
    button.click()
    assert button.description == "Haal van telefoons"
    assert [(i.kind, i.id, i.title) for i in part.open_items(store, training)] == [
        ("case", "de-vries", load_case("de-vries").title)
    ]
    button.click()
    assert part.open_items(store, training) == []
    assert button.description == "Toon op telefoons"
