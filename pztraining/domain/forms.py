"""Questionnaire answers: validation of what a participant typed or ticked. Pure functions.

Free text is kept exactly as typed (never stripped or cleaned): it is personal data and
what the participant wrote. Empty answers are left out. Messages are Dutch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pztraining.content import AGREEMENT_LABELS, Form, FormItem, load_tree
from pztraining.core.text_input import whole_number
from pztraining.core.texts import t
from pztraining.domain.decision_tree import InvalidPath, check_path, tree_spec

Answer = int | str | list[str]


@dataclass(frozen=True)
class Validation:
    """The outcome of checking a set of answers against a form."""

    values: dict[str, Answer] = field(default_factory=dict)  # what will be stored
    errors: dict[str, str] = field(default_factory=dict)  # item id → Dutch message
    gaps: tuple[str, ...] = ()  # required items left empty where gaps are allowed (paper)

    @property
    def ok(self) -> bool:
        return not self.errors


def is_empty(value: Any) -> bool:
    """No answer given: None, blank text or nothing ticked."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return len(value) == 0
    return False


def _check(item: FormItem, value: Any) -> tuple[Answer | None, str | None]:
    kind = item.type
    if kind in ("agreement", "scale10"):
        low, high = (1, 5) if kind == "agreement" else (0, 10)
        number = whole_number(value)  # ASCII digits only: "١٠" is not 10, True is not 1
        if number is None:
            return None, t("form.check.kies_waarde_schaal")
        if not low <= number <= high:
            return None, t("form.check.kies_waarde_tot", low=low, high=high)
        return number, None
    if kind == "tree":
        try:
            assert item.tree is not None  # the schema requires it of a tree item
            return check_path(load_tree(item.tree), value), None
        except InvalidPath as exc:
            return None, str(exc)
    if kind in ("single", "quiz"):
        if value not in item.options:
            return None, t("form.check.kies_mogelijkheden")
        return value, None
    if kind == "multiple":
        if not isinstance(value, (list, tuple)) or any(v not in item.options for v in value):
            return None, t("form.check.kies_uit_mogelijkheden")
        # Keep the order of the form, once each.
        return [option for option in item.options if option in value], None
    if not isinstance(value, str):
        return None, t("form.check.vul_tekst_in")
    if item.limit is not None and len(value) > item.limit:
        return None, t("form.check.maximaal_tekens_nu_tekst", limit=item.limit, count=len(value))
    return value, None


def validate_answers(form: Form, answers: dict[str, Any], allow_gaps: bool = False) -> Validation:
    """Check ``answers`` (item id → value) against ``form``; unknown item ids are ignored.

    With ``allow_gaps`` (a printed form typed in afterwards: what is not on the paper cannot
    be asked again) an empty required item is no error but listed in ``gaps``.
    """
    values: dict[str, Answer] = {}
    errors: dict[str, str] = {}
    gaps: list[str] = []
    for item in form.items:
        value = answers.get(item.id)
        if is_empty(value):
            if item.required and allow_gaps:
                gaps.append(item.id)
            elif item.required:
                errors[item.id] = t("form.check.vraag_verplicht")
            continue
        clean, problem = _check(item, value)
        if problem:
            errors[item.id] = problem
        elif clean is not None:  # _check gives a value or a problem
            values[item.id] = clean
    return Validation(values, errors, tuple(gaps))


def form_spec(form: Form, revealed: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    """The form as plain data for the browser-side form widget.

    A quiz item's right answer and explanation are only in it when its id is in
    ``revealed`` (the trainer pressed "toon antwoord"): before that no page may carry them.
    """
    items = []
    for item in form.items:
        spec = {
            "id": item.id,
            "type": item.type,
            "text": item.text,
            "help": item.help or "",
            "required": item.required,
            "options": list(item.options),
            "limit": item.limit,
        }
        if item.type == "agreement":
            spec["options"] = list(AGREEMENT_LABELS)
        if item.type == "scale10":
            spec["low_label"], spec["high_label"] = item.low_label or "", item.high_label or ""
        spec.update(_zorgkaart_spec(item, revealed))
        items.append(spec)
    spec = {"id": form.id, "title": form.title, "intro": form.intro, "items": items}
    if form.large_targets:
        spec["large_targets"] = True
    return spec


def _zorgkaart_spec(item: FormItem, revealed: frozenset[str] | set[str]) -> dict[str, Any]:
    """What a tree item (the tree) and a revealed quiz item (answer, explanation) add to the spec."""
    if item.type == "tree":
        assert item.tree is not None  # the schema requires it of a tree item
        return {"tree": tree_spec(load_tree(item.tree))}
    if item.type == "quiz" and item.id in revealed:
        return {"correct": item.correct, "explanation": item.explanation or ""}
    return {}
