"""What people type, made safe to store and show: names and numbers. Pure functions.

A name (a participant, a training, a practice group, who does an action) is shown on the
beamer, in attendance lists and exports, so it may not carry invisible characters that make
it look like someone else's: control characters, zero-width characters and bidi overrides
are removed, spaces collapsed, and the text normalised to NFC (an "é" typed on a Mac and on
Windows is then the same name).

Numbers accept ASCII digits only: Python's ``int("١٠")`` is 10 and ``"²".isdigit()`` is
True, so a form or a URL could otherwise smuggle in a value no one typed as such.
"""

from __future__ import annotations

import math
import re
import unicodedata

#: Characters removed from names besides every control (Cc), format (Cf) and surrogate (Cs)
#: character. Zero-width characters and bidi overrides/isolates are format characters; they
#: are listed here so the rule is readable and a future Unicode version cannot drop one.
INVISIBLE = frozenset(
    [chr(c) for c in range(0x200B, 0x2010)]  # zero-width space, non-joiner, joiner; LRM, RLM
    + ["\u2060", "\ufeff", "\u061c", "\u00ad"]  # word joiner, BOM, Arabic letter mark, soft hyphen
    + [chr(c) for c in range(0x202A, 0x202F)]  # bidi embeddings and overrides
    + [chr(c) for c in range(0x2066, 0x206A)]  # bidi isolates
)
_REMOVED_CATEGORIES = ("Cc", "Cf", "Cs")
_SPACES = re.compile(r"\s+")
_WHOLE = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]{1,3})?")


def _is_invisible(ch: str) -> bool:
    return ch in INVISIBLE or unicodedata.category(ch) in _REMOVED_CATEGORIES


def clean_name(text: str) -> str:
    """``text`` as a name: NFC, without control/zero-width/bidi characters, single spaces, no
    spaces at either end. May be "" (the caller refuses an empty name, in Dutch)."""
    # One pass nearly always suffices; composing after a removal could in theory meet a
    # character another pass changes, so repeat until nothing changes (names stay idempotent).
    name, previous = _clean_once(text), text
    while name != previous:
        name, previous = _clean_once(name), name
    return name


def _clean_once(text: str) -> str:
    # Line breaks and tabs become spaces first (a pasted "Jan\nJansen" is "Jan Jansen").
    visible = "".join(" " if ch.isspace() else ch for ch in text)
    visible = "".join(ch for ch in visible if not _is_invisible(ch))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", visible)).strip()


def whole_number(value: object) -> int | None:
    """A non-negative whole number written in ASCII digits (or an int that is not a bool); else None.

    "7", " 7 " and 7 are 7; "١٠", "²", "7.0", "+7", "1_000" and True are None.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str):
        stripped = value.strip()
        # At most 9 digits: no caller needs more, and int() of a huge string is slow.
        if _WHOLE.fullmatch(stripped) and len(stripped) <= 9:
            return int(stripped)
    return None


def decimal_number(text: str) -> float | None:
    """A number like "12", "-3", "1.5" or "1e9" in ASCII digits (decimal point); None for anything else.

    Also None for "nan", "inf", "1e999", "١٠" and "1_000", which ``float()`` would accept.
    """
    stripped = text.strip()
    if _DECIMAL.fullmatch(stripped) and len(stripped) <= 30:
        number = float(stripped)
        return number if math.isfinite(number) else None
    return None


__all__ = ["INVISIBLE", "clean_name", "decimal_number", "whole_number"]
