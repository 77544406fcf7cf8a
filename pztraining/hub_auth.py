"""The hub's login for pztraining: FirstUseAuthenticator, limited to the names in the users table.

Only a login name that ``pztraining users add`` gave a role can log in (checked at every
login, so a new trainer needs no hub restart). An unknown name is refused *before* the
first-use password is stored: nobody can claim a name the administrator has not added yet.
Imported by the printed ``jupyterhub_config.py`` only (needs the ``hub`` extra).
"""

from __future__ import annotations

import os

from firstuseauthenticator import FirstUseAuthenticator
from traitlets import Unicode, default

from .store import MissingEntry, Store, StoreError
from .texts import t


class RoleAuthenticator(FirstUseAuthenticator):
    """A trainer, kartrekker or coordinator of the users table chooses a password at the first login."""

    db_url = Unicode("", config=True, help="The pztraining database with the users table (default $PZTRAINING_DB).")

    @default("allow_all")
    def _allow_all_default(self) -> bool:
        # FirstUseAuthenticator lets everyone in when no allowed_users are listed: the users table lists them.
        return False

    def _known(self, name: str) -> bool:
        store = Store(self.db_url or os.environ["PZTRAINING_DB"], create=False)
        try:
            store.find_user(name)
            return True
        except MissingEntry:
            return False
        except StoreError:
            self.log.warning("pztraining: cannot read the users table; login of %r refused", name)
            return False
        finally:
            store.close()

    def check_allowed(self, username, authentication=None):
        return self._known(username) or super().check_allowed(username, authentication)

    async def authenticate(self, handler, data):
        name = self.normalize_username((data or {}).get("username", ""))
        if not (name in self.admin_users or self._known(name)):
            self.log.warning("pztraining: login name %r has no role; refused", name)
            return self._refused(handler, t("hub.login_failed"))
        accepted = await super().authenticate(handler, data)
        if accepted is None:
            short = bool(getattr(handler, "custom_login_error", ""))  # FirstUse's (English) "too short"
            return self._refused(handler, t("hub.login_short", length=self.min_password_length) if short
                                 else t("hub.login_failed"))
        return accepted

    @staticmethod
    def _refused(handler, message: str) -> None:
        """No login; the hub's login page shows ``message`` (Dutch) instead of its English one."""
        if handler is not None:
            handler.custom_login_error = message
        return None
