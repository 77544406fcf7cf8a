"""The participant's flow below the page: join, register once, what is open, drafts, submit."""

import pytest

from pztraining.content import load_form
from pztraining.services import forms
from pztraining.services import participation as part
from pztraining.services.mixing import Mixer
from pztraining.store import FormClosed, MissingEntry, salted_device_hash

PHONE = "0123456789abcdef0123456789abcdef"
OTHER_PHONE = "fedcba9876543210fedcba9876543210"


@pytest.fixture
def training(store, clock):
    return store.add_training("Team De Linde", "mysupport", clock())


def joined(store, clock, training, name="Sanne", secret=PHONE):
    """A phone that typed the code and gave a name (once)."""
    found = part.join(store, training.join_code)
    return part.me(store, found, secret) or part.register(store, found, secret, name, clock())


def first_item(form_id="reflectie"):
    return load_form(form_id).items[0].id


def test_a_code_is_found_as_typed_and_a_wrong_one_is_refused(store, training):
    assert part.join(store, f" {training.join_code.lower()} ").id == training.id
    with pytest.raises(MissingEntry, match="hoort bij geen enkele training"):
        part.join(store, "ZZZZZZ")


def test_a_device_secret_must_look_like_one(store):
    assert part.check_device(PHONE) == PHONE
    for bad in (None, "", "kort", PHONE.upper(), PHONE + "0", "g" * 32):
        with pytest.raises(part.InvalidDevice, match="geen geldige herkenning"):
            part.check_device(bad)


def test_a_participant_gives_a_name_once_per_device(store, clock, training):
    sanne = joined(store, clock, training)
    assert part.me(store, training, PHONE) == sanne  # same device: remembered
    assert part.me(store, training, OTHER_PHONE) is None  # another phone asks again
    renamed = part.register(store, training, PHONE, "Sanne B.", clock())
    assert renamed.id == sanne.id and renamed.name == "Sanne B."
    assert [p.name for p in store.list_participants(training.id)] == ["Sanne B."]


def test_the_store_keeps_a_hash_of_the_device_never_the_secret(store, clock, training):
    joined(store, clock, training)
    with store.engine.connect() as conn:
        dump = "\n".join(str(row) for row in conn.exec_driver_sql("SELECT * FROM participants"))
    with store.engine.connect() as conn:
        salt = conn.exec_driver_sql("SELECT device_salt FROM trainings").scalar()
    # Keyed with the training's own salt: the same phone has another hash in another training.
    assert PHONE not in dump and part.device_hash(PHONE) not in dump
    assert salted_device_hash(salt, part.device_hash(PHONE)) in dump


def test_only_opened_forms_of_the_trainings_program_are_listed(store, clock, training):
    assert part.open_items(store, training) == []
    forms.open_form(store, training.id, 1, "voorbereiding-mysupport", False, clock())
    forms.open_form(store, training.id, 1, "evaluatie-ggz", False, clock())  # another program's form
    forms.open_form(store, training.id, 1, "reflectie", False, clock())
    store.close_form(training.id, 1, "reflectie", clock())
    items = part.open_items(store, training)
    assert [(i.kind, i.meeting, i.id, i.title) for i in items] == [
        ("form", 1, "voorbereiding-mysupport", "Voorbereiding op de training mySupport")
    ]


def test_edits_are_kept_as_a_draft_and_restored_after_closing_the_tab(store, clock, training):
    forms.open_form(store, training.id, 1, "reflectie", False, clock())
    sanne = joined(store, clock, training)
    fresh = part.form_state(store, training, sanne, PHONE, 1, "reflectie")
    assert fresh.status == "new" and fresh.values == {} and fresh.spec["id"] == "reflectie"
    part.save_draft(store, training, sanne, PHONE, 1, "reflectie", {first_item(): "Spannend"}, clock())
    reopened = part.form_state(store, training, joined(store, clock, training), PHONE, 1, "reflectie")
    assert reopened.status == "draft" and reopened.values == {first_item(): "Spannend"}
    items = part.open_items(store, training)
    assert part.statuses(store, training, sanne, PHONE, items) == {"1/reflectie": "draft"}


def test_submitting_validates_stores_once_and_allows_corrections(store, clock, training):
    forms.open_form(store, training.id, 1, "reflectie", False, clock())
    sanne = joined(store, clock, training)
    refused = part.submit(store, training, sanne, PHONE, 1, "reflectie", {}, clock())
    assert refused.status == "invalid" and "verplicht" in refused.errors[first_item()]
    assert store.load_submission(training.id, 1, "reflectie", f"p:{sanne.id}") is None
    for _ in range(2):  # a double tap
        ok = part.submit(store, training, sanne, PHONE, 1, "reflectie", {first_item(): "Goed"}, clock())
        assert ok.status == "submitted" and ok.errors == {}
    assert store.response_counts(training.id, 1) == {"reflectie": 1}
    part.submit(store, training, sanne, PHONE, 1, "reflectie", {first_item(): "Beter"}, clock())
    assert store.load_submission(training.id, 1, "reflectie", f"p:{sanne.id}") == {first_item(): "Beter"}
    assert store.response_counts(training.id, 1) == {"reflectie": 1}
    state = part.form_state(store, training, sanne, PHONE, 1, "reflectie")
    assert state.status == "submitted" and state.values == {first_item(): "Beter"}


def test_invalid_answers_are_kept_as_a_draft(store, clock, training):
    forms.open_form(store, training.id, 1, "reflectie", False, clock())
    sanne = joined(store, clock, training)
    second = load_form("reflectie").items[1].id
    part.submit(store, training, sanne, PHONE, 1, "reflectie", {second: "Half af"}, clock())
    state = part.form_state(store, training, sanne, PHONE, 1, "reflectie")
    assert state.status == "draft" and state.values == {second: "Half af"}


def test_a_closed_form_cannot_be_submitted_or_drafted_and_says_so(store, clock, training):
    forms.open_form(store, training.id, 1, "reflectie", False, clock())
    sanne = joined(store, clock, training)
    store.close_form(training.id, 1, "reflectie", clock())
    assert part.form_state(store, training, sanne, PHONE, 1, "reflectie").status == "closed"
    late = part.submit(store, training, sanne, PHONE, 1, "reflectie", {first_item(): "Te laat"}, clock())
    assert late.status == "closed"
    with pytest.raises(FormClosed):
        part.save_draft(store, training, sanne, PHONE, 1, "reflectie", {first_item(): "Te laat"}, clock())
    assert store.response_counts(training.id, 1) == {}


def test_a_form_that_was_never_opened_is_unknown_and_takes_no_answers(store, clock, training):
    sanne = joined(store, clock, training)
    with pytest.raises(MissingEntry, match="staat niet open"):
        part.form_state(store, training, sanne, PHONE, 1, "reflectie")
    # Sending to it anyway (a stale page, a hand-made request) is refused like a closed form.
    assert part.submit(store, training, sanne, PHONE, 1, "reflectie", {first_item(): "x"}, clock()).status == "closed"
    with pytest.raises(FormClosed):
        part.save_draft(store, training, sanne, PHONE, 1, "reflectie", {first_item(): "x"}, clock())
    assert store.response_counts(training.id, 1) == {}
    assert store.load_draft(training.id, 1, "reflectie", f"p:{sanne.id}") is None


def test_anonymous_answers_use_a_key_that_does_not_name_the_participant(store, clock, training):
    forms.open_form(store, training.id, 1, "evaluatie-mysupport", True, clock())
    sanne = joined(store, clock, training)
    key = part.anonymous_key(PHONE, training.id, 1, "evaluatie-mysupport")
    # The draft of an anonymous form stays on the phone: nothing stored under either key.
    assert not part.save_draft(store, training, sanne, PHONE, 1, "evaluatie-mysupport", {"tijd": 4}, clock())
    assert store.load_draft(training.id, 1, "evaluatie-mysupport", key) is None
    assert store.load_draft(training.id, 1, "evaluatie-mysupport", f"p:{sanne.id}") is None
    assert not key.startswith("p:") and part.device_hash(PHONE)[:20] not in key and PHONE not in key
    assert key == part.anonymous_key(PHONE, training.id, 1, "evaluatie-mysupport")  # stable per device
    assert key != part.anonymous_key(OTHER_PHONE, training.id, 1, "evaluatie-mysupport")
    assert key != part.anonymous_key(PHONE, training.id, 1, "reflectie")  # not one key across forms


def test_an_anonymous_submission_keeps_no_participant_and_no_time(store, clock, training):
    forms.open_form(store, training.id, 1, "evaluatie-mysupport", True, clock())
    sanne = joined(store, clock, training)
    answers = {i.id: 4 for i in load_form("evaluatie-mysupport").items if i.required}
    mixer = Mixer(store, batch_size=1)  # a batch of one: stored at once
    assert (
        part.submit(store, training, sanne, PHONE, 1, "evaluatie-mysupport", answers, clock(), mixer).status
        == "submitted"
    )
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT participant_id, submitted_at, respondent_key FROM submissions").all()
    assert rows == [(None, None, part.anonymous_key(PHONE, training.id, 1, "evaluatie-mysupport"))]
    assert store.respondents(training.id, 1, "evaluatie-mysupport") == set()
    again = part.form_state(store, training, sanne, PHONE, 1, "evaluatie-mysupport")
    assert again.status == "submitted" and again.anonymous  # this phone still finds its answers


def test_a_busy_store_raises_and_nothing_is_marked_stored(store, clock, training):
    import sqlite3

    from pztraining.store import Store, StoreBusy

    forms.open_form(store, training.id, 1, "reflectie", False, clock())
    sanne = joined(store, clock, training)
    impatient = Store(store.url, busy_seconds=0.3)  # the room server waits seconds, not half a minute
    holder = sqlite3.connect(store.url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(StoreBusy):
            part.save_draft(impatient, training, sanne, PHONE, 1, "reflectie", {first_item(): "Belangrijk"}, clock())
        with pytest.raises(StoreBusy):
            part.submit(impatient, training, sanne, PHONE, 1, "reflectie", {first_item(): "Belangrijk"}, clock())
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        impatient.close()
    state = part.form_state(store, training, sanne, PHONE, 1, "reflectie")
    assert state.status == "new" and state.values == {}
    assert store.response_counts(training.id, 1) == {}
    # The page sends again: now it is stored.
    part.submit(store, training, sanne, PHONE, 1, "reflectie", {first_item(): "Belangrijk"}, clock())
    assert part.form_state(store, training, sanne, PHONE, 1, "reflectie").status == "submitted"


def test_emoji_and_right_to_left_text_are_kept_as_typed(store, clock, training):
    form = load_form("reflectie")
    first, last = form.items[0], form.items[-1]
    emoji = "👍" * last.limit  # one character each, as the page counts them
    arabic = "شكرا على التدريب"
    forms.open_form(store, training.id, 1, "reflectie", False, clock())
    sanne = joined(store, clock, training, name="سارة 🌷")
    assert part.me(store, training, PHONE).name == "سارة 🌷"
    part.save_draft(store, training, sanne, PHONE, 1, "reflectie", {first.id: arabic}, clock())
    assert part.form_state(store, training, sanne, PHONE, 1, "reflectie").values == {first.id: arabic}
    too_long = part.submit(
        store, training, sanne, PHONE, 1, "reflectie", {first.id: arabic, last.id: emoji + "👍"}, clock()
    )
    assert too_long.status == "invalid" and "Maximaal" in too_long.errors[last.id]
    ok = part.submit(store, training, sanne, PHONE, 1, "reflectie", {first.id: arabic, last.id: emoji}, clock())
    assert ok.status == "submitted"
    assert store.load_submission(training.id, 1, "reflectie", f"p:{sanne.id}") == {first.id: arabic, last.id: emoji}


def test_a_shared_case_shows_only_the_participant_briefing_and_only_while_shared(store, clock, training):
    from pztraining.content import load_case

    sanne = joined(store, clock, training)
    with pytest.raises(MissingEntry, match="staat niet"):
        part.shared_case(store, training, 1, "de-vries")
    store.share_case(training.id, 1, "de-vries", True, clock())
    store.share_case(training.id, 1, "ggz-casus-1", True, clock())  # not in this training's program
    assert [(i.kind, i.id) for i in part.open_items(store, training)] == [("case", "de-vries")]
    assert part.statuses(store, training, sanne, PHONE, part.open_items(store, training)) == {}
    case = load_case("de-vries")
    shown = part.shared_case(store, training, 1, "de-vries")
    assert shown["briefing"] == list(case.participant_briefing) and shown["title"] == case.title
    text = repr(shown)
    simulant = case.simulant_briefing
    for secret in (
        simulant.role,
        *simulant.knows,
        *simulant.feels,
        *simulant.asks,
        simulant.start_mild,
        *simulant.harder,
    ):
        assert secret not in text
    with pytest.raises(MissingEntry):
        part.shared_case(store, training, 2, "de-vries")  # shared for meeting 1 only
    store.share_case(training.id, 1, "de-vries", False, clock())
    with pytest.raises(MissingEntry, match="staat niet"):
        part.shared_case(store, training, 1, "de-vries")
    assert [i.id for i in part.open_items(store, training)] == []


def test_a_paper_form_is_stored_without_a_participant_and_once_per_sheet(store, clock, training):
    form = load_form("reflectie")
    blank = part.submit_paper(store, training.id, 1, form, {}, clock(), part.new_paper_key())
    assert blank.status == "invalid"  # a blank sheet is no answer
    assert store.response_counts(training.id, 1) == {}
    key = part.new_paper_key()
    assert key.startswith("papier:") and key != part.new_paper_key()
    for _ in range(2):  # the trainer presses twice
        assert (
            part.submit_paper(store, training.id, 1, form, {first_item(): "Op papier"}, clock(), key).status
            == "submitted"
        )
    part.submit_paper(store, training.id, 1, form, {first_item(): "Tweede vel"}, clock(), part.new_paper_key())
    assert store.response_counts(training.id, 1) == {"reflectie": 2}  # even though the form was never opened
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT participant_id, paper FROM submissions").all()
    assert rows == [(None, 1), (None, 1)]
    assert store.load_submission(training.id, 1, "reflectie", key) == {first_item(): "Op papier"}


def test_a_public_meetings_visitor_is_asked_no_name_and_none_is_stored(store, clock):
    public = store.add_training("Publieksavond Assen", "vll-publiek", clock())
    assert part.asks_names(public) is False
    visitor = part.register(store, public, PHONE, "Jan Jansen, Dorpsstraat 1", clock())  # a tampered request
    assert visitor.name == "bezoeker"
    assert [p.name for p in store.list_participants(public.id)] == ["bezoeker"]


def test_a_training_asks_a_name(store, clock, training):
    assert part.asks_names(training) is True
    assert joined(store, clock, training, name="Sanne").name == "Sanne"
