"""The hub's login: only names with a role, and nobody can claim a name before it is added."""

from __future__ import annotations

import dbm

from pztraining.hub_auth import RoleAuthenticator
from pztraining.store import Store
from tests.loops import run_async


def authenticator(tmp_path, db_url: str) -> RoleAuthenticator:
    return RoleAuthenticator(db_url=db_url, dbm_path=str(tmp_path / "passwords.dbm"), min_password_length=10)


class LoginPage:
    """What the hub's login handler offers the authenticator: a place for the error shown."""

    custom_login_error = ""


def log_in(auth: RoleAuthenticator, name: str, password: str, page: LoginPage | None = None):
    return run_async(auth.authenticate(page or LoginPage(), {"username": name, "password": password}))


def test_a_name_without_a_role_is_refused_before_its_password_is_kept(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'pz.db'}"
    store = Store(db_url)
    auth = authenticator(tmp_path, db_url)
    assert log_in(auth, "carla", "door-mallory-gekozen") is None
    store.add_user("carla", "trainer", "Zorggroep Noord")  # the administrator adds her later
    assert log_in(auth, "carla", "door-carla-gekozen") == "carla"  # her own first password counts
    assert log_in(auth, "carla", "door-mallory-gekozen") is None
    with dbm.open(str(tmp_path / "passwords.dbm")) as passwords:
        assert list(passwords.keys()) == [b"carla"]
    assert auth.check_allowed("carla") and not auth.check_allowed("mallory")
    store.close()


def test_a_refused_login_says_why_in_dutch(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'pz.db'}"
    store = Store(db_url)
    store.add_user("dirk", "kartrekker", "Hospice Zuid")
    auth = authenticator(tmp_path, db_url)
    for name, password, expected in (("onbekend", "lang-genoeg-wachtwoord", "Onbekende naam of verkeerd wachtwoord"),
                                     ("dirk", "kort", "minstens 10 tekens"),
                                     ("dirk", "dirk-wachtwoord-1", None),
                                     ("dirk", "ander-wachtwoord-2", "Onbekende naam of verkeerd wachtwoord")):
        page = LoginPage()
        result = log_in(auth, name, password, page)
        if expected is None:
            assert result == "dirk" and page.custom_login_error == ""
        else:
            assert result is None and expected in page.custom_login_error, (name, page.custom_login_error)
    store.close()
