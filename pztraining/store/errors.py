"""The store's errors: every one a :class:`~pztraining.core.errors.PztrainingError` with a Dutch message.

The database's own (English) text never reaches these messages; it goes to the
``pztraining.store`` log at debug level (see :mod:`pztraining.store.engine`).
"""

from __future__ import annotations

from pztraining.core.errors import PztrainingError


class StoreError(PztrainingError):
    """The database cannot do what was asked; the message is Dutch and meant for users."""


class MissingEntry(StoreError):
    """The asked-for record does not exist."""


class StoreBusy(StoreError):
    """The database stayed busy (locked) for the whole retry window; nothing was written.

    Unlike other errors this one says "try again later": the same call may well succeed then.
    """


class StoreUnavailable(StoreBusy):
    """The database server could not be reached (down, restarting, connection lost); nothing written.

    Tried again like :class:`StoreBusy`: once the server is back, the same call succeeds.
    """


class MissingDatabase(StoreError):
    """A store opened with ``create=False`` found no pztraining database; nothing was created."""


class FormClosed(StoreError):
    """A participant tried to submit a form that is not open."""


class AnonymousForm(StoreError):
    """A phone's answer to an anonymous form reached a write that would store it on its own.

    Anonymous answers are stored only in batches (:meth:`Store.store_anonymous_batch`).
    """
