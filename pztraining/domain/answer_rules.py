"""The rules of answering a form: what an answer or a draft comes to, and what a reopened form keeps.

The store applies them inside the transaction that writes (it reads the form's row, asks the rule,
then writes or refuses), so a form closed or made anonymous a moment earlier is seen; the store
may not import this module, so its callers (:mod:`pztraining.services.forms`) hand the rule in.
The decisions are plain strings for the same reason. Pure: no store, no clock.
"""

from __future__ import annotations

from typing import Literal, TypeVar

#: What an answer (or a draft) to a form comes to:
#: "named": kept with the participant and the time; "anonymous": kept without either;
#: "closed": refused, the form is not open; "not_named": refused, a write under a name
#: to an anonymous form (a phone's anonymous answer goes through the mixing pool, its draft
#: stays on the phone).
Admission = Literal["named", "anonymous", "closed", "not_named"]

Spec = TypeVar("Spec")


def admission(*, is_open: bool, anonymous: bool, paper: bool, named_only: bool) -> Admission:
    """What an answer to a form comes to.

    ``is_open``: the form is open now (False when it was never opened); ``anonymous``: it was
    opened as anonymous. Participants answer only while a form is open; paper forms, typed in by
    the trainer, also before it was opened and after it closed. ``named_only`` is a phone's
    write that carries its participant (a named answer or a draft): on an anonymous form it
    is refused rather than kept on its own, next to that phone's named writes.
    """
    if anonymous and not paper and named_only:
        # Open or closed: an anonymous answer has a way of its own, with its own check of a
        # closed form (a phone's receipt proves it was sent while the form was open).
        return "not_named"
    if not paper and not is_open:
        return "closed"
    return "anonymous" if anonymous else "named"


def reopened_settings(
    *, anonymous: bool, spec: Spec | None, stored_anonymous: bool, stored_spec: Spec | None, answered: bool
) -> tuple[bool, Spec | None]:
    """``(anonymous, spec)`` of a form opened again: as asked now (``anonymous``, ``spec``),
    unless someone has answered it.

    Once answered, a form's anonymity and its questions stay as stored: answers kept without a
    name must not get one, and the answers belong to the questions asked. A form stored
    without questions takes those asked now; a new opening without questions keeps the stored ones.
    """
    if answered:
        return stored_anonymous, stored_spec or spec
    return anonymous, spec or stored_spec
