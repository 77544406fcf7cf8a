"""Case discussions: the actions agreed at them, and the facts that say which were held."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, insert, select, update

from pztraining.core.texts import t
from pztraining.store.engine import Database, inserted_id, retry_when_busy
from pztraining.store.errors import MissingEntry
from pztraining.store.tables import case_actions, meeting_runs, trainings, utc
from pztraining.store.trainings import Training, require_training, training_from_row


@dataclass(frozen=True)
class CaseAction:
    """An action agreed at a case discussion: what (as typed), who, by when, done or not."""

    id: int
    training_id: int
    meeting: int
    text: str
    who: str
    due: date | None
    done: bool


@dataclass(frozen=True)
class AgreedAction:
    """When an action was recorded, and whether it is done (for counting held discussions)."""

    done: bool
    created_at: datetime


@dataclass(frozen=True)
class DiscussionRecord:
    """What the store holds of one case-discussion training (see :meth:`Discussions.case_discussion_records`)."""

    training: Training
    #: meeting → when its run (started in the Draaiboek, not reset) was last changed (UTC).
    runs: dict[int, datetime]
    #: meeting → the actions agreed at it, in the order recorded.
    actions: dict[int, list[AgreedAction]]


class Discussions(Database):
    """The SQL of agreed actions and of the facts behind held discussions."""

    @retry_when_busy
    def add_case_action(
        self, training_id: int, meeting: int, text_: str, who: str, due: date | None, now: datetime
    ) -> CaseAction:
        """Record an action agreed at a case discussion, as checked by
        :func:`pztraining.services.discussions.checked_action`."""
        with self._write() as conn:
            require_training(conn, training_id)
            action_id = inserted_id(
                conn.execute(
                    insert(case_actions).values(
                        training_id=training_id,
                        meeting=meeting,
                        text=text_,
                        who=who,
                        due=due,
                        done=False,
                        created_at=now,
                    )
                )
            )
        return CaseAction(action_id, training_id, meeting, text_, who, due, False)

    def list_case_actions(self, training_id: int, meeting: int | None = None) -> list[CaseAction]:
        """The actions agreed in a training's discussions (or at one), in the order recorded."""
        query = select(case_actions).where(case_actions.c.training_id == training_id)
        if meeting is not None:
            query = query.where(case_actions.c.meeting == meeting)
        with self._read() as conn:
            rows = conn.execute(query.order_by(case_actions.c.meeting, case_actions.c.id)).all()
        return [CaseAction(r.id, r.training_id, r.meeting, r.text, r.who, r.due, bool(r.done)) for r in rows]

    @retry_when_busy
    def set_case_action_done(self, action_id: int, done: bool) -> None:
        """Mark an agreed action done (or open again)."""
        with self._write() as conn:
            if not conn.execute(update(case_actions).where(case_actions.c.id == action_id).values(done=done)).rowcount:
                raise MissingEntry(t("actions.missing"))

    @retry_when_busy
    def remove_case_action(self, action_id: int) -> None:
        """Delete an action recorded by mistake."""
        with self._write() as conn:
            if not conn.execute(delete(case_actions).where(case_actions.c.id == action_id)).rowcount:
                raise MissingEntry(t("actions.missing"))

    def case_discussion_records(
        self, program_ids: frozenset[str] | set[str], organisation: str | None = None
    ) -> list[DiscussionRecord]:
        """What is stored of the trainings of ``program_ids`` (of one organisation, or all), by id.

        Facts only: whether a discussion counts as held is the rule of
        :func:`pztraining.services.discussions.held_discussions`.
        """
        query = select(trainings).where(trainings.c.program_id.in_(sorted(program_ids)))
        if organisation is not None:
            query = query.where(trainings.c.organisation == organisation.strip())
        records: list[DiscussionRecord] = []
        with self._read() as conn:
            for row in conn.execute(query.order_by(trainings.c.id)).all():
                training = training_from_row(conn, row)
                runs = {
                    r.meeting: utc(r.updated_at)
                    for r in conn.execute(
                        select(meeting_runs.c.meeting, meeting_runs.c.updated_at, meeting_runs.c.state).where(
                            meeting_runs.c.training_id == training.id
                        )
                    ).all()
                    if json.loads(r.state) is not None
                }  # "null": the run was reset, as if never started
                actions: dict[int, list[AgreedAction]] = {}
                columns = (case_actions.c.meeting, case_actions.c.done, case_actions.c.created_at)
                for action in conn.execute(
                    select(*columns)
                    .where(case_actions.c.training_id == training.id)
                    .order_by(case_actions.c.created_at)
                ).all():
                    actions.setdefault(action.meeting, []).append(
                        AgreedAction(bool(action.done), utc(action.created_at))
                    )
                records.append(DiscussionRecord(training, runs, actions))
        return records
