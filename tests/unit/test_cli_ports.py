"""Port options accept only real TCP ports (1–65535), so serve never prints one port and listens on another."""

import pytest

from pztraining.cli import parsing
from pztraining.cli.main import build_parser, main


@pytest.mark.parametrize("command", ["serve", "demo"])
@pytest.mark.parametrize("option", ["--port", "--participant-port"])
@pytest.mark.parametrize("value", ["70000", "0", "-1", "acht"])
def test_a_port_outside_1_to_65535_is_refused_in_dutch_with_exit_2(capsys, command, option, value):
    assert main([command, option, value]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"Fout: {option}: '{value}' is geen poortnummer; kies 1 t/m 65535. Zie 'pztraining {command} --help'.\n"
    )


def test_every_port_option_is_checked():
    # A port option added later (by any command) must use the same check.
    for name, sub in build_parser()._subparsers._group_actions[0].choices.items():
        for action in sub._actions:
            if any("port" in flag for flag in action.option_strings):
                assert action.type is parsing.port, (name, action.option_strings)


@pytest.mark.parametrize("value", ["1", "8866", "65535"])
def test_the_edges_of_the_port_range_are_accepted(value):
    args = build_parser().parse_args(["serve", "--port", value, "--participant-port", value])
    assert args.port == args.participant_port == int(value)
