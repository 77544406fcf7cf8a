"""Aggregation of answers and role-play turns: pure functions from data to pandas frames.

Nothing here reads the store, widgets or the clock. :func:`tidy_answers` turns stored rows
into one tidy frame (one answer per row); every other function takes frames and returns
frames. Participants appear as a stable pseudonym code ("D03"); names only when asked for.
Column names are Dutch-free identifiers; :mod:`pztraining.reports.export` labels them for people.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from pztraining.content import AGREEMENT_LABELS, Form, FormItem, load_tree
from pztraining.core.texts import t
from pztraining.domain.forms import form_spec

#: Fewer pairs than this: no test, and the report says so.
MIN_PAIRS_FOR_TEST = 6
SCALE_POINTS = {"agreement": list(range(1, 6)), "scale10": list(range(11))}
NUMERIC = ("agreement", "scale10")

TIDY_COLUMNS = [
    "training_id",
    "training",
    "organisation",
    "program",
    "meeting",
    "meeting_date",
    "form",
    "purpose",
    "item",
    "item_key",
    "item_type",
    "item_text",
    "participant",
    "name",
    "anonymous",
    "paper",
    "submission",
    "respondent",
    "value",
    "value_num",
    "value_text",
]


@dataclass(frozen=True)
class TrainingInfo:
    """What the report needs to know of a training."""

    id: int
    name: str
    program: str
    organisation: str
    meeting_dates: tuple[Any, ...]


def _spec_items(spec: dict[str, Any] | None, form: Form | None) -> dict[str, dict[str, Any]]:
    spec = spec or (form_spec(form) if form else {"items": []})
    return {item["id"]: item for item in spec.get("items", [])}


def _signature(item: dict[str, Any]) -> str:
    return json.dumps([item.get("type"), item.get("text"), item.get("options")], ensure_ascii=False)


def pseudonym_codes(participants: Iterable[Any]) -> dict[int, tuple[str, str]]:
    """participant id → (stable pseudonym code, name) for the participants of one training.

    The code ("D03") is the order of joining (participant ids grow as people join), so it does
    not change and says nothing about the person; exports carry it instead of the name unless
    names are asked for.
    """
    people = sorted(participants, key=lambda p: p.id)
    return {p.id: (f"D{n:02d}", p.name) for n, p in enumerate(people, start=1)}


def tidy_answers(
    rows: Iterable[dict[str, Any]],
    trainings: dict[int, TrainingInfo],
    forms: dict[str, Form],
    codes: dict[int, dict[int, tuple[str, str]]],
    with_names: bool = False,
) -> pd.DataFrame:
    """One row per answer. ``rows`` come from ``Store.answer_rows``; ``codes`` per training.

    Items are described as they were asked (the form as opened), falling back to the
    current content. ``item_key`` equals ``item`` unless the question changed between
    trainings: then later versions get ``item@2``, ``item@3`` (see :func:`item_changes`).
    ``submission`` is the stored (random) id, for counting only; ``respondent`` is what a
    reader sees: see :func:`_in_shown_order`.
    """
    records = []
    versions: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        training = trainings[row["training_id"]]
        form = forms.get(row["form_id"])
        items = _spec_items(row.get("form_spec"), form)
        item = items.get(row["item_id"], {"type": "onbekend", "text": row["item_id"], "options": []})
        signature = _signature(item)
        known = versions.setdefault((row["form_id"], row["item_id"]), [])
        if signature not in known:
            known.append(signature)
        version = known.index(signature) + 1
        value = row["value"]
        number = float(value) if item["type"] in NUMERIC and isinstance(value, (int, float)) else np.nan
        text = "; ".join(value) if isinstance(value, list) else str(value)
        if row.get("anonymous") or row.get("participant_id") is None:
            participant, name = "", ""
        else:
            participant, name = codes.get(row["training_id"], {}).get(row["participant_id"], ("?", ""))
        dates = training.meeting_dates
        meeting_date = dates[row["meeting"] - 1] if 0 < row["meeting"] <= len(dates) else None
        records.append(
            {
                "training_id": training.id,
                "training": training.name,
                "organisation": training.organisation,
                "program": training.program,
                "meeting": row["meeting"],
                "meeting_date": meeting_date,
                "form": row["form_id"],
                "purpose": form.purpose if form else "",
                "item": row["item_id"],
                "item_key": row["item_id"] if version == 1 else f"{row['item_id']}@{version}",
                "item_type": item["type"],
                "item_text": item["text"],
                "participant": participant,
                "name": name if with_names else "",
                "anonymous": bool(row.get("anonymous")),
                "paper": bool(row.get("paper")),
                "submission": row["submission"],
                "respondent": participant,
                "value": value,
                "value_num": number,
                "value_text": text,
            }
        )
    frame = pd.DataFrame.from_records(_in_shown_order(records), columns=TIDY_COLUMNS)
    if not with_names:
        frame = frame.drop(columns=["name"])
    return frame


def _in_shown_order(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The answers per form: named ones by participant code, the others by their answers.

    Forms without a participant (anonymous, or paper) are numbered "anoniem 1", "papier 2"…
    per training, meeting and form in the order of their answers, so neither the order nor
    the number says when one was sent, nor which named form was sent just before it.
    """
    by_submission: dict[object, list[dict[str, Any]]] = {}
    for record in records:
        by_submission.setdefault(record["submission"], []).append(record)

    def answer_key(value: object) -> tuple[int, float, str]:
        return (0, float(value), "") if isinstance(value, (int, float)) else (1, 0.0, str(value))

    def order(answers: list[dict[str, Any]]) -> tuple[Any, ...]:
        first = answers[0]
        code = first["participant"]
        content = tuple((r["item"], answer_key(r["value"])) for r in sorted(answers, key=lambda r: r["item"]))
        return (
            first["training_id"],
            first["meeting"],
            first["form"],
            code == "",
            len(code),
            code,
            first["paper"] and not first["anonymous"],
            content,
        )

    shown: list[dict[str, Any]] = []
    numbers: dict[tuple[Any, ...], int] = {}
    for answers in sorted(by_submission.values(), key=order):
        first = answers[0]
        label = first["participant"]
        if not label:
            kind = "papier" if first["paper"] and not first["anonymous"] else "anoniem"
            group = (first["training_id"], first["meeting"], first["form"], kind)
            numbers[group] = numbers.get(group, 0) + 1
            label = t(f"report.respondent.{kind}", number=numbers[group])
        shown += [{**record, "respondent": label} for record in sorted(answers, key=lambda r: r["item"])]
    return shown


def item_changes(tidy: pd.DataFrame) -> pd.DataFrame:
    """Questions whose wording, type or options differ between trainings (not merged)."""
    if tidy.empty:
        return pd.DataFrame(columns=["form", "item", "item_key", "item_type", "item_text", "trainings"])
    changed = tidy.groupby(["form", "item"])["item_key"].nunique()
    changed = changed[changed > 1].reset_index()[["form", "item"]]
    if changed.empty:
        return pd.DataFrame(columns=["form", "item", "item_key", "item_type", "item_text", "trainings"])
    rows = tidy.merge(changed, on=["form", "item"])
    return (
        rows.groupby(["form", "item", "item_key", "item_type", "item_text"])["training"]
        .agg(lambda names: ", ".join(sorted(set(names))))
        .rename("trainings")
        .reset_index()
    )


def item_summary(tidy: pd.DataFrame, by: Iterable[str] = ("program", "form")) -> pd.DataFrame:
    """Per item (and per ``by`` group): n, mean, median, standard deviation, share (helemaal) eens.

    ``n`` counts answers: a submission answers an item at most once.
    """
    by = list(by)
    keys = by + ["item_key", "item_type", "item_text"]
    columns = keys + ["n", "mean", "median", "std", "share_agree"]
    if tidy.empty:
        return pd.DataFrame(columns=columns)
    agree = np.where(tidy["item_type"] == "agreement", (tidy["value_num"] >= 4).astype(float), np.nan)
    frame = tidy[keys].assign(value_num=tidy["value_num"], agree=agree)
    # Grouping on categories instead of strings keeps a million answers well under a second.
    for key in keys:
        frame[key] = frame[key].astype("category")
    grouped = frame.groupby(keys, sort=False, observed=True)
    out = grouped.agg(
        n=("value_num", "size"),
        mean=("value_num", "mean"),
        median=("value_num", "median"),
        std=("value_num", "std"),
        share_agree=("agree", "mean"),
    ).reset_index()
    for key in keys:
        out[key] = out[key].astype(object)
    return out[columns]


def scale_counts(tidy: pd.DataFrame, by: Iterable[str] = ("program", "form")) -> pd.DataFrame:
    """How often each point of each scale item was chosen (zeros included), per ``by`` group."""
    by = list(by)
    columns = by + ["item_key", "item_type", "item_text", "point", "label", "count"]
    scales = tidy[tidy["item_type"].isin(NUMERIC)]
    if scales.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for keys, group in scales.groupby(by + ["item_key", "item_type", "item_text"], sort=False, dropna=False):
        kind = keys[len(by) + 1]
        counts = group["value_num"].value_counts()
        for point in SCALE_POINTS[kind]:
            label = AGREEMENT_LABELS[point - 1] if kind == "agreement" else str(point)
            rows.append((*keys, point, label, int(counts.get(float(point), 0))))
    return pd.DataFrame(rows, columns=columns)


def choice_counts(tidy: pd.DataFrame, forms: dict[str, Form], by: Iterable[str] = ("program", "form")) -> pd.DataFrame:
    """Counts per option of single and multiple choice items (zeros included)."""
    by = list(by)
    columns = by + ["item_key", "item_text", "option", "count"]
    choices = tidy[tidy["item_type"].isin(["single", "multiple", "quiz", "tree"])]
    if choices.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for keys, group in choices.groupby(by + ["item_key", "item_text"], sort=False, dropna=False):
        form = forms.get(group["form"].iloc[0])
        item_id = group["item"].iloc[0]
        item = form.item(item_id) if form and item_id in {i.id for i in form.items} else None
        options = list(item.options) if item else []
        values = list(group["value"])
        if item is not None and item.type == "tree":  # a walked tree counts where it ended
            options, values = _tree_ends(item, values)
        chosen: dict[str, int] = {}
        for value in values:
            for option in value if isinstance(value, list) else [value]:
                chosen[option] = chosen.get(option, 0) + 1
        for option in options + [o for o in chosen if o not in options]:
            rows.append((*keys, option, chosen.get(option, 0)))
    return pd.DataFrame(rows, columns=columns)


def _tree_ends(item: FormItem, paths: list[Any]) -> tuple[list[str], list[str]]:
    """A tree item's possible ends (their advice, in file order) and the advice each path ended at."""
    assert item.tree is not None  # the schema requires it of a tree item
    tree = load_tree(item.tree)
    advice: dict[str, str] = {node.id: node.advice for node in tree.nodes if node.advice}
    last = [path[-1] if isinstance(path, list) and path else "" for path in paths]
    ends = [advice.get(node, node) for node in last]
    return list(advice.values()), ends


def open_answers(tidy: pd.DataFrame) -> pd.DataFrame:
    """The answers to open questions, per question, as typed."""
    columns = ["training", "meeting", "form", "item_key", "item_text", "participant", "value_text"]
    text = tidy[tidy["item_type"].isin(["short_text", "long_text"])]
    return text[columns].reset_index(drop=True) if not text.empty else pd.DataFrame(columns=columns)


def pairs(tidy: pd.DataFrame) -> pd.DataFrame:
    """Per participant, the answers to a numeric question asked before (voorbereiding) and after (evaluatie)."""
    columns = ["training", "participant", "item_key", "item_text", "before", "after", "change"]
    numeric = tidy[tidy["item_type"].isin(NUMERIC) & (tidy["participant"] != "")]
    before = numeric[numeric["purpose"] == "voorbereiding"]
    after = numeric[numeric["purpose"] == "evaluatie"]
    if before.empty or after.empty:
        return pd.DataFrame(columns=columns)
    keys = ["training_id", "training", "participant", "item_key"]
    merged = (
        before.groupby(keys + ["item_text"])["value_num"]
        .last()
        .rename("before")
        .reset_index()
        .merge(after.groupby(keys)["value_num"].last().rename("after").reset_index(), on=keys)
    )
    merged["change"] = merged["after"] - merged["before"]
    return merged[columns]


def before_after(tidy: pd.DataFrame, min_pairs: int = MIN_PAIRS_FOR_TEST) -> pd.DataFrame:
    """Per question asked before and after: pairs, mean change and a Wilcoxon signed-rank test.

    ``note`` says in Dutch why there is no test (too few pairs, anonymous evaluation).
    """
    columns = [
        "item_key",
        "item_text",
        "n_pairs",
        "mean_before",
        "mean_after",
        "mean_change",
        "statistic",
        "p_value",
        "note",
    ]
    paired = pairs(tidy)
    numeric = tidy[tidy["item_type"].isin(NUMERIC)]
    asked_both = sorted(
        set(numeric.loc[numeric["purpose"] == "voorbereiding", "item_key"])
        & set(numeric.loc[numeric["purpose"] == "evaluatie", "item_key"])
    )
    rows = []
    for item_key in asked_both:
        mine = paired[paired["item_key"] == item_key]
        text = numeric.loc[numeric["item_key"] == item_key, "item_text"].iloc[0]
        n = len(mine)
        statistic = p_value = np.nan
        if n == 0:
            evaluation = numeric[(numeric["item_key"] == item_key) & (numeric["purpose"] == "evaluatie")]
            anonymous = evaluation["anonymous"].all()
            note = t("report.geen_paren_evaluatie_was") if anonymous else t("report.geen_paren_niemand_vulde")
        elif n < min_pairs:
            note = t("report.weinig_paren_voor_toets", n=n, min_pairs=min_pairs)
        elif (mine["change"] == 0).all():
            note = t("report.geen_verschil_tussen_voor")
        else:
            statistic, p_value = wilcoxon_test(tuple(mine["before"]), tuple(mine["after"]))
            note = "Wilcoxon-toets voor gepaarde waarnemingen."
        rows.append(
            (
                item_key,
                text,
                n,
                mine["before"].mean() if n else np.nan,
                mine["after"].mean() if n else np.nan,
                mine["change"].mean() if n else np.nan,
                statistic,
                p_value,
                note,
            )
        )
    return pd.DataFrame(rows, columns=columns)


#: SciPy tests ties or zeros exactly by permutation up to this many pairs (2ⁿ sign flips), else asymptotically.
EXACT_PERMUTATION_PAIRS = 13


@lru_cache(maxsize=1024)
def wilcoxon_test(before: tuple[float, ...], after: tuple[float, ...]) -> tuple[float, float]:
    """SciPy's Wilcoxon signed-rank test of paired scores: (statistic, p-value), once per set of pairs.

    The same numbers as ``scipy.stats.wilcoxon(before, after)``. Scores on a 1–5 scale nearly
    always tie, and with ties or zeros and at most 13 pairs SciPy's own test computes the exact
    p-value by a permutation test over all 2ⁿ signs, calling its statistic once per sign pattern:
    0.7 s of CPU for 12 pairs, 1.3 s for 13, per question, so a small training's results page
    waited seconds. Here the same permutation test (SciPy's ``permutation_test``, same defaults)
    gets a statistic that does all sign patterns at once (:func:`signed_rank_sum`): ~1 ms. Each
    set of pairs is still tested once per process (the page, its redraws and every export ask
    again).
    """
    from scipy.stats import permutation_test, wilcoxon

    differences = np.asarray(before, dtype=float) - np.asarray(after, dtype=float)
    nonzero = np.abs(differences[differences != 0])
    tied = len(np.unique(nonzero)) < len(nonzero)
    if len(differences) > EXACT_PERMUTATION_PAIRS or not (tied or len(nonzero) < len(differences)):
        result = wilcoxon(before, after)  # SciPy's exact distribution (no ties) or asymptotic: fast
        return float(result.statistic), float(result.pvalue)
    statistic = wilcoxon(before, after, method="asymptotic").statistic  # min(R+, R−): the same in every method
    p_value = permutation_test(
        (differences,), signed_rank_sum, vectorized=True, permutation_type="samples", alternative="two-sided", axis=-1
    ).pvalue
    return float(statistic), float(p_value)


def signed_rank_sum(differences: np.ndarray, axis: int = -1) -> np.ndarray:
    """R+, the sum of the ranks of |d| of the positive differences, zeros left out (Wilcoxon's way),
    along ``axis``: the statistic SciPy's Wilcoxon permutation test uses, for many sign patterns at once."""
    from scipy.stats import rankdata

    without_zeros = np.where(differences == 0, np.nan, differences)
    ranks = rankdata(np.abs(without_zeros), axis=axis, nan_policy="omit")
    return np.asarray(np.sum(np.where(without_zeros > 0, ranks, 0.0), axis=axis))


def response_rates(tidy: pd.DataFrame, opened: pd.DataFrame, participants: dict[int, int]) -> pd.DataFrame:
    """Per opened form: how many answered on a phone, of how many registered participants.

    ``opened`` has columns training_id, training, meeting, form (every opened form, also
    unanswered ones); ``participants`` maps training id → number of registered participants.
    The rate is ``answered / participants`` (0–1), NaN without registered participants.
    """
    # The denominator is the participants registered on a phone, so the numerator may only
    # count what they sent: named forms sent by a registered participant, and anonymous
    # forms sent from a phone (only registered devices can open one). Paper forms come from
    # people who may never have registered: they are counted apart (paper_forms) and are in
    # no rate. The cap at 1 only guards the rule: one device sends one anonymous form.
    columns = ["training", "meeting", "form", "answered", "paper_forms", "participants", "rate"]
    if opened.empty:
        return pd.DataFrame(columns=columns)
    keys = ["training_id", "meeting", "form"]
    if tidy.empty:
        counted = pd.DataFrame(columns=keys + ["answered", "paper_forms"])
    else:
        phone = ~tidy["paper"] & ((tidy["participant"] != "") | tidy["anonymous"])
        counted = (
            tidy.assign(answered=tidy["submission"].where(phone), paper_forms=tidy["submission"].where(tidy["paper"]))
            .groupby(keys)[["answered", "paper_forms"]]
            .nunique()
            .reset_index()
        )
    out = opened.merge(counted, on=keys, how="left")
    for column in ("answered", "paper_forms"):
        out[column] = out[column].fillna(0).astype(int)
    out["participants"] = out["training_id"].map(participants).fillna(0).astype(int)
    rate = out["answered"] / out["participants"].replace(0, np.nan)
    out["rate"] = rate.clip(upper=1.0)
    return out[columns]


def roleplay_summary(turns: pd.DataFrame) -> pd.DataFrame:
    """Per practice group: turns played, planned and actual minutes, turns over time."""
    columns = [
        "training",
        "meeting",
        "group",
        "turns",
        "planned_minutes",
        "actual_minutes",
        "mean_turn_seconds",
        "over_time",
        "harder",
    ]
    if turns.empty:
        return pd.DataFrame(columns=columns)
    grouped = turns.assign(
        over=turns["actual_seconds"] > turns["planned_seconds"], harder=turns["variant"] == "moeilijker"
    ).groupby(["training", "meeting", "group"], sort=False)
    out = grouped.agg(
        turns=("turn", "count"),
        planned=("planned_seconds", "sum"),
        actual=("actual_seconds", "sum"),
        mean_turn_seconds=("actual_seconds", "mean"),
        over_time=("over", "sum"),
        harder=("harder", "sum"),
    ).reset_index()
    out["planned_minutes"] = out["planned"] / 60
    out["actual_minutes"] = out["actual"] / 60
    return out[columns]
