"""The trainer page as widgets, without a browser: render, click, assert (solara style)."""

import re
from datetime import date

import pytest

from pztraining.ui.trainer import TrainerApp


def _press(button):
    button.click()


def _create(app, program="mysupport", name="Team De Linde"):
    app.new_training.program_select.value = program
    app.new_training.group_name.value = name
    _press(app.new_training.create_button)


@pytest.fixture
def app(store, clock):
    return TrainerApp(store, clock=clock)


def test_an_empty_database_opens_the_new_training_form(app):
    assert app.new_training.root.layout.display is None
    assert app.planner.root.layout.display == "none"
    assert "Nog geen training" in app.message.value


def test_a_double_click_on_create_makes_one_training_and_says_so(app, store):
    app.new_training.group_name.value = "Team De Linde"
    _press(app.new_training.create_button)
    _press(app.new_training.create_button)  # handled after the first: the form is closed and empty by then
    assert [tr.name for tr in store.list_trainings()] == ["Team De Linde"]
    assert "aangemaakt" in app.message.value


def test_creating_a_training_shows_its_draaiboek(app, store):
    _create(app)
    [training] = store.list_trainings()
    assert app.training_select.value == training.id
    assert app.planner.root.layout.display is None
    assert app.new_training.root.layout.display == "none"
    titles = re.findall(r"<td>([^<]+)</td><td>[^<]*</td></tr>", app.planner.timeline.value)
    assert titles[0] == "Welkom" and titles[-1] == "Vervolg"
    assert "Totaal 120 min" in app.planner.timeline.value


def test_meeting_dates_are_asked_for_every_meeting_of_the_program(app, store):
    app.new_training.program_select.value = "ggz"
    assert len(app.new_training.dates_box.children) == 3
    app.new_training.dates_box.children[0].value = date(2026, 12, 1)
    _create(app, "ggz")
    assert store.list_trainings()[0].meeting_dates == (date(2026, 12, 1), None, None)


def test_a_training_without_a_group_name_is_refused_and_nothing_is_stored(app, store):
    _create(app, name="  ")
    assert "groepsnaam" in app.message.value
    assert store.list_trainings() == []


def test_a_target_outside_the_allowed_range_is_explained_and_blocks_starting(app):
    _create(app)
    app.planner.target.value = 80
    assert "tussen 90 en 120" in app.planner.plan_message.value
    assert app.planner.start_button.disabled
    app.planner.target.value = 90
    assert not app.planner.start_button.disabled
    assert "Totaal 90 min" in app.planner.timeline.value


def test_a_start_time_that_is_not_hhmm_is_explained(app):
    _create(app)
    app.planner.start_time.value = "negen uur"
    assert "UU:MM" in app.planner.plan_message.value and app.planner.start_button.disabled


def test_starting_shows_the_first_block_with_its_deadline(app, clock):
    _create(app)
    _press(app.planner.start_button)
    assert "Welkom" in app.runner.current_block.value
    assert app.runner.countdown.deadline_ms == pytest.approx((clock().timestamp() + 300) * 1000)
    assert app.runner.root.layout.display is None and app.planner.root.layout.display == "none"


def test_next_extend_and_skip_replan_the_rest(app, clock):
    _create(app)
    _press(app.planner.start_button)
    clock.advance(minutes=4)
    _press(app.runner.next_button)
    assert "Terugkoppeling voorbereiding en doel" in app.runner.current_block.value
    _press(app.runner.extend_button)
    assert app.runner.countdown.deadline_ms == pytest.approx((clock().timestamp() + 15 * 60) * 1000)
    _press(app.runner.skip_button)  # drops "Gesprek om de informatiegids te introduceren"
    assert "informatiegids te introduceren" not in app.runner.upcoming.value
    assert "Oefenen" in app.runner.upcoming.value


def test_keeping_the_end_time_shortens_later_blocks(app, clock):
    _create(app)
    _press(app.planner.start_button)
    _press(app.runner.extend_button)
    app.runner.keep_end.value = True
    assert "(was 60)" in app.runner.upcoming.value or "(was 15)" in app.runner.upcoming.value
    assert "op tijd" in app.runner.end_summary.value


def test_a_reopened_page_resumes_the_same_block(app, store, clock):
    _create(app)
    _press(app.planner.start_button)
    clock.advance(minutes=5)
    _press(app.runner.next_button)
    clock.advance(minutes=3)
    reopened = TrainerApp(store, clock=clock)
    assert "Terugkoppeling voorbereiding en doel" in reopened.runner.current_block.value
    remaining_ms = reopened.runner.countdown.deadline_ms - clock().timestamp() * 1000
    assert remaining_ms == pytest.approx(7 * 60 * 1000)


def test_another_tab_moving_on_is_picked_up_on_refresh(app, store, clock):
    _create(app)
    _press(app.planner.start_button)
    other = TrainerApp(store, clock=clock)
    _press(other.runner.next_button)
    app.refresh()
    assert "Terugkoppeling voorbereiding en doel" in app.runner.current_block.value


def test_the_last_block_ends_the_meeting_with_a_summary(app, clock):
    _create(app)
    _press(app.planner.start_button)
    for _ in range(6):
        clock.advance(minutes=10)
        _press(app.runner.next_button)
    assert app.runner.done.layout.display is None
    assert "De bijeenkomst is afgerond om" in app.runner.finished.value
    _press(app.runner.again_button)
    assert app.planner.root.layout.display is None


def test_stopping_a_run_needs_a_second_click(app, store):
    _create(app)
    _press(app.planner.start_button)
    _press(app.runner.reset_button)
    assert app.runner.root.layout.display is None
    _press(app.runner.reset_button)
    assert app.planner.root.layout.display is None
    assert store.find_run(store.list_trainings()[0].id, 1)[0] is None


def test_checklist_ticks_are_stored(app, store):
    _create(app)
    first = app.checklist.box.children[0]
    first.value = True
    training = store.list_trainings()[0]
    assert len(store.checklist_ticks(training.id)) == 1
    assert "(1 van" in app.checklist.title.value


def test_a_hostile_training_name_is_shown_as_text_not_markup(app):
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    _create(app, name=hostile)
    assert app.training_select.options[0][0].startswith(hostile)  # a <select> option is plain text
    # The confirmation is HTML and names the training: as text, never as markup.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in app.message.value
    assert "<script" not in app.message.value and "<img" not in app.message.value


def test_names_and_content_are_shown_escaped(app):
    _create(app, name="<script>alert(1)</script>")
    assert app.training_select.options[0][0].startswith("<script>")  # a <select> option is plain text
    _press(app.planner.start_button)
    assert "<script>" not in app.runner.current_block.value + app.runner.upcoming.value + app.planner.timeline.value


def test_re_showing_the_same_training_keeps_the_checkboxes_a_trainer_is_clicking(app, store):
    _create(app)
    first = app.checklist.box.children[0]
    app._show_training(app.training.id)  # the browser echoing the dropdown's value
    assert app.checklist.box.children[0] is first
    first.value = True
    assert "(1 van" in app.checklist.title.value
    assert len(store.checklist_ticks(app.training.id)) == 1


def test_the_page_links_to_the_deck_of_the_chosen_meeting(app, store, tmp_path, monkeypatch):
    from pztraining.reports import slides

    deck = next(p for p in slides.deck_files() if p.stem == "ggz-2")
    slides.build(tmp_path / "dia", [deck])
    monkeypatch.setenv("PZTRAINING_SLIDES", str(tmp_path / "dia"))
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    _create(app, "ggz")
    assert "pz-slides-missing" in app.slides_link.value  # meeting 1 has no deck in this build
    app.planner.meeting_select.value = 2
    assert "href='/pz/dia/ggz-2.html'" in app.slides_link.value
    assert "Dia&#x27;s openen: Symptomen" in app.slides_link.value  # the deck's title, escaped
    # Under JupyterHub the trainer's server (and so the deck) lives below /user/NAME/.
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/anna/")
    app.planner.meeting_select.value = 1
    app.planner.meeting_select.value = 2
    assert "href='/user/anna/pz/dia/ggz-2.html'" in app.slides_link.value


def test_without_a_slides_server_the_page_shows_no_slides_link(app, monkeypatch):
    monkeypatch.delenv("PZTRAINING_SLIDES", raising=False)
    _create(app)
    assert app.slides_link.value == ""


def test_a_double_click_on_next_block_moves_on_one_block(app, store, clock):
    _create(app)
    _press(app.planner.start_button)
    shown = app.runner.next_button.version  # both clicks leave the browser before the kernel answers
    clock.advance(minutes=4)
    app.runner.next_button.click(version=shown)
    app.runner.next_button.click(version=shown)
    assert "Terugkoppeling voorbereiding en doel" in app.runner.current_block.value
    assert "Blok 2 van" in app.runner.block_header.value
    run = store.find_run(app.training.id, 1)[0]
    assert run["current"] == 1 and len(run["finished"]) == 1
    assert "dubbele klik" in app.runner.run_message.value


def _second_tab_on_a_running_meeting(app, store, clock):
    _create(app)
    _press(app.planner.start_button)
    return TrainerApp(store, clock=clock)


def test_next_block_pressed_in_two_tabs_at_once_moves_on_once_and_both_show_it(app, store, clock):
    other = _second_tab_on_a_running_meeting(app, store, clock)
    _press(app.runner.next_button)
    _press(other.runner.next_button)  # pressed on the state before the first press
    assert store.find_run(app.training.id, 1)[0]["current"] == 1
    assert "Terugkoppeling voorbereiding en doel" in other.runner.current_block.value
    app.refresh()
    assert "Terugkoppeling voorbereiding en doel" in app.runner.current_block.value


def test_plus_five_pressed_in_two_tabs_at_once_gives_ten_minutes(app, store, clock):
    other = _second_tab_on_a_running_meeting(app, store, clock)
    _press(app.runner.extend_button)
    _press(other.runner.extend_button)  # on the state before the first press: it still counts
    assert store.find_run(app.training.id, 1)[0]["current_seconds"] == (5 + 10) * 60
    app.refresh()
    for page in (app, other):
        assert page.runner.countdown.deadline_ms == pytest.approx((clock().timestamp() + 15 * 60) * 1000)


def test_a_start_pressed_twice_on_the_plan_starts_once(app, store, clock):
    _create(app)
    shown, started = app.planner.start_button.version, clock()
    app.planner.start_button.click(version=shown)
    clock.advance(seconds=30)
    app.planner.start_button.click(version=shown)  # would restart the run, 30 s later
    assert store.find_run(app.training.id, 1)[0]["started_at"] == started.isoformat()


def test_starting_on_a_plan_another_tab_already_started_shows_that_run(app, store, clock):
    _create(app)
    other = TrainerApp(store, clock=clock)
    _press(other.planner.start_button)
    _press(app.planner.start_button)  # this page still showed the plan
    assert app.runner.root.layout.display is None and app.planner.root.layout.display == "none"
    assert "ander scherm" in app.runner.run_message.value
