"""The hub's login: only names with a role, nobody can claim a name before it is added, first passwords in a window."""

from __future__ import annotations

import dbm
from datetime import UTC, datetime, timedelta

from pztraining.serving.hub_auth import RoleAuthenticator
from pztraining.store import Store
from tests.loops import run_async


def authenticator(tmp_path, db_url: str, admins: set[str] = frozenset()) -> RoleAuthenticator:
    return RoleAuthenticator(
        db_url=db_url, dbm_path=str(tmp_path / "passwords.dbm"), min_password_length=10, admin_users=set(admins)
    )


class LoginPage:
    """What the hub's login handler offers the authenticator: a place for the error shown."""

    custom_login_error = ""


def log_in(auth: RoleAuthenticator, name: str, password: str, page: LoginPage | None = None) -> str | None:
    """The name the hub logs in (its outer API, as the login handler calls it), or None."""
    user = run_async(auth.get_authenticated_user(page or LoginPage(), {"username": name, "password": password}))
    return user["name"] if user else None


def stored_names(tmp_path) -> list[bytes]:
    try:
        with dbm.open(str(tmp_path / "passwords.dbm"), "r") as passwords:
            return sorted(passwords.keys())
    except dbm.error:  # never created: nothing stored
        return []


def window(hours: float) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)


def test_a_refused_login_stores_no_password_so_an_admin_name_cannot_be_claimed_before_it_is_added(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'pz.db'}"
    store = Store(db_url)
    auth = authenticator(tmp_path, db_url, admins={"beheer"})  # `pztraining hub --config --admin beheer`
    assert log_in(auth, "beheer", "door-mallory-gekozen") is None
    assert log_in(auth, "carla", "door-mallory-gekozen") is None
    assert stored_names(tmp_path) == []  # nothing kept from the refused attempts
    store.add_user("beheer", "coordinator", first_login_until=window(24))  # the administrator adds them later
    store.add_user("carla", "trainer", "Zorggroep Noord", first_login_until=window(24))
    assert log_in(auth, "beheer", "door-beheer-gekozen") == "beheer"  # their own first password counts
    assert log_in(auth, "carla", "door-carla-gekozen") == "carla"
    assert log_in(auth, "beheer", "door-mallory-gekozen") is None
    assert log_in(auth, "carla", "door-mallory-gekozen") is None
    assert stored_names(tmp_path) == [b"beheer", b"carla"]
    assert auth.check_allowed("carla") and not auth.check_allowed("mallory")
    store.close()


def test_a_first_password_is_chosen_only_within_the_window_users_add_opened(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'pz.db'}"
    store = Store(db_url)
    auth = authenticator(tmp_path, db_url)
    store.add_user("dirk", "trainer", "Hospice Zuid", first_login_until=window(-0.1))  # added, window over
    store.add_user("eva", "trainer", "Hospice Zuid")  # a name from before the window existed: none open
    for name in ("dirk", "eva"):
        page = LoginPage()
        assert log_in(auth, name, "een-lang-wachtwoord", page) is None
        assert "termijn daarvoor is voorbij" in page.custom_login_error
    assert stored_names(tmp_path) == []
    store.add_user("dirk", "trainer", "Hospice Zuid", first_login_until=window(24))  # `users add` again
    assert log_in(auth, "dirk", "dirk-wachtwoord-1") == "dirk"
    store.add_user("dirk", "kartrekker", "Hospice Zuid", first_login_until=window(24))  # a new role later
    assert log_in(auth, "dirk", "ander-wachtwoord-2") is None  # keeps the password he chose
    assert log_in(auth, "dirk", "dirk-wachtwoord-1") == "dirk"
    store.close()


def test_a_refused_login_says_why_in_dutch(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'pz.db'}"
    store = Store(db_url)
    store.add_user("dirk", "kartrekker", "Hospice Zuid", first_login_until=window(24))
    auth = authenticator(tmp_path, db_url)
    for name, password, expected in (
        ("onbekend", "lang-genoeg-wachtwoord", "Onbekende naam of verkeerd wachtwoord"),
        ("dirk", "kort", "minstens 10 tekens"),
        ("dirk", "dirk-wachtwoord-1", None),
        ("dirk", "ander-wachtwoord-2", "Onbekende naam of verkeerd wachtwoord"),
    ):
        page = LoginPage()
        result = log_in(auth, name, password, page)
        if expected is None:
            assert result == "dirk" and page.custom_login_error == ""
        else:
            assert result is None and expected in page.custom_login_error, (name, page.custom_login_error)
    store.close()
