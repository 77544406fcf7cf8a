"""Who may see and do what when hosted: the login name from the hub, roles from the store."""

import logging
from datetime import UTC, datetime

import pytest

from pztraining.core.errors import InputRefused
from pztraining.services import access
from pztraining.services.access import LOCAL, AccessDenied, UnknownUser, User
from pztraining.store import MissingEntry, Training

NOORD = User("anna", "trainer", "Zorggroep Noord")
KARTREKKER_NOORD = User("kees", "kartrekker", "Zorggroep Noord")
COORDINATOR = User("piet", "coordinator", None)


def _training(id_: int, organisation: str) -> Training:
    return Training(id_, f"Groep {id_}", "mysupport", organisation, (), datetime(2026, 1, 1, tzinfo=UTC))


NOORD_1, ZUID_2, NONE_3 = _training(1, "Zorggroep Noord"), _training(2, "Zorggroep Zuid"), _training(3, "")
ALL = [NOORD_1, ZUID_2, NONE_3]


def test_without_a_login_name_the_implicit_trainer_sees_and_runs_everything(store):
    user = access.current_user(store, {})
    assert user == LOCAL and not user.hosted
    assert access.visible_trainings(user, ALL, access.can_run) == ALL
    assert all(access.can_read_results(user, tr) for tr in ALL)
    assert not access.must_pseudonymize(user)
    assert access.new_training_organisation(user, "Wat ik typte") == "Wat ik typte"


def test_the_login_name_comes_from_jupyterhub_user_and_its_role_from_the_store(store):
    store.add_user("anna", "trainer", "Zorggroep Noord")
    assert access.current_user(store, {"JUPYTERHUB_USER": "anna"}) == NOORD
    store.add_user("piet", "coordinator")
    assert access.current_user(store, {"JUPYTERHUB_USER": "piet"}) == COORDINATOR


def test_a_login_name_is_found_as_jupyterhub_spells_it_in_lower_case(store):
    store.add_user("Anna.de.Vries", "trainer", "Zorggroep Noord")
    assert access.current_user(store, {"JUPYTERHUB_USER": "anna.de.vries"}).name == "anna.de.vries"


def test_a_login_name_without_a_role_is_refused_in_dutch_and_logged(store, caplog):
    caplog.set_level(logging.WARNING, "pztraining.services.access")
    with pytest.raises(UnknownUser, match="ingelogd als 'onbekend', maar die naam heeft nog geen rol"):
        access.current_user(store, {"JUPYTERHUB_USER": "onbekend"})
    assert "onbekend" in caplog.text


def test_a_trainer_sees_and_runs_only_its_own_organisations_trainings():
    assert access.visible_trainings(NOORD, ALL, access.can_run) == [NOORD_1]
    assert access.visible_trainings(NOORD, ALL, access.can_read_results) == [NOORD_1]
    assert access.new_training_organisation(NOORD, "Zorggroep Zuid") == "Zorggroep Noord"


def test_a_kartrekker_reads_its_organisations_results_but_runs_nothing():
    assert access.visible_trainings(KARTREKKER_NOORD, ALL, access.can_read_results) == [NOORD_1]
    assert access.visible_trainings(KARTREKKER_NOORD, ALL, access.can_run) == []
    assert not access.may_run_trainings(KARTREKKER_NOORD)
    assert not access.must_pseudonymize(KARTREKKER_NOORD)


def test_a_coordinator_reads_every_organisations_results_always_pseudonymized():
    assert access.visible_trainings(COORDINATOR, ALL, access.can_read_results) == ALL
    assert access.visible_trainings(COORDINATOR, ALL, access.can_run) == []
    assert access.must_pseudonymize(COORDINATOR)


def test_opening_another_organisations_training_by_id_is_refused_and_logged(store, clock, caplog):
    zuid = store.add_training("Zuid", "mysupport", clock(), "Zorggroep Zuid")
    caplog.set_level(logging.WARNING, "pztraining.services.access")
    with pytest.raises(AccessDenied, match="hoort niet bij jouw organisatie"):
        access.permitted_training(store, NOORD, zuid.id, access.can_run, "draaiboek")
    assert f"user='anna' role=trainer training={zuid.id} action=draaiboek" in caplog.text


def test_a_hosted_user_cannot_tell_a_missing_id_from_a_refused_one(store, caplog):
    caplog.set_level(logging.WARNING, "pztraining.services.access")
    with pytest.raises(AccessDenied, match="hoort niet bij jouw organisatie"):
        access.permitted_training(store, NOORD, 999, access.can_run, "draaiboek")
    assert "training=999" in caplog.text
    with pytest.raises(MissingEntry):  # localhost mode: as before
        access.permitted_training(store, LOCAL, 999, access.can_run, "draaiboek")


def test_users_are_added_updated_listed_and_removed(any_store):
    store = any_store
    store.add_user("anna", "trainer", "Zorggroep Noord")
    store.add_user(" Anna ", "kartrekker", "Zorggroep Zuid")  # added again (as JupyterHub spells it): updated
    store.add_user("piet", "coordinator")
    assert [(a.name, a.role, a.organisation) for a in store.list_users()] == [
        ("piet", "coordinator", ""),
        ("anna", "kartrekker", "Zorggroep Zuid"),
    ]
    store.remove_user("anna")
    with pytest.raises(MissingEntry, match=r"Gebruiker 'anna' heeft geen rol\."):
        store.find_user("anna")


@pytest.mark.parametrize(
    "name, role, organisation, message",
    [
        ("", "trainer", "Noord", "Geef een inlognaam."),
        ("anna", "baas", "Noord", "Onbekende rol 'baas'. Kies uit: trainer, kartrekker, coordinator."),
        ("anna", "trainer", " ", "Een trainer hoort bij een organisatie: geef die met --org."),
        ("piet", "coordinator", "Noord", "Een netwerkcoördinator kijkt over alle organisaties heen"),
    ],
)
def test_a_user_with_a_missing_or_wrong_part_is_refused_in_dutch(store, name, role, organisation, message):
    with pytest.raises(InputRefused, match=message):
        access.add_user(store, name, role, organisation)
    assert store.list_users() == []
