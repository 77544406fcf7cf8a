"""Turn YAML and schema failures into one-line Dutch messages naming file and path."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError


@dataclass(frozen=True)
class ContentProblem:
    """One problem in one content file: where it is and what is wrong (Dutch)."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class ContentError(Exception):
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
        return "ontbreekt"
    if kind == "extra_forbidden":
        return "onbekend veld (tikfout?)"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"moet een geheel getal zijn, niet {given!r}"
    if kind in ("string_type",):
        return f"moet tekst zijn, niet {given!r}"
    if kind in ("tuple_type", "list_type"):
        return "moet een lijst zijn"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "moet een verzameling velden zijn (sleutel: waarde)"
    if kind == "greater_than":
        return f"moet groter zijn dan {ctx.get('gt')}, niet {given!r}"
    if kind == "greater_than_equal":
        return f"moet minstens {ctx.get('ge')} zijn, niet {given!r}"
    if kind in ("too_short", "string_too_short"):
        return "mag niet leeg zijn"
    if kind == "literal_error":
        return f"moet een van deze zijn: {ctx.get('expected')}; niet {given!r}"
    if kind == "bool_type" or kind == "bool_parsing":
        return "moet ja/nee (true/false) zijn"
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
