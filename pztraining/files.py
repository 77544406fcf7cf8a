"""Write files completely or not at all: to a temporary file beside the target, then rename.

A browser reloading a deck, or a trainer opening an export while it is written, never sees
half a file; a failing writer leaves the previous file as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

from .os_errors import dutch_reason


class WriteError(Exception):
    """``path`` could not be written; ``reason`` is why, in Dutch (see :mod:`pztraining.os_errors`)."""

    def __init__(self, path: Path, reason: object):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def atomic_file(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(temporary)`` and move the result to ``path``; WriteError on failure."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        os.close(handle)
    except OSError as exc:
        raise WriteError(path, dutch_reason(exc)) from None
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except OSError as exc:
        raise WriteError(path, dutch_reason(exc)) from None
    except Exception as exc:  # a writer that fails half-way: still nothing half-written
        cause = exc.__context__ if isinstance(exc.__context__, OSError) else exc
        raise WriteError(path, dutch_reason(cause) if isinstance(cause, OSError) else cause) from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def atomic_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; WriteError on failure."""
    atomic_file(path, lambda target: target.write_text(text, encoding="utf-8"))
