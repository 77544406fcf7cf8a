"""Each kind of invalid content file gives one line: file, path inside it, the problem."""

from pathlib import Path

import pytest
import yaml

from pztraining.cli.main import main
from pztraining.content import ContentError, load_file
from pztraining.content.loader import builtin_content_dir

MYSUPPORT = builtin_content_dir() / "programs" / "mysupport.yaml"


def _write(tmp_path: Path, data) -> Path:
    path = tmp_path / "kapot.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _program():
    return yaml.safe_load(MYSUPPORT.read_text(encoding="utf-8"))


def _problems(path: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_file(path)
    return [str(p) for p in info.value.problems]


def test_a_non_integer_block_length_names_the_path(tmp_path):
    data = _program()
    data["meetings"][0]["blocks"][3]["minutes"] = "zestig"
    [problem] = _problems(_write(tmp_path, data))
    assert problem.endswith("kapot.yaml: meetings[0].blocks[3].minutes: moet een geheel getal zijn, niet 'zestig'")


def test_blocks_that_do_not_add_up_to_the_meeting_are_invalid(tmp_path):
    data = _program()
    data["meetings"][0]["blocks"][0]["minutes"] = 6
    data["meetings"][0]["blocks"][0]["min_minutes"] = 6
    [problem] = _problems(_write(tmp_path, data))
    assert "meetings[0]: de blokken duren samen 121 minuten, maar de bijeenkomst is 120 minuten" in problem


def test_a_program_whose_meetings_do_not_add_up_is_invalid(tmp_path):
    data = _program()
    data["minutes"] = 90
    [problem] = _problems(_write(tmp_path, data))
    assert problem.endswith("kapot.yaml: de bijeenkomsten duren samen 120 minuten, maar het programma is 90 minuten")


def test_a_missing_field_is_named(tmp_path):
    data = _program()
    del data["meetings"][0]["blocks"][1]["goal"]
    [problem] = _problems(_write(tmp_path, data))
    assert problem.endswith("meetings[0].blocks[1].goal: ontbreekt")


def test_an_unknown_role_lists_the_known_ones(tmp_path):
    data = _program()
    data["meetings"][0]["blocks"][0]["leads"] = ["directeur"]
    [problem] = _problems(_write(tmp_path, data))
    assert "meetings[0].blocks[0].leads[0]: moet een van deze zijn:" in problem and "'directeur'" in problem


def test_a_typo_in_a_field_name_is_reported_not_ignored(tmp_path):
    data = _program()
    data["meetings"][0]["blocks"][2]["minuten"] = 3
    problems = _problems(_write(tmp_path, data))
    assert any(p.endswith("meetings[0].blocks[2].minuten: onbekend veld (tikfout?)") for p in problems)


def test_a_minimum_above_the_planned_length_is_invalid(tmp_path):
    data = _program()
    data["meetings"][0]["blocks"][4]["min_minutes"] = 25
    [problem] = _problems(_write(tmp_path, data))
    assert problem.endswith("meetings[0].blocks[4]: min_minutes (25) is groter dan minutes (20)")


def test_broken_yaml_names_line_and_column(tmp_path):
    [problem] = _problems(_write(tmp_path, "schema_version: 1\nkind: program\nid: [onaf\n"))
    assert "kapot.yaml: regel" in problem and "ongeldige YAML" in problem


@pytest.mark.parametrize(
    "version, message",
    [
        (None, "schema_version: ontbreekt"),
        (2, "schema_version: versie 2 is nieuwer dan deze pztraining kent (1); werk pztraining bij"),
        (0, "schema_version: versie 0 bestaat niet; de oudste is 1"),
    ],
)
def test_schema_versions_that_are_missing_too_new_or_too_old_are_refused(tmp_path, version, message):
    data = _program()
    if version is None:
        del data["schema_version"]
    else:
        data["schema_version"] = version
    [problem] = _problems(_write(tmp_path, data))
    assert problem.endswith(message)


def test_an_unknown_kind_is_refused(tmp_path):
    data = _program()
    data["kind"] = "recept"
    [problem] = _problems(_write(tmp_path, data))
    assert problem.endswith(
        "kind: moet een van deze zijn: card, case, checklist, conditions, costs, deck, form, "
        "indicators, planning, program, region, tree; niet 'recept'"
    )


def test_check_prints_one_line_per_problem_and_exits_1_without_traceback(tmp_path, capsys):
    data = _program()
    data["meetings"][0]["blocks"][3]["minutes"] = "zestig"
    data["meetings"][0]["blocks"][1]["leads"] = []
    _write(tmp_path, data)
    (tmp_path / "leeg.yaml").write_text("- alleen een lijst\n", encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert len(lines) == 3
    assert any("meetings[0].blocks[3].minutes" in line for line in lines)
    assert any("meetings[0].blocks[1].leads: mag niet leeg zijn" in line for line in lines)
    assert any(line.endswith("leeg.yaml: moet een verzameling velden zijn (sleutel: waarde)") for line in lines)
    assert "Traceback" not in out + err
    assert "3 probleem/problemen gevonden." in err


def test_a_block_id_used_twice_is_named(tmp_path):
    data = _program()
    data["meetings"][0]["blocks"][1]["id"] = "welkom"
    [problem] = _problems(_write(tmp_path, data))
    assert problem.endswith("meetings[0]: blok-id 'welkom' komt twee keer voor")
