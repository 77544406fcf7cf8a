"""Who may see and do what, when pztraining is hosted for an organisation or a region.

The hosting layer says who is logged in: under JupyterHub the single-user server and its
kernels have ``JUPYTERHUB_USER``. The store's ``users`` table maps that login name to a
role and an organisation (``pztraining users add``). Without a login name (localhost mode)
there is one implicit trainer who sees and runs everything, as before hosting existed.

The rules are pure functions of a :class:`User` and a training; only :func:`current_user`
reads the store, and :func:`require` logs a refusal (the login name and the training id,
nothing else).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from pztraining.core.errors import InputRefused, PztrainingError
from pztraining.core.settings import Context
from pztraining.core.texts import t
from pztraining.store import Account, MissingEntry, Store, Training, login_name

log = logging.getLogger(__name__)


def log_to_server() -> None:
    """Send this module's log lines (refusals) to the process's own stderr: the server's log file.

    In a Voila kernel ``sys.stderr`` goes to the page, where Voila drops it; the process's
    original stderr is the trainer server's log. Called by the pages and the beamer handler.
    """
    if not any(getattr(handler, "pz_server_log", False) for handler in log.handlers):
        handler = logging.StreamHandler(sys.__stderr__)
        handler.setFormatter(logging.Formatter("[%(levelname).1s %(asctime)s %(name)s] %(message)s"))
        handler.pz_server_log = True  # type: ignore[union-attr]  # our mark, read back with getattr above
        log.addHandler(handler)


#: The environment variable through which JupyterHub tells a server (and its kernels) its user.
LOGIN_VARIABLE = "JUPYTERHUB_USER"

T = TypeVar("T", bound=Training)


class AccessError(PztrainingError):
    """Someone may not see or do this; the message is Dutch and meant for them."""

    http_status = 403


class UnknownUser(AccessError):
    """A login name without a role: it sees nothing."""


class AccessDenied(AccessError):
    """A known user asked for a training that is not theirs."""


@dataclass(frozen=True)
class User:
    """Who is using the page: a login name with a role and an organisation.

    ``organisation`` is None for the implicit localhost trainer and for a coordinator:
    neither is bound to one organisation.
    """

    name: str
    role: str
    organisation: str | None

    @property
    def hosted(self) -> bool:
        """Whether a hosting layer said who this is (False: localhost mode)."""
        return bool(self.name)


#: The roles a login name can have (what each may do: the rules below). Not the roles of a
#: block in a programme (who leads it): those are :data:`pztraining.content.BLOCK_ROLES`.
ACCOUNT_ROLES = ("trainer", "kartrekker", "coordinator")


def add_user(
    store: Store, name: str, role: str, organisation: str = "", first_login_until: datetime | None = None
) -> Account:
    """Give a login name a role (and organisation), refusing what the roles do not allow; a name added again is updated.

    Trainers and kartrekkers belong to one organisation; a coordinator to none (it sees every
    organisation's results, pseudonymized). ``first_login_until`` (UTC) opens the window in
    which the hub lets the name choose its first password (None: keep it).
    """
    name, organisation = login_name(name), organisation.strip()
    if not name:
        raise InputRefused(t("users.name_missing"))
    if role not in ACCOUNT_ROLES:
        raise InputRefused(t("users.bad_role", role=role, roles=", ".join(ACCOUNT_ROLES)))
    if role == "coordinator" and organisation:
        raise InputRefused(t("users.coordinator_org"))
    if role != "coordinator" and not organisation:
        raise InputRefused(t("users.org_missing", role=t(f"role.{role}")))
    return store.add_user(name, role, organisation, first_login_until)


#: The one implicit trainer of localhost mode: sees and runs everything.
LOCAL = User("", "trainer", None)


def current_user(store: Store, environ: Mapping[str, str] | None = None) -> User:
    """The user the hosting layer logged in (``environ``, else this process's), or :data:`LOCAL` without one.

    Raises :class:`UnknownUser` (Dutch) for a login name that has no role.
    """
    name = Context.read(environ).user
    if not name:
        return LOCAL
    try:
        account = store.find_user(name)
    except MissingEntry:
        log.warning("access refused: login name %r has no role", name)
        raise UnknownUser(t("access.unknown_user", name=name)) from None
    return User(account.name, account.role, account.organisation or None)


def _own(user: User, training: Training) -> bool:
    return user.organisation is not None and training.organisation == user.organisation


def can_run(user: User, training: Training) -> bool:
    """Whether ``user`` may see and run ``training`` on the trainer pages (draaiboek, beamer, rollenspel)."""
    if not user.hosted:
        return True
    return user.role == "trainer" and _own(user, training)


def can_read_results(user: User, training: Training) -> bool:
    """Whether ``user`` may see (and export) the results of ``training``."""
    if not user.hosted or user.role == "coordinator":
        return True
    return user.role in ("trainer", "kartrekker") and _own(user, training)


def can_see(user: User, training: Training) -> bool:
    """Whether ``user`` may see ``training`` at all (to run it or read its results)."""
    return can_run(user, training) or can_read_results(user, training)


def visible_trainings(user: User, trainings: Iterable[T], rule: Callable[[User, Training], bool] = can_see) -> list[T]:
    """The trainings ``rule`` lets ``user`` see, in their order."""
    return [training for training in trainings if rule(user, training)]


def must_pseudonymize(user: User) -> bool:
    """Whether everything ``user`` sees or exports must leave participants' names out (coordinator)."""
    return user.hosted and user.role == "coordinator"


def may_run_trainings(user: User) -> bool:
    """Whether ``user`` has a trainer's pages at all (localhost mode or a trainer)."""
    return not user.hosted or user.role == "trainer"


def new_training_organisation(user: User, typed: str) -> str:
    """The organisation a new training gets: the trainer's own when hosted, else what was typed."""
    return user.organisation if user.hosted and user.organisation else typed


def require(user: User, training: Training, rule: Callable[[User, Training], bool], action: str) -> None:
    """Refuse (:class:`AccessDenied`, Dutch) and log when ``rule`` does not let ``user`` at ``training``.

    The log line names the login name, the training id and the action; never a token.
    """
    if not rule(user, training):
        raise _refused(user, training.id, action)


def can_read_organisation(user: User, organisation: str) -> bool:
    """Whether ``user`` may see an organisation's own figures (the kartrekker's page, borging)."""
    if not user.hosted or user.role == "coordinator":
        return True
    return user.role in ("trainer", "kartrekker") and user.organisation == organisation


def require_organisation(user: User, organisation: str, action: str) -> None:
    """Refuse (:class:`AccessDenied`, Dutch) and log when ``user`` may not see ``organisation``'s figures."""
    if not can_read_organisation(user, organisation):
        log.warning(
            "access refused: user=%r role=%s organisation=%r action=%s", user.name, user.role, organisation, action
        )
        raise AccessDenied(t("access.refused_organisation"))


def _refused(user: User, training_id: object, action: str) -> AccessDenied:
    log.warning("access refused: user=%r role=%s training=%s action=%s", user.name, user.role, training_id, action)
    return AccessDenied(t("access.refused"))


def permitted_training(
    store: Store, user: User, training_id: int, rule: Callable[[User, Training], bool], action: str
) -> Training:
    """The training with this id if ``rule`` lets ``user`` at it; else :class:`AccessDenied`, logged.

    When hosted, an id that does not exist gets the same refusal: "does not exist" would tell
    another organisation's trainer which ids are taken. In localhost mode it stays MissingEntry.
    """
    try:
        training = store.find_training(training_id)
    except MissingEntry:
        if not user.hosted:
            raise
        raise _refused(user, training_id, action) from None
    require(user, training, rule, action)
    return training


__all__ = [
    "ACCOUNT_ROLES",
    "AccessDenied",
    "AccessError",
    "LOCAL",
    "LOGIN_VARIABLE",
    "UnknownUser",
    "User",
    "add_user",
    "can_read_results",
    "can_read_organisation",
    "can_run",
    "can_see",
    "current_user",
    "log_to_server",
    "permitted_training",
    "may_run_trainings",
    "must_pseudonymize",
    "require_organisation",
    "new_training_organisation",
    "require",
    "visible_trainings",
]
