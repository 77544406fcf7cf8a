"""The participant's flow, below any page: join, register, what is open, drafts, submit.

The participants' HTTP handlers (:mod:`pztraining.serving.room`) and the trainer's paper entry both
call this module: it decides what a participant may see and do, the store keeps it. No
widgets and no clock here: ``now`` is passed in (UTC).

A phone is known by a random secret kept in its browser (``device``); the store keeps
only a hash of it, keyed per training. On an anonymous form the submission key is derived
from the secret and the form, so it is the same on this phone (a resent submit replaces) but
cannot be tied to the participant (no participant id, no time). An anonymous answer is not
written when it arrives: it waits in the room's mixing pool (:mod:`pztraining.services.mixing`) and is
stored in a batch; its drafts stay on the phone.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pztraining.content import Form, UnknownContent, case_choices, load_case, load_form, load_program
from pztraining.core import settings
from pztraining.core.errors import InputRefused, PztrainingError
from pztraining.core.text_input import clean_name
from pztraining.core.texts import t
from pztraining.domain.forms import form_spec, validate_answers
from pztraining.services import forms
from pztraining.services.mixing import Mixer
from pztraining.store import AnonymousForm, FormClosed, FormSession, MissingEntry, Participant, Store, Training

#: A device secret as the browser makes it: 16 random bytes in hex.
_DEVICE_SECRET = re.compile(r"^[0-9a-f]{32}$")


class InvalidDevice(PztrainingError, ValueError):
    """The request carries no usable device secret; the message is Dutch."""

    http_status = 400


def check_device(secret: str | None) -> str:
    """``secret`` when it looks like a device secret, else :class:`InvalidDevice`."""
    if not secret or not _DEVICE_SECRET.match(secret):
        raise InvalidDevice(t("part.device_invalid"))
    return secret


def device_hash(secret: str) -> str:
    """A one-way hash of a device secret; the store keeps it keyed per training, never the secret."""
    return hashlib.sha256(f"device:{secret}".encode()).hexdigest()


def anonymous_key(secret: str, training_id: int, meeting: int, form_id: str) -> str:
    """A key for an anonymous submission: the same on this device, unlinkable to the participant."""
    digest = hashlib.sha256(f"anon:{secret}:{training_id}:{meeting}:{form_id}".encode()).hexdigest()
    return f"a:{digest[:60]}"


# ---------------------------------------------------------------- joining


def join(store: Store, code: str) -> Training:
    """The training of a join code as typed (spaces and case do not matter); MissingEntry if none."""
    return store.find_training_by_code(code)


#: Days a join code keeps working after the training's last meeting, unless configured.
JOIN_DAYS = settings.DEFAULT_JOIN_DAYS
#: The setting (environment variable) of the room server that changes :data:`JOIN_DAYS`.
JOIN_DAYS_ENV = settings.FIELDS["join_days"]


def join_days(environ: Mapping[str, str] | None = None) -> int:
    """The configured days after the last meeting (the ``join_days`` setting; 14 when unset).

    SettingsError (Dutch) when it is not a whole number: a typo should not quietly give 14.
    """
    return settings.read(environ or {}).join_days


def join_code_last_day(meeting_dates: tuple[date | None, ...], days: int) -> date | None:
    """The last (local) day a training's join code works: ``days`` after its last meeting.

    None (it keeps working) while the last meeting has no date: the training may not be over.
    """
    if not meeting_dates or meeting_dates[-1] is None:
        return None
    return max(day for day in meeting_dates if day is not None) + timedelta(days=days)


def training_over(training: Training, today: date, days: int) -> bool:
    """Whether the join code of ``training`` no longer works on ``today`` (a local date)."""
    last_day = join_code_last_day(training.meeting_dates, days)
    return last_day is not None and today > last_day


def me(store: Store, training: Training, secret: str) -> Participant | None:
    """The participant registered on this device for this training, if any."""
    return store.find_participant(training.id, device_hash(secret))


def asks_names(training: Training) -> bool:
    """Whether a phone types a name to join (False for a public meeting's visitors)."""
    try:
        return load_program(training.program_id).ask_names
    except UnknownContent:
        return True


#: The longest name or pseudonym a participant may give, in characters.
NAME_LIMIT = 100


def participant_name(typed: str) -> str:
    """The name or pseudonym to store for what a phone typed; :class:`InputRefused` (Dutch) when none is left.

    Attendance lists and exports show this name: no control, zero-width or bidi characters.
    """
    name = clean_name(typed)
    if not name:
        raise InputRefused(t("store.participant_unnamed"))
    if len(name) > NAME_LIMIT:
        raise InputRefused(t("store.participant_name_long"))
    return name


def register(store: Store, training: Training, secret: str, name: str, now: datetime) -> Participant:
    """Register this device under a name or pseudonym (again: the name is replaced).

    A programme that asks no names (a public meeting) registers every phone as a visitor,
    whatever was sent: no visitor's name is ever stored.
    """
    name = participant_name(name if asks_names(training) else t("part.visitor"))
    return store.add_participant(training.id, name, device_hash(secret), now)


# ---------------------------------------------------------------- what is open


@dataclass(frozen=True)
class OpenItem:
    """Something the trainer opened for the phones: a form or a case briefing."""

    kind: str  # "form" or "case"
    meeting: int
    id: str
    title: str
    anonymous: bool = False
    #: Quiz items of this form whose right answer the trainer has shown (ids only, never the answer).
    revealed: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "meeting": self.meeting,
            "id": self.id,
            "title": self.title,
            "anonymous": self.anonymous,
            "revealed": list(self.revealed),
        }


def open_items(store: Store, training: Training) -> list[OpenItem]:
    """What the phones of a training show now: open forms, then shared cases.

    Only forms and cases of the training's own program count, so a stale row for content
    that was removed never reaches a phone.
    """
    program = load_program(training.program_id)
    known_forms = {f for m in program.meetings for f in m.form_ids()}
    # The organisation's own cases of the programme too (content.case_choices): shared like the shipped ones.
    known_cases = {c for m in program.meetings for b in m.blocks for c in case_choices(program.id, b.cases)}
    items = [
        OpenItem(
            "form",
            s.meeting,
            s.form_id,
            load_form(s.form_id).title,
            s.anonymous,
            _revealed(store, training, s.meeting, s.form_id),
        )
        for s in store.form_sessions(training.id)
        if s.is_open and s.form_id in known_forms
    ]
    items += [
        OpenItem("case", meeting, case_id, load_case(case_id).title)
        for meeting, case_id in store.shared_cases(training.id)
        if case_id in known_cases
    ]
    return items


def _revealed(store: Store, training: Training, meeting: int, form_id: str) -> tuple[str, ...]:
    """The quiz items of a form whose answer is shown (no read for a form without quiz items)."""
    if not any(item.type == "quiz" for item in load_form(form_id).items):
        return ()
    return tuple(sorted(store.revealed_items(training.id, meeting, form_id)))


# ---------------------------------------------------------------- one form


def respondent_key(training: Training, session: FormSession, participant: Participant, secret: str) -> str:
    """Whose answers these are: the participant, or an unlinkable key on anonymous forms."""
    return _key(session.anonymous, training.id, session.meeting, session.form_id, participant, secret)


def _key(anonymous: bool, training_id: int, meeting: int, form_id: str, participant: Participant, secret: str) -> str:
    if anonymous:
        return anonymous_key(secret, training_id, meeting, form_id)
    return f"p:{participant.id}"


def _session(store: Store, training: Training, meeting: int, form_id: str) -> tuple[FormSession, Form]:
    """The form as it is open for this training; MissingEntry when it never was."""
    session = store.form_session(training.id, meeting, form_id)
    try:
        form = load_form(form_id)
    except UnknownContent:
        session = None
    if session is None:
        raise MissingEntry(t("part.form_unknown"))
    return session, form


@dataclass(frozen=True)
class FormState:
    """A form as one participant opens it: the questions, their answers so far, and where it stands."""

    spec: dict
    values: dict
    status: str  # "new", "draft", "submitted" or "closed"
    anonymous: bool
    meeting: int

    def to_dict(self) -> dict:
        return {
            "form": self.spec,
            "values": self.values,
            "status": self.status,
            "anonymous": self.anonymous,
            "meeting": self.meeting,
        }


def form_state(
    store: Store, training: Training, participant: Participant, secret: str, meeting: int, form_id: str
) -> FormState:
    """The form with this participant's draft (newest) or submitted answers."""
    session, form = _session(store, training, meeting, form_id)
    key = respondent_key(training, session, participant, secret)
    submitted = store.load_submission(training.id, meeting, form_id, key)
    draft = store.load_draft(training.id, meeting, form_id, key)
    values = draft if draft is not None else (submitted or {})
    status = _progress(draft is not None, submitted is not None) if session.is_open else "closed"
    revealed = _revealed(store, training, meeting, form_id)
    return FormState(form_spec(form, frozenset(revealed)), values, status, session.anonymous, meeting)


def statuses(
    store: Store, training: Training, participant: Participant, secret: str, items: list[OpenItem]
) -> dict[str, str]:
    """ "meeting/form id" → "new", "draft" or "submitted" for the open forms in ``items``."""
    found: dict[str, str] = {}
    for item in (i for i in items if i.kind == "form"):
        key = _key(item.anonymous, training.id, item.meeting, item.id, participant, secret)
        found[f"{item.meeting}/{item.id}"] = _progress(
            store.load_draft(training.id, item.meeting, item.id, key) is not None,
            store.load_submission(training.id, item.meeting, item.id, key) is not None,
        )
    return found


def _progress(has_draft: bool, has_submission: bool) -> str:
    # A draft after sending is an edit not sent yet: it wins, as on the phone.
    return "draft" if has_draft else "submitted" if has_submission else "new"


def save_draft(
    store: Store,
    training: Training,
    participant: Participant,
    secret: str,
    meeting: int,
    form_id: str,
    values: dict,
    now: datetime,
) -> bool:
    """Keep what was filled in so far (as typed); FormClosed when the form is not open.

    One store transaction that also reads whether the form is open and anonymous: drafts
    are the phones' most frequent write. False when nothing was stored: an anonymous form's
    draft stays on the phone.
    """
    return forms.save_open_draft(
        store,
        training.id,
        meeting,
        form_id,
        lambda anonymous: _key(anonymous, training.id, meeting, form_id, participant, secret),
        values,
        now,
    )


@dataclass(frozen=True)
class Outcome:
    """What a submit came to: "submitted", "pending", "invalid" (with Dutch errors per item) or "closed".

    "pending": an anonymous answer is received and waits in the mixing pool; the phone keeps
    it, with ``receipt``, until it hears "submitted". ``gaps`` lists required items left open
    (only on paper forms, where that is allowed).
    """

    status: str
    errors: dict = field(default_factory=dict)
    gaps: tuple[str, ...] = ()
    receipt: str = ""


def submit(
    store: Store,
    training: Training,
    participant: Participant,
    secret: str,
    meeting: int,
    form_id: str,
    values: dict,
    now: datetime,
    mixer: Mixer | None = None,
    receipt: str = "",
    moment: float = 0.0,
) -> Outcome:
    """Check and store a participant's answers; sending the same again stores them once.

    Invalid answers are kept as a draft (on a named form), so nothing typed is lost. An
    anonymous answer goes to ``mixer`` (required for anonymous forms; ``moment`` is its
    monotonic clock) and is "pending" until its batch is stored. A busy or failing store
    raises StoreError: nothing was stored and the page keeps the answers and tries again.
    """
    form = load_form(form_id)
    values = _keep_revealed(store, training, participant, secret, meeting, form_id, values)
    result = validate_answers(form, values)
    try:
        if not result.ok:
            session = store.form_session(training.id, meeting, form_id)
            if session is not None and session.anonymous:
                return _submit_anonymous(store, training, session, secret, result, mixer, receipt, moment)
            save_draft(store, training, participant, secret, meeting, form_id, values, now)
            return Outcome("invalid", result.errors)
        # Valid answers go straight to the store's one transaction, which reads whether the form
        # is open and anonymous itself (a read before it cost a third of a submit).
        forms.submit(
            store,
            training.id,
            meeting,
            form_id,
            f"p:{participant.id}",
            result.values,
            now,
            participant_id=participant.id,
            anonymous_ok=False,
        )
    except AnonymousForm:  # nothing written: an anonymous answer goes to the mixing pool
        session = store.form_session(training.id, meeting, form_id)
        if session is None:
            return Outcome("closed")
        return _submit_anonymous(store, training, session, secret, result, mixer, receipt, moment)
    except FormClosed:
        return Outcome("closed")
    return Outcome("submitted")


def _submit_anonymous(
    store: Store,
    training: Training,
    session: FormSession,
    secret: str,
    result,
    mixer: Mixer | None,
    receipt: str,
    moment: float,
) -> Outcome:
    """An anonymous answer: stored already, or held in the pool (open form, or a valid receipt)."""
    if not result.ok:
        return Outcome("invalid", result.errors)  # no draft on the server: the phone keeps it
    if mixer is None:
        raise ValueError("an anonymous answer needs the room's mixing pool")
    meeting, form_id = session.meeting, session.form_id
    key = anonymous_key(secret, training.id, meeting, form_id)
    if store.load_submission(training.id, meeting, form_id, key) == result.values:
        return Outcome("submitted")  # a resend of what a batch stored: nothing to write
    expected = answer_receipt(store, training, meeting, form_id, key, result.values)
    if not session.is_open and not hmac.compare_digest(receipt or "", expected):
        return Outcome("closed")
    stored = mixer.add((training.id, meeting, form_id), key, result.values, session.is_open, moment)
    return Outcome("submitted" if stored else "pending", receipt=expected)


def answer_receipt(store: Store, training: Training, meeting: int, form_id: str, key: str, values: dict) -> str:
    """Proof, kept by the phone, that these exact answers were received while the form was open.

    The pool lives in memory: when the server is killed and the form closes before it is
    back, the phone sends its answers again with this receipt and they are still taken.
    Keyed with the training's secret (in the database), so any room copy checks it.
    """
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    message = f"{meeting}\x00{form_id}\x00{key}\x00{canonical}".encode()
    return hmac.new(store.find_training_key(training.id, "receipt"), message, hashlib.sha256).hexdigest()[:32]


def submit_paper(
    store: Store, training_id: int, meeting: int, form: Form, values: dict, now: datetime, key: str
) -> Outcome:
    """Store a printed form the trainer types in: no participant, marked as paper.

    A question left open on paper cannot be asked again, so required items may be empty
    (listed in ``gaps``); a blank sheet is no answer. ``key`` identifies this sheet
    (:func:`new_paper_key`), so pressing submit twice stores it once. A failing store
    raises StoreError: nothing was stored.
    """
    result = validate_answers(form, values, allow_gaps=True)
    if not result.ok:
        return Outcome("invalid", result.errors)
    if not result.values:
        return Outcome("invalid", {form.items[0].id: t("res.paper.empty")})
    forms.submit(store, training_id, meeting, form.id, key, result.values, now, paper=True)
    return Outcome("submitted", gaps=tuple(result.gaps))


def _keep_revealed(
    store: Store, training: Training, participant: Participant, secret: str, meeting: int, form_id: str, values: dict
) -> dict:
    """``values`` with every revealed quiz item as it was sent before the reveal (or left out).

    Once the room has seen the right answer, changing one's choice would only flatter the score.
    """
    revealed = _revealed(store, training, meeting, form_id)
    if not revealed:
        return values
    session = store.form_session(training.id, meeting, form_id)
    anonymous = bool(session and session.anonymous)
    before = (
        store.load_submission(
            training.id, meeting, form_id, _key(anonymous, training.id, meeting, form_id, participant, secret)
        )
        or {}
    )
    kept = {key: value for key, value in values.items() if key not in revealed}
    kept.update({item_id: before[item_id] for item_id in revealed if item_id in before})
    return kept


def new_paper_key() -> str:
    """A key for one printed sheet (random: says nothing about who filled it in)."""
    return f"papier:{secrets.token_hex(6)}"


# ---------------------------------------------------------------- a shared case


def shared_case(store: Store, training: Training, meeting: int, case_id: str) -> dict:
    """The participant briefing of a case the trainer shows on the phones, as plain data.

    Only the participant's side: never the simulant's briefing. MissingEntry when the
    case is not shared (any more).
    """
    if (meeting, case_id) not in store.shared_cases(training.id):
        raise MissingEntry(t("part.case_unknown"))
    case = load_case(case_id)
    return {
        "id": case.id,
        "title": case.title,
        "fictional": case.fictional,
        "briefing": list(case.participant_briefing),
        "steps": [{"title": s.title, "guidance": s.guidance} for s in case.steps],
    }


__all__ = [
    "FormState",
    "InvalidDevice",
    "JOIN_DAYS",
    "JOIN_DAYS_ENV",
    "OpenItem",
    "Outcome",
    "anonymous_key",
    "answer_receipt",
    "check_device",
    "device_hash",
    "form_state",
    "join",
    "join_code_last_day",
    "join_days",
    "me",
    "new_paper_key",
    "open_items",
    "register",
    "respondent_key",
    "save_draft",
    "shared_case",
    "statuses",
    "submit",
    "submit_paper",
    "training_over",
]
