"""A bundle's rows written into the server's training, inside the import's transaction.

Imported again (a newer export), the training also holds what was entered on the server since the
first import: paperwork, paper attendance, paper forms, checklist ticks, agreed actions (and their
"done"), facilitator links, runs and forms the server changed. Those are never lost (issue 25:
never destroy what is not ours). What the bundle owns is replaced: the meeting dates, the
participants and the answers an import wrote (their respondent keys start with :data:`IMPORTED`).
What both may have, one row per key (a meeting's run, a form asked, a case shown, a role-play
group), keeps the newest by the time the row carries: the server's when it changed it after the
laptop did (those are returned, so the import can say so), the laptop's otherwise. A tick, a quiz
reveal or an action is added when the server lacks it; an action done on either side stays done.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, insert, or_, select, update
from sqlalchemy.engine import Connection

from pztraining.store.engine import inserted_id
from pztraining.store.tables import (
    answers,
    case_actions,
    case_shares,
    checklist_ticks,
    form_sessions,
    meeting_date_rows,
    meeting_runs,
    participants,
    quiz_reveals,
    roleplay_groups,
    roleplay_turns,
    submissions,
    utc,
)

#: The respondent key of every submission an import writes: random after the prefix, so it ties
#: no answer to a phone, and the next import knows its own rows from the paper forms entered on
#: the server ("papier:…"). The older prefixes are of imports made before this one existed.
IMPORTED = "bundel:"
_EARLIER_IMPORTS = ("p:", "b:", "a:")

#: What the server kept because its change was newer: (kind, meeting, name); kind is one of
#: "run", "form", "case", "roleplay" (the name is "" for a run).
Kept = tuple[str, int, str]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def write_bundle_rows(conn: Connection, training_id: int, content: dict[str, Any]) -> list[Kept]:
    """Write a bundle's rows into ``training_id`` (new or imported before); what the server kept."""
    _replace_dates(conn, training_id, content["training"]["meeting_dates"])
    _replace_people_and_answers(conn, training_id, content)
    kept = _merge(
        conn,
        meeting_runs,
        training_id,
        ("meeting",),
        [
            {
                "meeting": r["meeting"],
                "state": _dumps(r["state"]),
                "updated_at": r["updated_at"],
                "version": r["version"],
            }
            for r in content["meetings"]
        ],
        changed_at=lambda r: r["updated_at"],
        content=lambda r: json.loads(r["state"]),
        kind="run",
    )
    kept += _merge(
        conn,
        form_sessions,
        training_id,
        ("meeting", "form_id"),
        [
            {
                "meeting": f["meeting"],
                "form_id": f["form_id"],
                "anonymous": f["anonymous"],
                "opened_at": f["opened_at"],
                "closed_at": f["closed_at"],
                "form_spec": None if f["spec"] is None else _dumps(f["spec"]),
            }
            for f in content["forms"]
        ],
        changed_at=_last_change,
        content=lambda r: (bool(r["anonymous"]), r["closed_at"] is None, _loads(r["form_spec"])),
        kind="form",
    )
    kept += _merge(
        conn,
        case_shares,
        training_id,
        ("meeting", "case_id"),
        content["case_shares"],
        changed_at=_last_change,
        content=lambda r: r["closed_at"] is None,
        kind="case",
    )
    kept += _merge_roleplay(conn, training_id, content["roleplay"])
    _add_missing(conn, checklist_ticks, training_id, ("item_id",), content["checklist"])
    _add_missing(conn, quiz_reveals, training_id, ("meeting", "form_id", "item_id"), content["quiz_reveals"])
    _merge_actions(conn, training_id, content["case_actions"])
    return kept


def _loads(text_: str | None) -> Any:
    return json.loads(text_) if text_ is not None else None


def _last_change(row: Any) -> datetime:
    """When a form or case was last opened or closed."""
    return max(utc(row["opened_at"]), utc(row["closed_at"] or row["opened_at"]))


def _replace_dates(conn: Connection, training_id: int, dates: list) -> None:
    # The dates are the laptop's: the server cannot change an imported training's dates.
    conn.execute(delete(meeting_date_rows).where(meeting_date_rows.c.training_id == training_id))
    if dates:
        conn.execute(
            insert(meeting_date_rows),
            [{"training_id": training_id, "meeting": number, "date": day} for number, day in enumerate(dates, 1)],
        )


def _replace_people_and_answers(conn: Connection, training_id: int, content: dict[str, Any]) -> None:
    """The participants and the answers of the bundle, instead of those of an earlier import.

    Nobody joins an imported training, so all its participants are the bundle's; answers entered
    on the server (paper forms, no participant) have keys of their own and stay.
    """
    imported = select(submissions.c.id).where(
        submissions.c.training_id == training_id,
        or_(*(submissions.c.respondent_key.startswith(prefix) for prefix in (IMPORTED, *_EARLIER_IMPORTS))),
    )
    copies = _earlier_paper_copies(conn, training_id, content)
    for chunk in (imported, copies):
        conn.execute(delete(answers).where(answers.c.submission_id.in_(chunk)))
        conn.execute(delete(submissions).where(submissions.c.id.in_(chunk)))
    conn.execute(delete(participants).where(participants.c.training_id == training_id))
    people: dict[int, int] = {}
    for person in sorted(content["participants"], key=lambda p: p["ref"]):  # ids in the order of joining
        # The device hash is of no use here (nobody joins an imported training) and stays on the laptop.
        people[person["ref"]] = inserted_id(
            conn.execute(
                insert(participants).values(
                    training_id=training_id,
                    name=person["name"],
                    device_hash=secrets.token_hex(32),
                    created_at=person["joined_at"],
                )
            )
        )
    named = [
        (sent, people.get(sent["participant"]) if sent["participant"] is not None else None, sent["submitted_at"])
        for sent in content["answers"]
    ]
    _add_submissions(conn, training_id, named)
    # Anonymous answers as a batch of the mixing pool: shuffled, random ids, no person, no time.
    _add_submissions(conn, training_id, [(sent, None, None) for sent in content["anonymous_answers"]])


def _earlier_paper_copies(conn: Connection, training_id: int, content: dict[str, Any]) -> list[int]:
    """The laptop's paper forms as an import before :data:`IMPORTED` wrote them: with "papier:" keys,
    like the paper forms entered on the server. Such an import is known by its other keys
    (:data:`_EARLIER_IMPORTS`); of its "papier:" rows, those with the meeting, form and answers of
    one of the bundle's paper forms (each matched once) are taken for its copies, the rest are the
    server's own."""
    earlier = or_(*(submissions.c.respondent_key.startswith(prefix) for prefix in _EARLIER_IMPORTS))
    if conn.execute(select(submissions.c.id).where(submissions.c.training_id == training_id, earlier)).first() is None:
        return []
    paper: dict[int, tuple[int, str, dict[str, Any]]] = {
        row.id: (row.meeting, row.form_id, {})
        for row in conn.execute(
            select(submissions.c.id, submissions.c.meeting, submissions.c.form_id).where(
                submissions.c.training_id == training_id,
                submissions.c.paper.is_(True),
                submissions.c.respondent_key.startswith("papier:"),
            )
        ).all()
    }
    if not paper:
        return []
    for answer in conn.execute(select(answers).where(answers.c.submission_id.in_(list(paper)))).all():
        paper[answer.submission_id][2][answer.item_id] = json.loads(answer.value)

    def same(meeting: int, form_id: str, values: dict[str, Any]) -> str:
        return json.dumps([meeting, form_id, values], sort_keys=True, ensure_ascii=False, default=str)

    wanted = Counter(
        same(sent["meeting"], sent["form_id"], sent["answers"])
        for sent in (*content["answers"], *content["anonymous_answers"])
        if sent["paper"] and sent.get("participant") is None
    )
    copies = []
    for submission_id, (meeting, form_id, values) in sorted(paper.items()):
        found = same(meeting, form_id, values)
        if wanted[found]:
            wanted[found] -= 1
            copies.append(submission_id)
    return copies


def _merge(
    conn: Connection,
    table: Table,
    training_id: int,
    key: tuple[str, ...],
    rows: list[dict[str, Any]],
    changed_at: Callable[[Any], datetime],
    content: Callable[[Any], Any],
    kind: str,
) -> list[Kept]:
    """Rows of ``table`` one per ``key``: the bundle's added where the server has none, and taking
    the place of the server's unless that changed later (then kept, and returned when its
    ``content`` differs from the bundle's)."""
    held = {
        tuple(row[name] for name in key): row
        for row in conn.execute(select(table).where(table.c.training_id == training_id)).mappings()
    }
    kept: list[Kept] = []
    fresh = []
    for row in rows:
        at = tuple(row[name] for name in key)
        server = held.get(at)
        if server is None:
            fresh.append(row)
        elif utc(changed_at(server)) > utc(changed_at(row)):
            if content(server) != content(row):
                kept.append((kind, int(row["meeting"]), "" if len(key) == 1 else str(at[-1])))
        else:
            values = dict(row)
            if "version" in values:  # never back: a page that read the server's version stays stale
                values["version"] = max(int(values["version"]), int(server["version"]) + 1)
            conn.execute(
                update(table)
                .where(table.c.training_id == training_id, *(table.c[name] == value for name, value in zip(key, at)))
                .values(**values)
            )
    if fresh:
        conn.execute(insert(table), [{"training_id": training_id, **row} for row in fresh])
    return kept


def _merge_roleplay(conn: Connection, training_id: int, groups: list[dict[str, Any]]) -> list[Kept]:
    """Role-play groups by meeting and name, the newest by ``updated_at``; a group's turns go with it."""
    held = {
        (row.meeting, row.name): row
        for row in conn.execute(select(roleplay_groups).where(roleplay_groups.c.training_id == training_id)).all()
    }
    kept: list[Kept] = []
    for group in groups:
        server = held.get((group["meeting"], group["name"]))
        values = {"state": _dumps(group["state"]), "version": group["version"], "updated_at": group["updated_at"]}
        if server is None:
            group_id = inserted_id(
                conn.execute(
                    insert(roleplay_groups).values(
                        training_id=training_id, meeting=group["meeting"], name=group["name"], **values
                    )
                )
            )
        elif utc(server.updated_at) > utc(group["updated_at"]):
            if json.loads(server.state) != group["state"]:
                kept.append(("roleplay", int(group["meeting"]), str(group["name"])))
            continue
        else:
            group_id = server.id
            values["version"] = max(int(group["version"]), int(server.version) + 1)
            conn.execute(update(roleplay_groups).where(roleplay_groups.c.id == group_id).values(**values))
            conn.execute(delete(roleplay_turns).where(roleplay_turns.c.group_id == group_id))
        if group["turns"]:
            conn.execute(insert(roleplay_turns), [{"group_id": group_id, **turn} for turn in group["turns"]])
    return kept


def _add_missing(
    conn: Connection, table: Table, training_id: int, key: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """The bundle's rows the server lacks (a tick, a reveal): one it has already stays as it is."""
    held = {
        tuple(row[name] for name in key)
        for row in conn.execute(select(*(table.c[name] for name in key)).where(table.c.training_id == training_id))
        .mappings()
        .all()
    }
    fresh = [row for row in rows if tuple(row[name] for name in key) not in held]
    if fresh:
        conn.execute(insert(table), [{"training_id": training_id, **row} for row in fresh])


def _merge_actions(conn: Connection, training_id: int, actions: list[dict[str, Any]]) -> None:
    """Agreed actions known by meeting, text, who and when agreed: the bundle's the server lacks
    are added (in the laptop's order), and one done on either side is done."""

    def same(row: Any) -> tuple:
        return (row["meeting"], row["text"], row["who"], utc(row["created_at"]))

    held = {
        same(row): row
        for row in conn.execute(select(case_actions).where(case_actions.c.training_id == training_id)).mappings()
    }
    for action in actions:
        server = held.get(same(action))
        if server is None:
            conn.execute(insert(case_actions).values(training_id=training_id, **action))
        elif action["done"] and not server["done"]:
            conn.execute(update(case_actions).where(case_actions.c.id == server["id"]).values(done=True))


def _new_submission_ids(conn: Connection, count: int) -> list[int]:
    """``count`` random submission ids, unused in the database (asked in one query a round)."""
    found: set[int] = set()
    while len(found) < count:
        candidates = {secrets.randbelow(2**31 - 1) + 1 for _ in range(count - len(found))} - found
        taken = set(conn.execute(select(submissions.c.id).where(submissions.c.id.in_(candidates))).scalars())
        found |= candidates - taken
    return list(found)


def _add_submissions(
    conn: Connection, training_id: int, sent: Iterable[tuple[dict[str, Any], int | None, datetime | None]]
) -> None:
    """Insert submissions ``(entry, participant id, time)`` with new random ids and keys, in a random order.

    Two statements whatever the number (a row at a time took 20 s for 800 forms on PostgreSQL).
    The rows are a random permutation, so the order a driver writes them in says nothing either.
    """
    order = list(sent)
    if not order:
        return
    shuffle = secrets.SystemRandom().shuffle
    shuffle(order)
    ids = _new_submission_ids(conn, len(order))
    conn.execute(
        insert(submissions),
        [
            {
                "id": submission_id,
                "training_id": training_id,
                "meeting": entry["meeting"],
                "form_id": entry["form_id"],
                "respondent_key": f"{IMPORTED}{secrets.token_hex(30)}",
                "participant_id": person,
                "submitted_at": at,
                "paper": entry["paper"],
            }
            for submission_id, (entry, person, at) in zip(ids, order, strict=True)
        ],
    )
    rows = [
        {"submission_id": submission_id, "item_id": item_id, "value": _dumps(value)}
        for submission_id, (entry, *_rest) in zip(ids, order, strict=True)
        for item_id, value in entry["answers"].items()
    ]
    shuffle(rows)
    if rows:
        conn.execute(insert(answers), rows)


__all__ = ["IMPORTED", "Kept", "write_bundle_rows"]
