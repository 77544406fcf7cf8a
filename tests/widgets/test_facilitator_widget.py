"""The facilitator page as widgets with a fake clock: groups, turns, reflection, two devices."""

import pytest

from pztraining.content import load_program
from pztraining.domain import schedule
from pztraining.domain.roleplay import Group, RolePlay
from pztraining.ui.facilitator import FacilitatorApp, practice_block

QUESTIONS = list(practice_block(load_program("mysupport").meeting(1)).reflection_questions)


@pytest.fixture
def training(store, clock):
    return store.add_training("Team De Linde", "mysupport", clock())


@pytest.fixture
def app(store, clock, training):
    return FacilitatorApp(store, clock=clock)


def make_group(app, members="Aïsha\nBram\nCarla", turn="2:00", reflection="", name="Groep 1"):
    app._show_new_group(True)
    app.group_name.value = name
    app.members.value = members
    app.facilitator.value = "Fenna"
    app.turn_length.value = turn
    app.reflection_length.value = reflection
    app.create_button.click()


def visible(app, action) -> bool:
    return app.buttons[action].layout.display is None


def test_the_page_opens_on_the_meeting_with_the_practice_block_and_its_cases(app):
    assert app.meeting.number == 1
    assert [value for _, value in app.case_select.options] == ["de-vries", "janssen"]
    assert app.case_select.value == "de-vries"


def test_a_new_group_shows_who_is_up_and_who_is_next(app, store, training):
    make_group(app)
    [row] = store.list_roleplay_groups(training.id, 1)
    assert app.group_select.value == row.id
    assert "Aïsha" in app.member_box.value and "Bram" in app.member_box.value
    assert visible(app, "start") and not visible(app, "stop")


def test_a_turn_counts_down_from_its_deadline_and_carries_the_reflection_questions(app, clock):
    make_group(app)
    app.buttons["start"].click()
    assert app.countdown.deadline_ms == pytest.approx((clock().timestamp() + 120) * 1000)
    assert app.countdown.over_lines == QUESTIONS  # shown in the browser the moment time is up
    assert app.countdown.warn_seconds == 30 and app.countdown.sound
    assert visible(app, "stop") and visible(app, "pause") and not visible(app, "start")


def test_stopping_shows_the_reflection_questions_and_logs_the_turn(app, store, clock):
    make_group(app)
    app.buttons["start"].click()
    clock.advance(seconds=100)
    app.buttons["stop"].click()
    for question in QUESTIONS:
        assert question in app.reflection.value
    [turn] = store.list_roleplay_turns(app.row.id)
    assert (turn["member"], turn["actual_seconds"], turn["planned_seconds"]) == ("Aïsha", 100, 120)
    app.buttons["next"].click()
    assert "Bram" in app.member_box.value and app.reflection.value == ""


def test_pause_freezes_the_shown_time(app, clock):
    make_group(app)
    app.buttons["start"].click()
    clock.advance(seconds=30)
    app.buttons["pause"].click()
    assert app.countdown.paused_remaining_ms == 90_000
    assert visible(app, "resume") and not visible(app, "pause")
    clock.advance(seconds=60)
    app.buttons["resume"].click()
    assert app.countdown.paused_remaining_ms is None
    assert app.countdown.deadline_ms == pytest.approx((clock().timestamp() + 90) * 1000)


def test_harder_can_be_chosen_from_the_third_turn(app, clock):
    make_group(app)
    for _ in range(2):
        app.buttons["start"].click()
        clock.advance(seconds=5)
        app.buttons["stop"].click()
        assert app.variant.layout.display == ("none" if "Beurt 1" in app.turn_header.value else None)
        app.buttons["next"].click()
    assert app.variant.layout.display is None
    app.variant.value = "moeilijker"
    assert "moeilijker" in app.turn_header.value


@pytest.mark.parametrize(
    "members, turn, message",
    [
        ("Alleen", "2:00", "minstens 2"),
        ("A\nB", "0:00", "hoogstens 30 minuten"),
        ("A\nB", "31:00", "hoogstens 30 minuten"),
        ("A\nB", "twee", "m:ss"),
    ],
)
def test_bad_groups_get_a_dutch_message_and_nothing_is_stored(app, store, training, members, turn, message):
    make_group(app, members=members, turn=turn)
    assert message in app.message.value
    assert store.list_roleplay_groups(training.id, 1) == []


def test_two_facilitators_pressing_at_once_converge_on_what_the_store_decided(store, clock, training):
    first, second = FacilitatorApp(store, clock=clock), FacilitatorApp(store, clock=clock)
    make_group(first)
    second._fill_groups()
    first.buttons["start"].click()
    second.buttons["start"].click()  # second still saw "ready": the store refuses the stale press
    assert "net voor" in second.play_message.value
    assert visible(second, "stop")  # and shows the latest state
    clock.advance(seconds=10)
    second.buttons["stop"].click()
    first.refresh()
    assert "Aïsha" in first.reflection.value
    assert len(store.list_roleplay_turns(first.row.id)) == 1


def test_the_time_left_in_the_practice_block_comes_from_the_trainers_run(app, store, clock, training):
    meeting = load_program("mysupport").meeting(1)
    run = schedule.start(*meeting.lengths(), 120, clock())
    for _ in range(3):  # Welkom, Terugkoppeling, Informatiegids → Oefenen
        run = schedule.advance(run, clock())
    store.update_run(training.id, 1, lambda _old: run.to_dict(), clock())
    make_group(app, reflection="3:00")
    assert "Nog 60 min in het oefenblok · past nog 12 beurt(en)" in app.block_info.value
    clock.advance(minutes=58)
    app.refresh()
    assert "geen volledige beurt meer" in app.block_info.value


def test_names_are_shown_escaped(app):
    make_group(app, members="<img src=x onerror=alert(1)>\nBram")
    assert "<img" not in app.member_box.value and "&lt;img" in app.member_box.value


def test_a_facilitator_link_shows_only_its_own_training_and_meeting(store, clock, training):
    other = store.add_training("Team Het Anker", "ggz", clock())

    def state(name):
        return RolePlay(Group(name, ("Aïsha", "Bram"), "Fenna", "de-vries", 120, None)).to_dict()

    store.add_roleplay_group(training.id, 1, "Groep van deze bijeenkomst", state("Groep van deze bijeenkomst"), clock())
    store.add_roleplay_group(training.id, 2, "Groep van bijeenkomst 2", state("Groep van bijeenkomst 2"), clock())
    store.add_roleplay_group(
        other.id, 1, "Groep van een andere training", state("Groep van een andere training"), clock()
    )
    code = store.facilitator_code(training.id, 1)
    scoped = FacilitatorApp(store, clock=clock, scope=store.find_facilitator_link(code.lower()))
    assert [value for _, value in scoped.training_select.options] == [training.id]
    assert [value for _, value in scoped.meeting_select.options] == [1]
    assert [label for label, _ in scoped.group_select.options] == ["Groep van deze bijeenkomst"]
    assert "Team De Linde" in scoped.scope_title.value
    assert store.find_facilitator_link("NOTACODE00") is None
    assert store.facilitator_code(training.id, 1) == code  # the QR code on the Draaiboek stays valid


def test_a_double_tap_on_skip_that_arrives_as_two_presses_skips_one_member(app, store):
    """Two presses made on the same screen carry the version that screen showed: the store acts
    on the first only and the tablet says why (an ipywidgets button's second click acted on the
    state the first one left: two members' turns gone)."""
    make_group(app)
    shown = app.buttons["skip"].version
    assert shown == app.row.version
    app.buttons["skip"].click(shown)
    app.buttons["skip"].click(shown)
    assert "Bram" in app.member_box.value.split("pz-member-next")[0]
    assert "Er was al op gedrukt" in app.play_message.value
    state = RolePlay.from_dict(store.find_roleplay_group(app.row.id).state)
    assert state.member == "Bram"
