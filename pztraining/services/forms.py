"""A form's writes through the store, each under its rule of :mod:`pztraining.domain.answer_rules`.

The one way to open a form, store answers and keep a draft: the store applies the rule inside the
transaction that writes (a form closed or made anonymous a moment earlier is seen), and it may not
import the domain, so the rule is handed in here. No widgets and no clock: ``now`` is passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pztraining.domain.answer_rules import admission, reopened_settings
from pztraining.store import FormSession, Store


def open_form(
    store: Store, training_id: int, meeting: int, form_id: str, anonymous: bool, now: datetime, spec: dict | None = None
) -> FormSession:
    """Open a form for the participants of a meeting (again, when it was closed).

    Once someone has answered it, its anonymity and its questions (``spec``, the form as asked)
    stay as they were.
    """
    return store.open_form(training_id, meeting, form_id, anonymous, now, spec, settle=reopened_settings)


def submit(
    store: Store,
    training_id: int,
    meeting: int,
    form_id: str,
    respondent_key: str | Callable[[bool], str],
    values: dict,
    now: datetime,
    participant_id: int | None = None,
    paper: bool = False,
    anonymous_ok: bool = True,
) -> int:
    """Store a submitted form, replacing an earlier submission with the same key; the submission id.

    Participants answer only while the form is open (else :class:`~pztraining.store.FormClosed`);
    paper forms also before and after. On an anonymous form no participant and no time are kept;
    with ``anonymous_ok=False`` (a phone's named answer) it raises
    :class:`~pztraining.store.AnonymousForm` instead, nothing written. ``respondent_key`` may be
    a function of the form's anonymity as stored.
    """
    return store.submit(
        training_id, meeting, form_id, respondent_key, values, now, participant_id, paper, anonymous_ok, admit=admission
    )


def save_open_draft(
    store: Store,
    training_id: int,
    meeting: int,
    form_id: str,
    key_for: Callable[[bool], str],
    values: dict,
    now: datetime,
) -> bool:
    """Keep a participant's draft of an open form (:class:`~pztraining.store.FormClosed` if it is
    not open); False, nothing stored, on an anonymous form: the draft stays on the phone."""
    return store.set_draft(training_id, meeting, form_id, key_for, values, now, admit=admission)
