"""Answers: form sessions, submissions (named, paper and anonymous batches), drafts and quiz reveals."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from sqlalchemy import bindparam, delete, func, insert, select, update

from pztraining.core.texts import t
from pztraining.store.driver import Prepared
from pztraining.store.engine import Database, retry_when_busy
from pztraining.store.errors import AnonymousForm, FormClosed
from pztraining.store.keys import new_submission_id, random_submission_id
from pztraining.store.room import bump_room
from pztraining.store.tables import answers, drafts, form_sessions, quiz_reveals, submissions, utc
from pztraining.store.trainings import require_training

# The phones' writes (a draft every few seconds per phone, then a submit) run these statements
# straight on the driver (:mod:`.driver`): compiled once, they cost the CPU of SQLite's own work.
_FORM_STATE = Prepared(
    select(form_sessions.c.anonymous, form_sessions.c.closed_at).where(
        form_sessions.c.training_id == bindparam("t"),
        form_sessions.c.meeting == bindparam("m"),
        form_sessions.c.form_id == bindparam("f"),
    )
)
_DRAFT_KEY = (
    drafts.c.training_id == bindparam("t"),
    drafts.c.meeting == bindparam("m"),
    drafts.c.form_id == bindparam("f"),
    drafts.c.respondent_key == bindparam("k"),
)
_DRAFT_UPDATE = Prepared(update(drafts).where(*_DRAFT_KEY).values(answers=bindparam("a"), updated_at=bindparam("u")))
_DRAFT_INSERT = Prepared(
    insert(drafts).values(
        training_id=bindparam("t"),
        meeting=bindparam("m"),
        form_id=bindparam("f"),
        respondent_key=bindparam("k"),
        answers=bindparam("a"),
        updated_at=bindparam("u"),
    )
)
_DRAFT_DELETE = Prepared(delete(drafts).where(*_DRAFT_KEY))
_SUBMISSION_ID = Prepared(
    select(submissions.c.id).where(
        submissions.c.training_id == bindparam("t"),
        submissions.c.meeting == bindparam("m"),
        submissions.c.form_id == bindparam("f"),
        submissions.c.respondent_key == bindparam("k"),
    )
)
_SUBMISSION_TAKEN = Prepared(select(submissions.c.id).where(submissions.c.id == bindparam("s")))
_SUBMISSION_INSERT = Prepared(
    insert(submissions).values(
        id=bindparam("s"),
        training_id=bindparam("t"),
        meeting=bindparam("m"),
        form_id=bindparam("f"),
        respondent_key=bindparam("k"),
        participant_id=bindparam("p"),
        submitted_at=bindparam("at"),
        paper=bindparam("paper"),
    )
)
_SUBMISSION_UPDATE = Prepared(
    update(submissions)
    .where(submissions.c.id == bindparam("s"))
    .values(participant_id=bindparam("p"), submitted_at=bindparam("at"), paper=bindparam("paper"))
)
_ANSWERS_DELETE = Prepared(delete(answers).where(answers.c.submission_id == bindparam("s")))
_ANSWER_INSERT = Prepared(
    insert(answers).values(submission_id=bindparam("s"), item_id=bindparam("i"), value=bindparam("v"))
)


#: What the rule of :class:`Admit` decided; the store writes accordingly (see ``domain.answer_rules``).
Admission = Literal["named", "anonymous", "closed", "not_named"]


class Admit(Protocol):
    """The rule of what an answer comes to (``pztraining.domain.answer_rules.admission``)."""

    def __call__(self, *, is_open: bool, anonymous: bool, paper: bool, named_only: bool) -> Admission: ...


class Settle(Protocol):
    """The rule of what a reopened form keeps (``pztraining.domain.answer_rules.reopened_settings``)."""

    def __call__(
        self, *, anonymous: bool, spec: str | None, stored_anonymous: bool, stored_spec: str | None, answered: bool
    ) -> tuple[bool, str | None]: ...


@dataclass(frozen=True)
class FormSession:
    """A form the trainer opened for a meeting."""

    training_id: int
    meeting: int
    form_id: str
    anonymous: bool
    opened_at: datetime
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def session_from_row(row: Any) -> FormSession:
    return FormSession(
        row.training_id, row.meeting, row.form_id, bool(row.anonymous), utc(row.opened_at), utc(row.closed_at)
    )


def _form_state(session: Any) -> tuple[bool, bool]:
    """``(is_open, anonymous)``, what an :class:`Admit` rule decides on, from a row of ``_FORM_STATE``
    (None: the form was never opened)."""
    if session is None:
        return False, False
    anonymous, closed_at = session  # a row of the driver or of SQLAlchemy alike
    return closed_at is None, bool(anonymous)


def session_key(training_id: int, meeting: int, form_id: str):
    return (
        form_sessions.c.training_id == training_id,
        form_sessions.c.meeting == meeting,
        form_sessions.c.form_id == form_id,
    )


class Answers(Database):
    """The SQL of forms, drafts, submissions and quiz reveals."""

    @retry_when_busy
    def open_form(
        self,
        training_id: int,
        meeting: int,
        form_id: str,
        anonymous: bool,
        now: datetime,
        spec: dict | None = None,
        *,
        settle: Settle,
    ) -> FormSession:
        """Open a form for the participants of a meeting (again, when it was closed), in one transaction.

        ``spec`` is the form as asked. Opened again, the form keeps what ``settle`` decides from
        the stored row and whether anyone has answered it (read in this transaction).
        """
        spec_json = json.dumps(spec, ensure_ascii=False) if spec is not None else None
        with self._write() as conn:
            require_training(conn, training_id)
            key = session_key(training_id, meeting, form_id)
            row = conn.execute(select(form_sessions).where(*key)).first()
            if row is None:
                conn.execute(
                    insert(form_sessions).values(
                        training_id=training_id,
                        meeting=meeting,
                        form_id=form_id,
                        anonymous=anonymous,
                        opened_at=now,
                        form_spec=spec_json,
                    )
                )
            else:
                answered = conn.execute(
                    select(submissions.c.id).where(
                        submissions.c.training_id == training_id,
                        submissions.c.meeting == meeting,
                        submissions.c.form_id == form_id,
                    )
                ).first()
                kept_anonymous, kept_spec = settle(
                    anonymous=anonymous,
                    spec=spec_json,
                    stored_anonymous=bool(row.anonymous),
                    stored_spec=row.form_spec,
                    answered=answered is not None,
                )
                conn.execute(
                    update(form_sessions)
                    .where(*key)
                    .values(closed_at=None, anonymous=kept_anonymous, form_spec=kept_spec)
                )
            bump_room(conn, training_id)
        session = self.form_session(training_id, meeting, form_id)
        assert session is not None  # written just now
        return session

    @retry_when_busy
    def close_form(self, training_id: int, meeting: int, form_id: str, now: datetime) -> None:
        """Close a form: no new answers or corrections from participants after this."""
        with self._write() as conn:
            conn.execute(update(form_sessions).where(*session_key(training_id, meeting, form_id)).values(closed_at=now))
            bump_room(conn, training_id)

    def form_session(self, training_id: int, meeting: int, form_id: str) -> FormSession | None:
        """Whether and how a form is (or was) open, or None when it was never opened."""
        with self._read() as conn:
            row = conn.execute(select(form_sessions).where(*session_key(training_id, meeting, form_id))).first()
        return session_from_row(row) if row else None

    def form_sessions(self, training_id: int, meeting: int | None = None) -> list[FormSession]:
        """The forms ever opened in a training (or one meeting), open ones first."""
        query = select(form_sessions).where(form_sessions.c.training_id == training_id)
        if meeting is not None:
            query = query.where(form_sessions.c.meeting == meeting)
        with self._read() as conn:
            rows = conn.execute(query.order_by(form_sessions.c.meeting, form_sessions.c.opened_at)).all()
        return sorted((session_from_row(r) for r in rows), key=lambda s: not s.is_open)

    @retry_when_busy
    def set_draft(
        self,
        training_id: int,
        meeting: int,
        form_id: str,
        key_for: Callable[[bool], str],
        values: dict,
        now: datetime,
        *,
        admit: Admit,
    ) -> bool:
        """Keep a participant's draft, replacing the earlier one, in one transaction that reads the form.

        ``admit`` (a phone's named write, not paper) decides from the form as stored: "closed"
        raises :class:`FormClosed`; "not_named" stores nothing (False): the draft stays on the
        phone. ``key_for(anonymous)`` gives the respondent key for the form's anonymity as stored.
        """
        payload = json.dumps(values, ensure_ascii=False)
        with self._driver_write() as tx:
            session = tx.first(_FORM_STATE, {"t": training_id, "m": meeting, "f": form_id})
            is_open, anonymous = _form_state(session)
            decided = admit(is_open=is_open, anonymous=anonymous, paper=False, named_only=True)
            if decided == "closed":
                raise FormClosed(t("form.closed"))
            if decided == "not_named":
                return False
            row = {"t": training_id, "m": meeting, "f": form_id, "k": key_for(False), "a": payload, "u": now}
            if not tx.execute(_DRAFT_UPDATE, row):
                tx.execute(_DRAFT_INSERT, row)
        return True

    def load_draft(self, training_id: int, meeting: int, form_id: str, respondent_key: str) -> dict | None:
        """A saved draft, or None."""
        with self._read() as conn:
            value = conn.execute(
                select(drafts.c.answers).where(
                    drafts.c.training_id == training_id,
                    drafts.c.meeting == meeting,
                    drafts.c.form_id == form_id,
                    drafts.c.respondent_key == respondent_key,
                )
            ).scalar()
        return json.loads(value) if value else None

    @retry_when_busy
    def submit(
        self,
        training_id: int,
        meeting: int,
        form_id: str,
        respondent_key: str | Callable[[bool], str],
        values: dict,
        now: datetime,
        participant_id: int | None = None,
        paper: bool = False,
        anonymous_ok: bool = True,
        *,
        admit: Admit,
    ) -> int:
        """Store a submitted form, replacing an earlier submission with the same key.

        ``admit`` decides from the form as stored, read in this transaction: "closed" raises
        :class:`FormClosed`; "not_named" (``anonymous_ok=False``, a phone's answer to a form that
        turns out anonymous) raises :class:`AnonymousForm`, nothing written: the phone's anonymous
        answers go through :meth:`store_anonymous_batch`; "anonymous" keeps no participant and no
        time. ``respondent_key`` may be a function of the form's anonymity as stored (as for
        :meth:`set_draft`). Returns the submission id.
        """
        with self._driver_write() as tx:
            session = tx.first(_FORM_STATE, {"t": training_id, "m": meeting, "f": form_id})
            is_open, anonymous = _form_state(session)
            decided = admit(is_open=is_open, anonymous=anonymous, paper=paper, named_only=not anonymous_ok)
            if decided == "closed":
                raise FormClosed(t("store.form_closed"))
            if decided == "not_named":
                raise AnonymousForm(t("room.error.busy"))  # never shown: the caller mixes it instead
            anonymous = decided == "anonymous"  # paper on an anonymous form too
            key = respondent_key(anonymous) if callable(respondent_key) else respondent_key
            where = {"t": training_id, "m": meeting, "f": form_id, "k": key}
            row = tx.first(_SUBMISSION_ID, where)
            fields = {
                "p": None if anonymous else participant_id,
                "at": None if anonymous else now,
                "paper": paper,
            }
            if row is None:
                submission_id = random_submission_id()
                while tx.first(_SUBMISSION_TAKEN, {"s": submission_id}) is not None:
                    submission_id = random_submission_id()
                tx.execute(_SUBMISSION_INSERT, {**where, **fields, "s": submission_id})
            else:
                submission_id = row[0]
                tx.execute(_SUBMISSION_UPDATE, {**fields, "s": submission_id})
                tx.execute(_ANSWERS_DELETE, {"s": submission_id})
            if values:  # one driver call for all answers: a long form is as cheap as a short one
                tx.execute_many(
                    _ANSWER_INSERT,
                    [
                        {"s": submission_id, "i": item_id, "v": json.dumps(value, ensure_ascii=False)}
                        for item_id, value in values.items()
                    ],
                )
            tx.execute(_DRAFT_DELETE, where)
        return submission_id

    @retry_when_busy
    def store_anonymous_batch(self, training_id: int, meeting: int, form_id: str, entries: dict[str, dict]) -> set[str]:
        """Store anonymous answers (respondent key → values) together; the keys now stored.

        One transaction for the whole batch, rows written in a random order with random
        submission ids, no participant and no time: nothing in the database file, its WAL or
        PostgreSQL's heap and WAL orders one answer of the batch before another, or places it
        next to a phone's own writes. Written also when the form has closed meanwhile (the
        answers were accepted while it was open); an answer identical to the stored one is
        not written again. The phones hear of it through the room version.
        """
        shuffle = secrets.SystemRandom().shuffle
        order = list(entries.items())
        shuffle(order)
        rows: list[dict] = []
        written: list[int] = []
        with self._write() as conn:
            if conn.execute(_FORM_STATE.statement, {"t": training_id, "m": meeting, "f": form_id}).first() is None:
                return set()  # the form (or the training) was removed meanwhile
            taken: set[int] = set()
            for key, values in order:
                where = {"t": training_id, "m": meeting, "f": form_id, "k": key}
                submission_id = conn.execute(_SUBMISSION_ID.statement, where).scalar()
                if submission_id is None:
                    submission_id = new_submission_id(conn, taken)
                    taken.add(submission_id)
                    conn.execute(
                        insert(submissions).values(
                            id=submission_id,
                            training_id=training_id,
                            meeting=meeting,
                            form_id=form_id,
                            respondent_key=key,
                            participant_id=None,
                            submitted_at=None,
                            paper=False,
                        )
                    )
                else:
                    stored = {
                        r.item_id: json.loads(r.value)
                        for r in conn.execute(
                            select(answers.c.item_id, answers.c.value).where(answers.c.submission_id == submission_id)
                        )
                    }
                    if stored == values:
                        continue
                    conn.execute(delete(answers).where(answers.c.submission_id == submission_id))
                written.append(submission_id)
                rows += [
                    {"s": submission_id, "i": item_id, "v": json.dumps(value, ensure_ascii=False)}
                    for item_id, value in values.items()
                ]
            shuffle(rows)
            for row in rows:  # one by one: a driver may not keep the order of one executemany
                conn.execute(_ANSWER_INSERT.statement, row)
            bump_room(conn, training_id)
        if self._sqlite:
            self._checkpoint(quiet=True)
        elif written:
            # PostgreSQL marks a row as committed (hint bits) when it is first read, which may
            # write a page image to its WAL: read the whole batch now, so that moment is the
            # batch's and not that of the phone that asks about its own answer first.
            with self._read() as conn:  # columns, not a count: an index-only scan would skip the rows
                conn.execute(select(submissions.c.respondent_key).where(submissions.c.id.in_(written))).all()
                conn.execute(select(answers.c.value).where(answers.c.submission_id.in_(written))).all()
        return set(entries)

    def load_submission(self, training_id: int, meeting: int, form_id: str, respondent_key: str) -> dict | None:
        """The submitted answers of one respondent (item id → value), or None."""
        with self._read() as conn:
            submission_id = conn.execute(
                select(submissions.c.id).where(
                    submissions.c.training_id == training_id,
                    submissions.c.meeting == meeting,
                    submissions.c.form_id == form_id,
                    submissions.c.respondent_key == respondent_key,
                )
            ).scalar()
            if submission_id is None:
                return None
            rows = conn.execute(
                select(answers.c.item_id, answers.c.value).where(answers.c.submission_id == submission_id)
            ).all()
        return {r.item_id: json.loads(r.value) for r in rows}

    def response_counts(self, training_id: int, meeting: int, paper: bool | None = None) -> dict[str, int]:
        """Submitted forms per form id in a meeting: all, or only from paper (True) or phones (False)."""
        query = select(submissions.c.form_id, func.count()).where(
            submissions.c.training_id == training_id, submissions.c.meeting == meeting
        )
        if paper is not None:
            query = query.where(submissions.c.paper.is_(paper))
        with self._read() as conn:
            rows = conn.execute(query.group_by(submissions.c.form_id)).all()
        return {form_id: count for form_id, count in rows}  # noqa: C416 - dict(rows) is not typed as dict[str, int]

    def respondents(self, training_id: int, meeting: int, form_id: str) -> set[int]:
        """Ids of the participants who submitted a (non-anonymous, non-paper) form."""
        with self._read() as conn:
            ids = conn.execute(
                select(submissions.c.participant_id).where(
                    submissions.c.training_id == training_id,
                    submissions.c.meeting == meeting,
                    submissions.c.form_id == form_id,
                    submissions.c.participant_id.is_not(None),
                )
            ).scalars()
            return set(ids)

    # ------------------------------------------------------------------ quiz answers (zorgkaart)

    @retry_when_busy
    def reveal_answer(self, training_id: int, meeting: int, form_id: str, item_id: str, now: datetime) -> None:
        """Show a quiz item's right answer from now on, on every page of this training (one transaction)."""
        key = (
            quiz_reveals.c.training_id == training_id,
            quiz_reveals.c.meeting == meeting,
            quiz_reveals.c.form_id == form_id,
            quiz_reveals.c.item_id == item_id,
        )
        with self._write() as conn:
            require_training(conn, training_id)
            if conn.execute(select(quiz_reveals.c.item_id).where(*key)).first() is None:
                conn.execute(
                    insert(quiz_reveals).values(
                        training_id=training_id, meeting=meeting, form_id=form_id, item_id=item_id, revealed_at=now
                    )
                )
            bump_room(conn, training_id)

    def revealed_items(self, training_id: int, meeting: int, form_id: str) -> frozenset[str]:
        """The ids of the quiz items of a form whose right answer the trainer has shown."""
        with self._read() as conn:
            rows = (
                conn.execute(
                    select(quiz_reveals.c.item_id).where(
                        quiz_reveals.c.training_id == training_id,
                        quiz_reveals.c.meeting == meeting,
                        quiz_reveals.c.form_id == form_id,
                    )
                )
                .scalars()
                .all()
            )
        return frozenset(rows)

    def list_item_answers(self, training_id: int, meeting: int, form_id: str, item_id: str) -> list:
        """Every submitted answer to one item of a form in a meeting (phones and paper), in no order."""
        query = (
            select(answers.c.value)
            .join(submissions, answers.c.submission_id == submissions.c.id)
            .where(
                submissions.c.training_id == training_id,
                submissions.c.meeting == meeting,
                submissions.c.form_id == form_id,
                answers.c.item_id == item_id,
            )
        )
        with self._read() as conn:
            return [json.loads(value) for value in conn.execute(query).scalars().all()]
