"""The participant page as widgets: join, register once, see opened forms, drafts, submit."""

import subprocess
import sys

import pytest

from pztraining.ui.device import DeviceKey, anonymous_key, device_hash
from pztraining.ui.forms_panel import FormsPanel, participant_url
from pztraining.ui.participant import ParticipantApp


@pytest.fixture
def training(store, clock):
    return store.add_training("Team De Linde", "mysupport", clock())


def phone(store, clock, code="", token="geheim-1"):
    return ParticipantApp(store, code=code, clock=clock, device=DeviceKey(token=token))


def joined(store, clock, training, name="Sanne", token="geheim-1"):
    app = phone(store, clock, code=training.join_code, token=token)
    if app.participant is None:
        app._register(name)
    return app


def links(app):
    return [c for c in app.body.children if "pz-form-link" in getattr(c, "_dom_classes", ())]


def test_without_a_code_the_page_asks_for_it_and_explains_a_wrong_one(store, clock, training):
    app = phone(store, clock)
    code_input = app.body.children[0]
    code_input.value = "ZZZZZZ"
    app._join(code_input.value)
    assert "hoort bij geen enkele training" in app.message.value
    app._join(training.join_code.lower())
    assert app.training.id == training.id


def test_a_participant_gives_a_name_once_per_device(store, clock, training):
    app = joined(store, clock, training)
    assert "Welkom, Sanne" in app.header.value
    again = phone(store, clock, code=training.join_code)
    assert again.participant.name == "Sanne"  # same device: remembered
    other = phone(store, clock, code=training.join_code, token="ander-toestel")
    assert other.participant is None  # another phone asks again


def test_only_forms_the_trainer_opened_are_listed_and_new_ones_appear_on_refresh(store, clock, training):
    app = joined(store, clock, training)
    assert links(app) == [] and "Er staat nu niets" in app.body.children[0].value
    store.open_form(training.id, 1, "voorbereiding-mysupport", False, clock())
    app.refresh()
    assert [b.description.split(" — ")[0] for b in links(app)] == ["Voorbereiding op de training mySupport"]


def test_edits_are_kept_as_a_draft_and_restored(store, clock, training):
    store.open_form(training.id, 1, "reflectie", False, clock())
    app = joined(store, clock, training)
    links(app)[0].click()
    first_item = app.form_widget.form["items"][0]["id"]
    app.form_widget.edit({first_item: "Spannend"})
    assert "Concept bewaard" in app.form_widget.saved_message
    reopened = joined(store, clock, training)
    links(reopened)[0].click()
    assert reopened.form_widget.values == {first_item: "Spannend"}
    assert "bezig" in [b.description for b in links(joined(store, clock, training))][0]


def test_submitting_validates_stores_once_and_allows_corrections(store, clock, training):
    store.open_form(training.id, 1, "reflectie", False, clock())
    app = joined(store, clock, training)
    links(app)[0].click()
    form = app.form_widget
    form.submit({})
    assert form.status == "invalid" and "verplicht" in next(iter(form.errors.values()))
    first_item = form.form["items"][0]["id"]
    form.submit({first_item: "Goed"})
    form.submit({first_item: "Goed"})  # a double click
    assert form.status == "submitted" and form.errors == {}
    form.submit({first_item: "Beter"})
    key = f"p:{app.participant.id}"
    assert store.load_submission(training.id, 1, "reflectie", key) == {first_item: "Beter"}
    assert store.response_counts(training.id, 1) == {"reflectie": 1}


def test_a_closed_form_cannot_be_submitted_and_says_so(store, clock, training):
    store.open_form(training.id, 1, "reflectie", False, clock())
    app = joined(store, clock, training)
    links(app)[0].click()
    store.close_form(training.id, 1, "reflectie", clock())
    app.refresh()
    assert app.form_widget.status == "closed"
    app.form_widget.submit({app.form_widget.form["items"][0]["id"]: "Te laat"})
    assert app.form_widget.status == "closed"
    assert store.response_counts(training.id, 1) == {}


def test_anonymous_answers_use_a_key_that_does_not_name_the_participant(store, clock, training):
    store.open_form(training.id, 1, "evaluatie-mysupport", True, clock())
    app = joined(store, clock, training)
    links(app)[0].click()
    key = anonymous_key("geheim-1", training.id, 1, "evaluatie-mysupport")
    app.form_widget.edit({"tijd": 4})
    assert store.load_draft(training.id, 1, "evaluatie-mysupport", key) == {"tijd": 4}
    assert key != f"p:{app.participant.id}" and device_hash("geheim-1")[:20] not in key
    assert key == anonymous_key("geheim-1", training.id, 1, "evaluatie-mysupport")  # stable per device
    assert key != anonymous_key("geheim-2", training.id, 1, "evaluatie-mysupport")


def test_the_trainer_panel_opens_forms_counts_answers_and_lists_who_is_missing(store, clock, training):
    panel = FormsPanel(store, clock)
    from pztraining.content import load_program

    panel.show(training, load_program("mysupport").meeting(1))
    sanne = joined(store, clock, training)
    joined(store, clock, training, name="<b>Piet</b>", token="geheim-2")
    panel.toggle("reflectie")
    assert store.form_session(training.id, 1, "reflectie").is_open
    sanne.refresh()
    links(sanne)[0].click()
    sanne.form_widget.submit({sanne.form_widget.form["items"][0]["id"]: "Goed"})
    panel.refresh()
    row = panel._widgets["reflectie"]
    assert "1 van 2 ingevuld" in row["status"].value
    assert "&lt;b&gt;Piet&lt;/b&gt;" in row["missing"].value and "Sanne" not in row["missing"].value
    panel.toggle("reflectie")
    assert not store.form_session(training.id, 1, "reflectie").is_open


def test_the_join_link_carries_the_code_and_a_qr_code_is_drawn(store, clock, training, monkeypatch):
    assert participant_url("K7M2QP", "http://10.0.0.5:8867/") == "http://10.0.0.5:8867/?code=K7M2QP"
    assert participant_url("K7M2QP", "") is None
    panel = FormsPanel(store, clock)
    from pztraining.content import load_program

    monkeypatch.setenv("PZTRAINING_PARTICIPANT_URL", "http://10.0.0.5:8867/")
    panel.show(training, load_program("mysupport").meeting(1))
    assert "<svg" in panel.join.value and training.join_code in panel.join.value


def test_participant_kernels_do_not_import_pandas(tmp_path):
    code = ("import sys; from pztraining.ui.participant import ParticipantApp; "
            "from pztraining.store import Store; "
            f"ParticipantApp(Store('sqlite:///{tmp_path / 'pz.db'}')); "
            "print('pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_a_database_that_is_gone_for_a_moment_is_said_and_nothing_is_marked_stored(store, clock, training,
                                                                                 monkeypatch):
    from pztraining.store import StoreError

    store.open_form(training.id, 1, "reflectie", False, clock())
    app = joined(store, clock, training)
    links(app)[0].click()
    form = app.form_widget
    replies = []
    form.send = replies.append
    first_item = form.form["items"][0]["id"]

    def locked(*args, **kwargs):
        raise StoreError("De database is niet te lezen: database is locked.")

    monkeypatch.setattr(store, "save_draft", locked)
    form.edit({first_item: "Belangrijk"}, seq=1)
    assert replies[-1] == {"type": "saved", "seq": 1, "ok": False,
                           "message": "Niet opgeslagen, we proberen het zo opnieuw. Je antwoorden staan nog op dit toestel."}
    monkeypatch.setattr(store, "submit", locked)
    form.submit({first_item: "Belangrijk"})
    assert form.status == "error" and replies[-1] == {"type": "handled", "status": "error"}
    monkeypatch.undo()
    form.edit({first_item: "Belangrijk"}, seq=2)  # the page tries again: now it is stored
    assert replies[-1]["ok"] and store.load_draft(training.id, 1, "reflectie", f"p:{app.participant.id}")


def test_emoji_and_right_to_left_text_are_kept_and_counted_as_characters(store, clock, training):
    from pztraining.content import load_form
    from pztraining.forms import validate_answers

    form = load_form("reflectie")
    first, item = form.items[0], form.items[-1]
    emoji = "👍" * item.limit  # one character each, as the page counts them
    arabic = "شكرا على التدريب"
    ok = validate_answers(form, {first.id: arabic, item.id: emoji})
    assert ok.ok and ok.values[first.id] == arabic and ok.values[item.id] == emoji
    too_long = validate_answers(form, {first.id: arabic, item.id: emoji + "👍"})
    assert "Maximaal" in too_long.errors[item.id]


def test_a_form_opened_while_another_is_on_screen_is_announced(store, clock, training):
    store.open_form(training.id, 1, "voorbereiding-mysupport", False, clock())
    app = joined(store, clock, training)
    links(app)[0].click()
    app.refresh()
    assert app.notice.value == ""
    store.open_form(training.id, 1, "evaluatie-mysupport", True, clock())
    app.refresh()
    assert "nieuw formulier" in app.notice.value
