"""The hub's login for pztraining: a password per name, chosen at the first login, only for added names.

Only a login name that ``pztraining users add`` gave a role can log in (checked at every
login, so a new trainer needs no hub restart). The first password is chosen at the first
login, but only within the *claim window* that ``users add`` opens (default 24 hours); after
that the administrator runs ``users add`` again. Every check that can refuse a login runs
before the password file is touched: a refused login stores nothing, so nobody can claim a
name before the administrator adds it (FirstUseAuthenticator's own ``authenticate`` stores the
password first and lets the hub refuse afterwards: it is not used).
Imported by the printed ``jupyterhub_config.py`` only (needs the ``hub`` extra).
"""

from __future__ import annotations

import dbm
from datetime import UTC, datetime

import bcrypt
from firstuseauthenticator import FirstUseAuthenticator
from jupyterhub.utils import maybe_future
from traitlets import Unicode, default

from pztraining.core import settings
from pztraining.core.texts import t
from pztraining.store import Account, MissingEntry, Store, StoreError


class RoleAuthenticator(FirstUseAuthenticator):
    """A trainer, kartrekker or coordinator of the users table; its first password is set in its claim window.

    From FirstUseAuthenticator we keep the password file (bcrypt hashes), its login page
    (which shows our Dutch errors), deleting a hub user (removes its password) and changing
    a password; the decision who may log in is ours.
    """

    db_url = Unicode("", config=True, help="The pztraining database with the users table (default $PZTRAINING_DB).")

    @default("allow_all")
    def _allow_all_default(self) -> bool:
        # FirstUseAuthenticator lets everyone in when no allowed_users are listed: the users table lists them.
        return False

    @default("any_allow_config")
    def _any_allow_config_default(self) -> bool:
        # The users table is the allow list (check_allowed below): without this JupyterHub 5
        # warns at every start that "nobody can login", which is not so.
        return True

    def _account(self, name: str) -> Account | None:
        """The role of ``name``, or None (no role, or the users table cannot be read)."""
        store = Store(self.db_url or settings.current().database_url(), create=False)
        try:
            return store.find_user(name)
        except MissingEntry:
            return None
        except StoreError:
            self.log.warning("pztraining: cannot read the users table; login of %r refused", name)
            return None
        finally:
            store.close()

    def check_allowed(self, username, authentication=None):
        return self._account(username) is not None

    async def authenticate(self, handler, data):
        """The login name when ``data`` holds its password, else None with a Dutch error on ``handler``."""
        data = data or {}
        name = self.normalize_username(data.get("username", ""))
        password = data.get("password", "")
        account = self._account(name) if name else None
        if (
            account is None
            or not self.validate_username(name)
            or not await maybe_future(self.check_blocked_users(name))
        ):
            self.log.warning("pztraining: login name %r has no role; refused", name)
            return self._refused(handler, t("hub.login_failed"))
        with dbm.open(self.dbm_path, "c", 0o600) as passwords:
            stored = passwords.get(name.encode("utf8"))
            if stored is not None:
                if not bcrypt.checkpw(password.encode("utf8"), stored):
                    return self._refused(handler, t("hub.login_failed"))
                return name
            if not account.may_choose_first_password(datetime.now(UTC)):
                self.log.warning("pztraining: %r has no password and its claim window is closed; refused", name)
                return self._refused(handler, t("hub.login_window_closed"))
            if not self._validate_password(password):
                return self._refused(handler, t("hub.login_short", length=self.min_password_length))
            passwords[name.encode("utf8")] = bcrypt.hashpw(password.encode("utf8"), bcrypt.gensalt())
        self.log.info("pztraining: %r chose its first password", name)
        return name

    @staticmethod
    def _refused(handler, message: str) -> None:
        """No login; the hub's login page shows ``message`` (Dutch) instead of its English one."""
        if handler is not None:
            handler.custom_login_error = message
        return None
