"""The random codes, ids and keyed hashes the store makes (join codes, facilitator codes,
device salts, submission ids). Pure apart from :func:`new_submission_id`, which asks the
database which ids are taken.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Set as AbstractSet

from sqlalchemy import select
from sqlalchemy.engine import Connection

from pztraining.store.tables import submissions

#: Join codes use characters nobody confuses on a phone or a beamer (no 0/O, 1/I/L).
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6

#: Length of a facilitator code: long enough that nobody guesses one (31^10 ≈ 8·10^14).
FACILITATOR_CODE_LENGTH = 10


def new_join_code(taken: AbstractSet[str] = frozenset(), length: int = JOIN_CODE_LENGTH) -> str:
    """A random code of ``length`` unambiguous characters, not in ``taken``."""
    while True:
        code = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(length))
        if code not in taken:
            return code


def login_name(text_: str) -> str:
    """A login name as JupyterHub gives it to a server: no surrounding spaces, lower case."""
    return text_.strip().lower()


def normalize_join_code(text_: str) -> str:
    """What a participant typed, as a join code: upper case, no spaces or dashes."""
    return "".join(ch for ch in text_.upper() if ch.isalnum())


def new_device_salt() -> str:
    """A training's random device salt (16 bytes, hex)."""
    return secrets.token_hex(16)


def salted_device_hash(salt: str, device_hash: str) -> str:
    """What the store keeps of a device in one training: HMAC-SHA256 keyed with its salt.

    ``device_hash`` is already a one-way hash of the phone's secret; keying it per training
    makes the same phone's stored hash differ from one training to the next.
    """
    return hmac.new(bytes.fromhex(salt), device_hash.encode(), hashlib.sha256).hexdigest()


def random_submission_id() -> int:
    """A random submission id, perhaps taken already (see :func:`new_submission_id`).

    Below 2**31 so it fits INTEGER on PostgreSQL (and is exact in JavaScript). Every id is
    random: after one random id SQLite would otherwise continue with max(id) + 1.
    """
    return secrets.randbelow(2**31 - 1) + 1


def new_submission_id(conn: Connection, taken: AbstractSet[int] = frozenset()) -> int:
    """A random submission id, unused in the database and not in ``taken``."""
    while True:
        candidate = random_submission_id()
        if (
            candidate not in taken
            and conn.execute(select(submissions.c.id).where(submissions.c.id == candidate)).first() is None
        ):
            return candidate
