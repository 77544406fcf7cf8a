"""Turn YAML and schema failures into one-line Dutch messages naming file and path."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pztraining.core.errors import PztrainingError
from pztraining.core.texts import t


@dataclass(frozen=True)
class ContentProblem:
    """One problem in one content file: where it is and what is wrong (Dutch)."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class ContentError(PztrainingError):
    """A content file could not be loaded; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[ContentProblem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def format_location(loc: Iterable[Any]) -> str:
    """``('meetings', 0, 'blocks', 3, 'minutes')`` → ``meetings[0].blocks[3].minutes``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _dutch(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    given = error.get("input")
    if kind == "missing":
        return t("content.ontbreekt")
    if kind == "extra_forbidden":
        return t("content.onbekend_veld_tikfout")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return t("content.moet_geheel_getal_niet", given=given)
    if kind in ("string_type",):
        return t("content.moet_tekst_niet", given=given)
    if kind in ("tuple_type", "list_type"):
        return t("content.moet_lijst")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return t("content.moet_verzameling_velden_sleutel")
    if kind == "greater_than":
        return t("content.moet_groter_niet", limit=ctx.get("gt"), given=given)
    if kind == "greater_than_equal":
        return t("content.moet_minstens_niet", limit=ctx.get("ge"), given=given)
    if kind in ("too_short", "string_too_short"):
        return t("content.mag_niet_leeg")
    if kind == "literal_error":
        return t("content.moet_een_van", expected=ctx.get("expected"), given=given)
    if kind == "bool_type" or kind == "bool_parsing":
        return t("content.moet_ja_nee_true")
    if kind == "value_error":
        return str(ctx.get("error", error.get("msg", "")))
    return str(error.get("msg", kind))


def problems_from_validation(file: str, exc: ValidationError) -> list[ContentProblem]:
    """One ContentProblem per pydantic error, with a Dutch message."""
    return [
        ContentProblem(file, format_location(err["loc"]), _dutch(err))
        for err in exc.errors(include_url=False)
        if not _echo_of_item_errors(err)
    ]


def _echo_of_item_errors(error: Mapping[str, Any]) -> bool:
    # pydantic adds "at least 1 item after validation, not 0" to a non-empty list whose
    # items all failed; the item errors already say what is wrong.
    return error["type"] == "too_short" and bool(error.get("input"))


def display_name(path: Path) -> str:
    """A short, stable name for a content file: relative to the project when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
