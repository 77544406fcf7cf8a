"""The Draaiboek's actions panel for a casuïstiekbespreking: record, reload, shown at the next one, mark done."""

from datetime import date

import pytest

from pztraining.ui.trainer import TrainerApp


@pytest.fixture
def app(store, clock):
    store.add_training(
        "Casuïstiek Zuid",
        "casuistiekbespreking",
        clock(),
        "NPZ Zuid",
        (date(2026, 1, 15), date(2026, 4, 16), date(2026, 7, 16), date(2026, 10, 15)),
    )
    return TrainerApp(store, clock=clock)


def _choose(app, meeting):
    app.planner.meeting_select.value = meeting


def _record(app, text, who, due=None):
    app.actions.text.value, app.actions.who.value, app.actions.due.value = text, who, due
    app.actions.add_button.click()


def _lines(box):
    return [row.children[0].value for row in box.children if len(getattr(row, "children", ())) > 1]


def test_the_panel_is_shown_for_a_case_discussion_only(app, store, clock):
    assert app.actions.root.layout.display is None
    assert "pz-actions-panel" in app.actions.root._dom_classes
    store.add_training("Team De Linde", "mysupport", clock())
    other = TrainerApp(store, clock=clock)  # opens the newest training: mySupport
    assert other.actions.root.layout.display == "none"


def test_recorded_actions_survive_a_reload_and_come_back_at_the_next_discussion(app, store, clock):
    _choose(app, 1)
    _record(app, "Bel het consultatief palliatief team <b>vandaag</b>", "Anne", date(2026, 2, 1))
    _record(app, "Folder naar de familie", "Piet")
    assert "Afspraak vastgelegd" in app.actions.message.value
    assert app.actions.text.value == "" and app.actions.who.value == ""
    [first, second] = _lines(app.actions.current)
    assert "&lt;b&gt;vandaag&lt;/b&gt; – Anne, uiterlijk 01-02-2026" in first and "<b>" not in first
    assert "Folder naar de familie – Piet" in second

    reloaded = TrainerApp(store, clock=clock)
    reloaded.planner.meeting_select.value = 2
    assert len(_lines(reloaded.actions.previous)) == 2
    assert all("bespreking 1" in line for line in _lines(reloaded.actions.previous))
    assert "Nog geen afspraken" in reloaded.actions.current.children[0].value

    done = reloaded.actions.previous.children[0].children[1]
    assert "pz-action-done" in done._dom_classes
    done.value = True  # ticked off at discussion 2
    assert [a.done for a in store.list_case_actions(app.training.id)] == [True, False]
    assert len(_lines(reloaded.actions.previous)) == 1  # only the open one stays on the list
    _choose(app, 3)
    assert ["Folder naar de familie" in line for line in _lines(app.actions.previous)] == [True]


def test_an_action_without_who_keeps_what_was_typed_and_says_why(app, store):
    _record(app, "Verwijsportaal nakijken", "")
    assert "wie de afspraak uitvoert" in app.actions.message.value
    assert app.actions.text.value == "Verwijsportaal nakijken"
    assert store.list_case_actions(app.training.id) == []


def test_an_action_recorded_by_mistake_can_be_removed(app, store):
    _record(app, "Verkeerde afspraak", "Jan")
    remove = app.actions.current.children[0].children[2]
    assert "pz-action-remove" in remove._dom_classes
    remove.click()
    assert store.list_case_actions(app.training.id) == []
    assert "Nog geen afspraken" in app.actions.current.children[0].value


def test_another_laptop_ticking_an_action_off_is_shown_on_refresh(app, store, clock):
    _choose(app, 1)
    _record(app, "Expertisekaart bijwerken", "Kartrekker")
    _choose(app, 2)
    other = TrainerApp(store, clock=clock)
    other.planner.meeting_select.value = 2
    other.actions.previous.children[0].children[1].value = True
    app.refresh()
    assert "Geen open afspraken" in app.actions.previous.children[0].value
