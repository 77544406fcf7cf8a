"""A phone's JSON body, read safely: bounded size and depth, text that can be stored. Pure.

``json.loads`` recurses once per nesting level, so a body of 30,000 ``[`` raises
RecursionError (a 500) before any check could look at the result; the depth is therefore
measured on the raw bytes first. Text must be valid UTF-8 without lone surrogates (a
``"\\ud800"`` escape decodes fine but can never be written to the database) and without
control characters other than line break and tab; ``\\r\\n`` and a lone ``\\r`` become ``\\n``.
Every refusal is a :class:`BadBody` whose ``key`` names the Dutch message in texts.py.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from pztraining.core.errors import PztrainingError
from pztraining.core.texts import t

#: The deepest body a phone sends is {"values": {"item": [..]}}: 3 levels; room to spare.
MAX_DEPTH = 16
#: A phone's body holds a few dozen arrays and objects (the values, a list per multiple choice).
MAX_CONTAINERS = 1000
#: The longest number a form needs (a scale value, a meeting): far fewer digits than this.
MAX_DIGITS = 30

# A JSON string as the decoder reads it: a quote, then non-quote/non-backslash bytes or escapes
# (written as an unrolled loop: seven times faster on a long answer than one alternation per byte).
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# Control characters a text may not hold: C0 except tab and line break, DEL, and C1.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class BadBody(PztrainingError, ValueError):
    """A body we refuse; ``key`` is the texts.py key of the Dutch message (``str(error)``)."""

    def __init__(self, key: str):
        super().__init__(t(key))
        self.key = key

    @property
    def http_status(self) -> int:  # type: ignore[override]
        return 413 if self.key == "room.error.too_big" else 400


def _brackets(raw: bytes) -> bytes:
    """The brackets of ``raw`` outside its strings, in order (C speed: no loop in Python)."""
    return _STRING.sub(b'""', raw).translate(None, _NOT_BRACKETS)


def nesting_depth(raw: bytes) -> int:
    """How deep arrays and objects nest in ``raw``, counted without parsing (strings skipped)."""
    return _depth(_brackets(raw))


def _depth(brackets: bytes) -> int:
    depth = deepest = 0
    for bracket in brackets:  # bytes: one int per bracket
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _check_shape(raw: bytes, max_depth: int) -> None:
    """BadBody when ``raw`` nests deeper than ``max_depth`` or holds more than MAX_CONTAINERS
    arrays and objects, found before any parsing (and cheaply: a body is read on the event loop)."""
    if raw.count(b"[") + raw.count(b"{") <= max_depth:
        return  # a phone's body: too few brackets to be too deep, whatever its texts hold
    brackets = _brackets(raw)
    if brackets.count(b"[") + brackets.count(b"{") > MAX_CONTAINERS or _depth(brackets) > max_depth:
        raise BadBody("room.error.bad_request")


def _number(text: str) -> int | float:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise BadBody("room.error.bad_request")
    value = float(text) if any(c in text for c in ".eE") else int(text)
    if isinstance(value, float) and not math.isfinite(value):  # 1e999
        raise BadBody("room.error.bad_request")
    return value


def _no_constant(name: str) -> Any:
    raise BadBody("room.error.bad_request")  # NaN, Infinity: not JSON, and no answer is one


def clean_text(text: str) -> str:
    """``text`` with ``\\r\\n`` and ``\\r`` as ``\\n``; BadBody when a character cannot be stored."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _FORBIDDEN.search(text):
        raise BadBody("room.error.bad_text")
    return text


def _clean(value: Any) -> Any:
    # Recursion is safe here: the depth was bounded before parsing.
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(k): _clean(v) for k, v in value.items()}
    return value


def parse_object(raw: bytes, max_bytes: int, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """The JSON object in ``raw`` with its texts cleaned; BadBody for anything else.

    Refused: more than ``max_bytes``, deeper than ``max_depth``, invalid UTF-8 or JSON, a
    top level that is not an object, NaN/Infinity, numbers of more than 30 digits or out of
    range, lone surrogates and control characters (other than line break and tab) in text.
    """
    if len(raw) > max_bytes:
        raise BadBody("room.error.too_big")
    _check_shape(raw, max_depth)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:  # a browser always sends UTF-8: not the typist's doing
        raise BadBody("room.error.bad_request") from None
    try:
        data = json.loads(text, parse_int=_number, parse_float=_number, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:  # BadBody is a ValueError: keep its message
        raise exc if isinstance(exc, BadBody) else BadBody("room.error.bad_request") from None
    if not isinstance(data, dict):
        raise BadBody("room.error.bad_request")
    cleaned: dict[str, Any] = _clean(data)
    return cleaned


__all__ = ["BadBody", "MAX_CONTAINERS", "MAX_DEPTH", "clean_text", "nesting_depth", "parse_object"]
