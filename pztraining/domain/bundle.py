"""A training carried from a laptop to the organisation's server: the bundle file (pure).

``pztraining bundle export`` writes one training to one JSON file; ``bundle import`` on the
hosted server reads it back. This module is the file's format and every check on it; the
SQL is :mod:`pztraining.store.bundles`. No clock (``exported_at`` is passed in), no store.

The file::

    {"format": "pztraining-bundle", "version": 1, "checksum": "<sha256 hex>", "content": {...}}

``checksum`` is the SHA-256 of the content's canonical JSON (keys sorted, no spaces, UTF-8),
so a file damaged or edited by hand is refused. It is a checksum, not a signature: whoever
edits the file on purpose can compute a new one (see the README, *From a laptop to the server*).

The content holds the training (name, programme, organisation, meeting dates), its meetings
as run in the Draaiboek, the checklist, the participants (attendance: name and when they
joined), the forms as asked (the content version: each form's spec as it was opened), named
answers, anonymous answers, quiz reveals, role-play groups and turns, shared cases and agreed
actions. Not: drafts, join and facilitator codes, device hashes, submission ids, respondent
keys. Anonymous answers carry only what was answered, the form and whether it came on paper,
and are sorted by their own content, so neither a field nor their order ties one to a phone.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

from pztraining.content.errors import format_location
from pztraining.core.errors import PztrainingError
from pztraining.core.texts import t

FORMAT = "pztraining-bundle"
#: The newest file version this code reads and the one it writes.
VERSION = 1


class BundleError(PztrainingError):
    """A bundle that cannot be made, read or imported; the message is one Dutch sentence."""


class DamagedBundle(BundleError):
    """Not a bundle, or one whose content no longer matches its checksum (damaged or edited)."""


class ForeignBundle(BundleError):
    """A bundle of another organisation than the one it is imported for."""


# ------------------------------------------------------------------ the content's shape


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


MeetingNo = Annotated[int, Field(ge=1, le=1000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Id = Annotated[str, Field(min_length=1, max_length=64)]
#: What was answered, item id → the value as stored (a number, a text, a list of options).
Answers = dict[Id, Any]


class TrainingPart(_Part):
    name: Name
    program_id: Id
    created_at: AwareDatetime
    meeting_dates: list[date | None] = Field(max_length=1000)


class Run(_Part):
    meeting: MeetingNo
    state: dict[str, Any] | None
    updated_at: AwareDatetime
    version: int = Field(ge=0)


class Tick(_Part):
    item_id: Id
    ticked_at: AwareDatetime


class Person(_Part):
    ref: int = Field(ge=1)
    name: Annotated[str, Field(min_length=1, max_length=100)]
    joined_at: AwareDatetime


class FormAsked(_Part):
    meeting: MeetingNo
    form_id: Id
    anonymous: bool
    opened_at: AwareDatetime
    closed_at: AwareDatetime | None
    spec: dict[str, Any] | None


class NamedAnswer(_Part):
    meeting: MeetingNo
    form_id: Id
    participant: int | None  # a Person's ref
    paper: bool
    submitted_at: AwareDatetime | None
    answers: Answers


class AnonymousAnswer(_Part):
    meeting: MeetingNo
    form_id: Id
    paper: bool
    answers: Answers


class Reveal(_Part):
    meeting: MeetingNo
    form_id: Id
    item_id: Id
    revealed_at: AwareDatetime


class Turn(_Part):
    turn: int
    member: Name
    variant: str = Field(min_length=1, max_length=20)
    planned_seconds: int
    actual_seconds: int
    paused_seconds: int
    started_at: AwareDatetime
    ended_at: AwareDatetime


class Group(_Part):
    meeting: MeetingNo
    name: str = Field(min_length=1, max_length=100)
    state: dict[str, Any]
    version: int = Field(ge=0)
    updated_at: AwareDatetime
    turns: list[Turn]


class Share(_Part):
    meeting: MeetingNo
    case_id: Id
    opened_at: AwareDatetime
    closed_at: AwareDatetime | None


class Action(_Part):
    meeting: MeetingNo
    text: str
    who: Name
    due: date | None
    done: bool
    created_at: AwareDatetime


class Content(_Part):
    """What a bundle carries (see the module's docstring); the checksum is over this."""

    training_uid: str = Field(pattern=r"^[0-9a-f]{32}$")
    organisation: Name
    exported_at: AwareDatetime
    pztraining: str = Field(max_length=40)  # the version that wrote it
    schema_version: int = Field(ge=1)  # the laptop's database schema
    training: TrainingPart
    meetings: list[Run]
    checklist: list[Tick]
    participants: list[Person]
    forms: list[FormAsked]
    answers: list[NamedAnswer]
    anonymous_answers: list[AnonymousAnswer]
    quiz_reveals: list[Reveal]
    roleplay: list[Group]
    case_shares: list[Share]
    case_actions: list[Action]

    @model_validator(mode="after")
    def _consistent(self) -> Content:
        # What the database would refuse half-way is refused here, before anything is written.
        refs = [p.ref for p in self.participants]
        if len(set(refs)) != len(refs):
            raise ValueError("participants: ref twice")
        forms = Counter((f.meeting, f.form_id) for f in self.forms)
        if any(n > 1 for n in forms.values()):
            raise ValueError("forms: a form twice")
        anonymous = {(f.meeting, f.form_id) for f in self.forms if f.anonymous}
        for unnamed in self.anonymous_answers:
            if (unnamed.meeting, unnamed.form_id) not in anonymous:
                raise ValueError("anonymous_answers: not on an anonymous form")
        named = Counter((a.meeting, a.form_id, a.participant) for a in self.answers if a.participant is not None)
        for a in self.answers:
            if (a.meeting, a.form_id) in anonymous:
                raise ValueError("answers: a named answer on an anonymous form")
            if a.participant is not None and (
                a.participant not in refs or named[a.meeting, a.form_id, a.participant] > 1
            ):
                raise ValueError("answers: unknown participant, or one twice")
        for name, keys in (
            ("meetings", [r.meeting for r in self.meetings]),
            ("checklist", [c.item_id for c in self.checklist]),
            ("quiz_reveals", [(r.meeting, r.form_id, r.item_id) for r in self.quiz_reveals]),
            ("roleplay", [(g.meeting, g.name) for g in self.roleplay]),
            ("case_shares", [(s.meeting, s.case_id) for s in self.case_shares]),
        ):
            if len(set(keys)) != len(keys):
                raise ValueError(f"{name}: twice")
        return self


# ------------------------------------------------------------------ writing and reading


def canonical(content: Any) -> bytes:
    """The bytes the checksum is taken over: JSON with sorted keys, no spaces, UTF-8."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
        "utf-8"
    )


def checksum(content: Any) -> str:
    """The SHA-256 (hex) of ``content``'s canonical JSON."""
    return hashlib.sha256(canonical(content)).hexdigest()


#: What says when and by which version a bundle was made, not what the training holds.
_ABOUT_THE_FILE = ("exported_at", "pztraining", "schema_version")


def data_checksum(content: dict[str, Any]) -> str:
    """The checksum of what the training holds (the content without when and by what it was
    exported): two exports of an unchanged training have the same one, so the second import
    of either writes nothing."""
    return checksum({key: value for key, value in content.items() if key not in _ABOUT_THE_FILE})


def _order(content: dict[str, Any]) -> dict[str, Any]:
    """Every list in an order of its own content, so the file says nothing about when rows came in."""

    def by_content(rows: list[Any]) -> list[Any]:
        return sorted(rows, key=canonical)

    ordered = dict(content)
    for name in ("meetings", "checklist", "forms", "answers", "anonymous_answers", "quiz_reveals", "case_shares"):
        ordered[name] = by_content(content[name])
    ordered["participants"] = sorted(content["participants"], key=lambda p: p["ref"])
    # The order recorded, kept: a role play's turns and the actions agreed are lists people read.
    ordered["roleplay"] = sorted(content["roleplay"], key=lambda g: (g["meeting"], g["name"]))
    return ordered


def seal(
    rows: dict[str, Any], *, organisation: str, exported_at: datetime, version: str, schema_version: int
) -> tuple[str, str]:
    """The bundle file's text for one training as the store read it (and its checksum).

    ``rows`` is :meth:`pztraining.store.Store.training_bundle`'s dict; ``organisation`` the one
    the bundle is for (see :func:`export_organisation`).
    """
    try:
        model = Content.model_validate(
            {
                **rows,
                "organisation": organisation,
                "exported_at": exported_at,
                "pztraining": version,
                "schema_version": schema_version,
            }
        )
    except ValidationError as exc:  # the store gave what it holds: only a bug or a hand-edited database
        raise BundleError(t("bundle.cannot_make", where=_where(exc))) from None
    content = _order(model.model_dump(mode="json"))
    try:
        digest = checksum(content)
    except ValueError:  # a NaN or infinity among the answers: no JSON can carry it
        raise BundleError(t("bundle.cannot_make", where="answers")) from None
    text = json.dumps(
        {"format": FORMAT, "version": VERSION, "checksum": digest, "content": content},
        ensure_ascii=False,
        indent=1,
        sort_keys=True,
    )
    return text + "\n", digest


def _where(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return format_location(first["loc"]) or "content"


class Bundle:
    """A bundle read back and checked: ``content`` (Python values, as the store takes them), the
    file's ``checksum`` and the ``data_checksum`` of what the training holds."""

    def __init__(self, content: dict[str, Any], digest: str, data_digest: str):
        self.content, self.checksum, self.data_checksum = content, digest, data_digest

    @property
    def organisation(self) -> str:
        return str(self.content["organisation"])

    @property
    def training_name(self) -> str:
        return str(self.content["training"]["name"])


def read(data: bytes, source: object = "") -> Bundle:
    """Check a bundle file's bytes: its format, its version, its checksum, then its content.

    :class:`DamagedBundle` (Dutch, naming ``source``) for anything else than an intact bundle.
    """
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise DamagedBundle(t("bundle.not_a_bundle", path=source)) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT or "content" not in document:
        raise DamagedBundle(t("bundle.not_a_bundle", path=source))
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DamagedBundle(t("bundle.not_a_bundle", path=source))
    if version > VERSION:
        raise BundleError(t("bundle.newer", path=source, version=version, known=VERSION))
    try:
        intact = document.get("checksum") == checksum(document["content"])
    except ValueError:  # NaN or Infinity: JSON of no writer of ours
        intact = False
    if not intact:
        raise DamagedBundle(t("bundle.tampered", path=source))
    try:
        model = Content.model_validate(document["content"])
    except ValidationError as exc:
        raise DamagedBundle(t("bundle.invalid", path=source, where=_where(exc))) from None
    return Bundle(model.model_dump(), document["checksum"], data_checksum(document["content"]))


# ------------------------------------------------------------------ organisations


def same_organisation(a: str, b: str) -> bool:
    """Whether two spellings name one organisation (case and runs of spaces do not matter)."""

    def plain(name: str) -> str:
        return re.sub(r"\s+", " ", name).strip().casefold()

    return bool(plain(a)) and plain(a) == plain(b)


def export_organisation(stored: str, given: str | None) -> str:
    """The organisation a training's bundle is for: the one stored with it, or ``--org``.

    A training made without an organisation needs ``--org``; one that has one keeps it (an
    ``--org`` naming another is refused: a bundle is never moved to another organisation).
    """
    stored, given = stored.strip(), (given or "").strip()
    if stored and given and not same_organisation(stored, given):
        raise ForeignBundle(t("bundle.export_other_org", stored=stored, given=given))
    if not stored and not given:
        raise BundleError(t("bundle.export_need_org"))
    return stored or given


def import_organisation(bundle: Bundle, given: str, known: set[str] | frozenset[str]) -> str:
    """The server's organisation a bundle goes into, as the server spells it.

    ``given`` is the ``--org`` of the import, ``known`` the organisations the server has (of
    its users and trainings). The bundle must be of ``given`` (else :class:`ForeignBundle`),
    and ``given`` must be one of ``known``: a typo never makes a new organisation.
    """
    if not same_organisation(bundle.organisation, given):
        raise ForeignBundle(
            t("bundle.foreign", name=bundle.training_name, theirs=bundle.organisation, given=given.strip())
        )
    spelled = sorted(org for org in known if same_organisation(org, given))
    if not spelled:
        raise ForeignBundle(t("bundle.unknown_org", given=given.strip(), known=", ".join(sorted(known)) or "–"))
    return spelled[0]


def summary(content: dict[str, Any]) -> dict[str, int]:
    """What a bundle holds, to tell the user: participants, filled-in forms, of which anonymous."""
    anonymous = len(content["anonymous_answers"])
    return {
        "participants": len(content["participants"]),
        "answers": len(content["answers"]) + anonymous,
        "anonymous": anonymous,
    }


def open_forms(rows: dict[str, Any]) -> list[str]:
    """The forms still open in a training as read (``meeting N: form``): anonymous answers that
    wait in a running room server's pool are not stored yet, so not in a bundle made now."""
    return [
        f"{form['meeting']}: {form['form_id']}"
        for form in sorted(rows["forms"], key=lambda f: (f["meeting"], f["form_id"]))
        if form["closed_at"] is None
    ]
