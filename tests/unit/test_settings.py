"""One settings object (core/settings.py): where each setting comes from, and nobody else reads the environment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import pztraining
from pztraining.core import settings
from pztraining.core.settings import Settings, SettingsError
from tests.source import module_tree, nodes

PACKAGE = Path(pztraining.__file__).parent


def test_the_command_line_beats_the_environment_which_beats_the_file_which_beats_the_default(tmp_path):
    config = tmp_path / "eigen.toml"
    config.write_text('timezone = "Europe/London"\njoin_days = 30\nanonymous_batch = 3\n')
    environ = {"PZTRAINING_CONFIG": str(config), "PZTRAINING_JOIN_DAYS": "21"}

    found = settings.read(environ, anonymous_batch=7)

    assert found.anonymous_batch == 7  # command line
    assert found.join_days == 21  # environment over the file
    assert found.timezone == "Europe/London"  # the file over the default
    assert found.public_url == ""  # the default


def test_the_config_file_in_the_data_folder_is_read_without_being_named(tmp_path):
    (tmp_path / "pztraining.toml").write_text('public_url = "https://training.example.nl"\n')
    assert settings.read({"PZTRAINING_DATA": str(tmp_path)}).public_url == "https://training.example.nl"
    assert settings.read({}, data_dir=tmp_path).database_url() == f"sqlite:///{tmp_path.resolve()}/pztraining.db"


@pytest.mark.parametrize(
    ("environ", "said"),
    [
        ({"PZTRAINING_JOIN_DAYS": "veertien"}, "PZTRAINING_JOIN_DAYS"),
        ({"PZTRAINING_ANONYMOUS_BATCH": "0"}, "minstens 1"),
        ({"PZTRAINING_ROOM": "misschien"}, "ja of nee"),
    ],
)
def test_an_unusable_value_is_said_in_dutch_with_its_source(environ, said):
    with pytest.raises(SettingsError, match=said) as caught:
        settings.read(environ)
    assert caught.value.exit_code == 2


def test_a_config_file_with_a_typo_is_refused_in_dutch(tmp_path):
    config = tmp_path / "pz.toml"
    config.write_text('tijdzone = "Europe/Amsterdam"\n')
    with pytest.raises(SettingsError, match="onbekende instellingen: tijdzone"):
        settings.read({"PZTRAINING_CONFIG": str(config)})
    config.write_text('timezone = "Europe/Amsterdam\n')
    with pytest.raises(SettingsError, match="geen geldige TOML"):
        settings.read({"PZTRAINING_CONFIG": str(config)})
    with pytest.raises(SettingsError, match="bestaat niet"):
        settings.read({"PZTRAINING_CONFIG": str(tmp_path / "weg.toml")})


def test_what_a_server_hands_down_a_kernel_reads_back(tmp_path):
    chosen = Settings(database="sqlite:///x.db", region=tmp_path / "regio.yaml", room=True, join_days=3)
    environ = {"PZTRAINING_ROOM": "1", "UNRELATED": "kept"}
    settings.hand_down(chosen, environ)
    assert environ["UNRELATED"] == "kept"
    assert settings.read(environ) == chosen
    settings.hand_down(Settings(), environ)  # nothing set: nothing left behind for the children
    assert environ == {"UNRELATED": "kept"}


def _reads_the_environment(tree: ast.AST) -> list[int]:
    lines = []
    for node in nodes(tree):
        os_attribute = (
            isinstance(node, ast.Attribute)
            and node.attr in {"environ", "getenv", "putenv"}
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
        )
        from_os = (
            isinstance(node, ast.ImportFrom)
            and node.module == "os"
            and any(alias.name in {"environ", "getenv"} for alias in node.names)
        )
        if os_attribute or from_os:
            lines.append(node.lineno)
    return lines


def test_no_module_but_settings_reads_the_environment():
    found = [
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "vendor" not in path.parts and path != PACKAGE / "core" / "settings.py"
        for line in _reads_the_environment(module_tree(path))
    ]
    assert found == []
    assert _reads_the_environment(ast.parse("import os\nos.environ.get('X')\n")) == [2]  # the scan sees one
