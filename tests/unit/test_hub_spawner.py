"""The page that waits while a trainer's apps start reads its lines from the hub's progress stream:
every line that JupyterHub and its spawner write there is Dutch with the printed config's spawner."""

from __future__ import annotations

from types import SimpleNamespace

from pztraining.core.texts import t
from pztraining.serving.hub import HubSettings, config_text
from pztraining.serving.hub_spawner import TrainerSpawner
from tests.loops import run_async
from tests.unit.test_hub_config import read_config


async def _lines(spawner: TrainerSpawner) -> list[dict]:
    # The hub streams _generate_progress() while the start is pending (SpawnProgressAPIHandler).
    spawner._spawn_pending = True
    return [event async for event in spawner._generate_progress()]


def test_the_printed_config_starts_trainers_servers_with_the_dutch_spawner():
    c = read_config(config_text(HubSettings(db_url="sqlite:///x.db")))
    assert c.JupyterHub.spawner_class == "pztraining.serving.hub_spawner.TrainerSpawner"


def test_the_lines_while_the_apps_start_are_dutch():
    events = run_async(_lines(TrainerSpawner()))
    assert [event["message"] for event in events] == [t("hub.spawn.requested"), t("hub.spawn.starting")]
    assert [event["progress"] for event in events] == [0, 50]
    assert not any("html_message" in event for event in events)


def test_the_line_when_the_apps_are_ready_is_dutch_and_links_to_them():
    spawner = TrainerSpawner()
    url = "/user/anna/"
    # As SpawnProgressAPIHandler builds its last event and hands it to the hook.
    event = {"progress": 100, "ready": True, "message": f"Server ready at {url}", "url": url}
    ready = spawner.progress_ready_hook(SimpleNamespace(), event)
    assert ready["message"] == t("hub.spawn.ready", url=url)
    assert ready["html_message"] == t("hub.spawn.ready_html", url=url)
    assert (ready["ready"], ready["progress"], ready["url"]) == (True, 100, url)
