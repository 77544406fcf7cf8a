"""``pztraining serve --room``: phones and tablets over the room's network, the trainer on this laptop."""

from __future__ import annotations

import pytest

from pztraining.cli.commands import serving as cli
from pztraining.cli.main import main
from pztraining.serving import server


class _Stopped:
    def poll(self):
        return 0  # the servers "stop" at once, so the command returns after printing


def _fake_serve(calls):
    def serve(db_url, **options):
        calls.append(options)
        trainer = server.VoilaServer(_Stopped(), "http://127.0.0.1:8866")
        room = server.VoilaServer(_Stopped(), f"http://10.1.2.3:{options['participant_port']}")
        return server.Apps(trainer=trainer, room=room, servers=[trainer, room])

    return serve


@pytest.fixture
def calls(monkeypatch, tmp_path):
    found: list[dict] = []
    monkeypatch.setattr(server, "serve", _fake_serve(found))
    monkeypatch.setattr(cli, "_fresh_slides", lambda: None)
    return found


def test_room_binds_phones_to_the_network_and_keeps_the_trainer_on_this_laptop(calls, tmp_path, capsys):
    main(["serve", "--room", "--data-dir", str(tmp_path)])
    [options] = calls
    assert options["host"] == "0.0.0.0" and options["trainer_host"] == "127.0.0.1"
    out = capsys.readouterr().out
    assert "Deelnemers (telefoon): http://10.1.2.3:8867/" in out
    assert "QR-codes voor de beamer: http://127.0.0.1:8866/pz/zaal/" in out
    assert "█" in out or "▀" in out or "▄" in out  # a QR code drawn in the terminal
    assert "Draaiboek (trainer): http://127.0.0.1:8866/" in out


def test_without_room_everything_stays_on_this_laptop(calls, tmp_path, capsys):
    main(["serve", "--data-dir", str(tmp_path)])
    [options] = calls
    assert options["host"] == "127.0.0.1" and options["trainer_host"] == "127.0.0.1"
    assert "▀" not in capsys.readouterr().out


def test_an_empty_token_off_localhost_is_refused_in_dutch(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "_fresh_slides", lambda: None)
    monkeypatch.setattr(server, "_launch", lambda *a, **k: pytest.fail("a server was started"))
    assert main(["serve", "--trainer-host", "0.0.0.0", "--token", "", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "Een lege toegangscode kan niet" in err and "Traceback" not in err
