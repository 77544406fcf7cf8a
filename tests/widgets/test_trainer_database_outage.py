"""The trainer's page while PostgreSQL is down: a Dutch sentence on the page instead of a
traceback, nothing half-stored, and the same click works once the server is back."""

import pytest

from pztraining.store import Store
from pztraining.ui.common import Message, open_page
from pztraining.ui.trainer import TrainerApp


@pytest.fixture
def cluster():
    from tests.postgres import Cluster, bin_or_skip

    cluster = Cluster(bin_or_skip())  # its own: this test stops it
    yield cluster
    cluster.stop()


def test_a_change_while_the_database_is_down_is_said_in_dutch_and_works_once_it_is_back(cluster, clock):
    url = cluster.new_database()
    store = Store(url, busy_seconds=1.0)
    app = TrainerApp(store, clock=clock)
    app.new_training.program_select.value = "mysupport"
    app.new_training.group_name.value = "Team De Linde"
    cluster.pause()
    try:
        app.new_training.create_button.click()  # raises nothing: the page shows why
        assert "niet bereikbaar; er is niets opgeslagen" in app.message.value
        page = open_page(TrainerApp, url)  # a trainer who reloads the page now
        shown = " ".join(child.value for child in page.children if isinstance(child, Message))
        assert "Kan geen verbinding maken met de database" in shown
        assert "Traceback" not in shown and "Error" not in shown
    finally:
        cluster.resume()
    app.new_training.create_button.click()
    [training] = store.list_trainings()
    assert training.name == "Team De Linde"
    assert app.training_select.value == training.id
    store.close()
