"""The CLI, invoked in-process: exact output, Dutch errors, help for every command."""

from datetime import UTC

import pytest

from pztraining.cli import table
from pztraining.cli.main import build_parser, main

AGENDA_90 = """\
mySupport – proactieve zorgplanning bij dementie
Bijeenkomst 1: Trainingsbijeenkomst mySupport
90 min (gepland 120 min, minimaal 90 min)

Tijd         Min  Blok                                          Wie
09:00-09:05    5  Welkom                                        Vertegenwoordiger organisatie
09:05-09:10    5  Terugkoppeling voorbereiding en doel          Trainer (was 10)
09:10-09:20   10  Gesprek om de informatiegids te introduceren  Trainer (was 15)
09:20-10:05   45  Oefenen                                       Trainer, deelnemers en simulant (was 60)
10:05-10:20   15  Afsluiting en evaluatie                       Trainer (was 20)
10:20-10:30   10  Vervolg                                       Vertegenwoordiger organisatie

Einde 10:30, totaal 90 min
"""


def test_agenda_prints_the_shortened_draaiboek_with_clock_times(capsys):
    assert main(["agenda", "mysupport", "--minutes", "90", "--start", "09:00"]) == 0
    assert capsys.readouterr().out == AGENDA_90


def test_agenda_defaults_to_the_planned_length_of_meeting_1(capsys):
    assert main(["agenda", "ggz", "--start", "13:00"]) == 0
    out = capsys.readouterr().out
    assert "Bijeenkomst 1:" in out and "180 min (gepland 180 min" in out and "(was" not in out


@pytest.mark.parametrize(
    "args, lines",
    [
        (
            ["agenda", "hospice-ggz", "--meeting", "2"],
            [
                "Bijeenkomst 2: Consultatie, verwijzen en samenwerken",
                "09:40-10:20   40  Casus thuis",
                "Einde 11:00, totaal 120 min",
            ],
        ),
        (
            ["agenda", "casuistiekbespreking", "--meeting", "4", "--start", "14:00"],
            [
                "Bijeenkomst 4: Casuïstiekbespreking 4",
                "14:05-14:15   10  Afspraken van de vorige keer",
                "Einde 15:30, totaal 90 min",
            ],
        ),
        (
            ["agenda", "vll-publiek", "--start", "19:30"],
            [
                "Bijeenkomst 1: Samen beslissen over uw laatste levensfase",
                "20:25-20:45   20  Gesprek en vragen",
                "Begeleider en bezoekers",
                "Einde 21:00, totaal 90 min",
            ],
        ),
    ],
)
def test_agenda_prints_each_newer_programme(capsys, args, lines):
    assert main(args) == 0
    out = capsys.readouterr().out
    for line in lines:
        assert line in out


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["agenda", "yoga"],
            "Fout: Onbekend programma 'yoga'. "
            "Kies uit: casuistiekbespreking, ggz, hospice-ggz, mysupport, vll-publiek, zorgkaart.",
        ),
        (["agenda", "ggz", "--meeting", "4"], "Fout: Het programma 'ggz' heeft geen bijeenkomst 4; kies 1 t/m 3."),
        (
            ["agenda", "mysupport", "--minutes", "80"],
            "Fout: De doellengte 80 min is korter dan het minimum van deze bijeenkomst (90 min).",
        ),
        (["agenda", "mysupport", "--minutes", "130"], "Fout: De doellengte 130 min is langer dan gepland (120 min)."),
        (
            ["agenda", "mysupport", "--start", "9 uur"],
            "Fout: De begintijd '9 uur' is geen tijd als UU:MM, bijvoorbeeld 09:00.",
        ),
        (
            ["agenda", "mysupport", "--start", "25:00"],
            "Fout: De begintijd '25:00' is geen tijd als UU:MM, bijvoorbeeld 09:00.",
        ),
    ],
)
def test_bad_input_gives_one_dutch_sentence_and_a_failing_exit(capsys, args, message):
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == message


def test_wrong_usage_is_explained_in_dutch_with_exit_2(capsys):
    assert main(["agenda", "mysupport", "--meeting", "een"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Fout: --meeting: geen geheel getal: 'een'.")
    assert "pztraining agenda --help" in err and "Traceback" not in err


def test_a_database_in_a_file_where_a_folder_should_be_is_refused(capsys, tmp_path):
    blocker = tmp_path / "bestand"
    blocker.write_text("geen map")
    assert main(["demo", "--no-serve", "--db", f"sqlite:///{blocker}/pz.db"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fout: Kan de map") and "Traceback" not in err


def test_demo_without_serving_creates_the_demo_trainings_once(capsys, tmp_path):
    assert main(["demo", "--no-serve", "--data-dir", str(tmp_path)]) == 0
    first = capsys.readouterr().out
    # five programmes, a year of trainings at De Linde, a series of case discussions and an earlier
    # training at the hospice
    assert first.count("aangemaakt") == 10
    assert main(["demo", "--no-serve", "--data-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.count("bestaat al") == 10
    assert (tmp_path / "pztraining.db").exists()
    from pztraining.store import Store

    store = Store(f"sqlite:///{tmp_path / 'pztraining.db'}")
    demo = next(t for t in store.list_trainings() if t.program_id == "mysupport")
    assert demo.join_code in first
    assert store.form_session(demo.id, 1, "voorbereiding-mysupport").is_open  # join it from a phone
    assert store.response_counts(demo.id, 1) == {"voorbereiding-mysupport": 6, "evaluatie-mysupport": 6}


def test_check_accepts_the_shipped_content(capsys):
    assert main(["check"]) == 0
    assert capsys.readouterr().out.startswith("Alle ")


COMMANDS = table.names()  # the one list of commands (pztraining/cli/table.py)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_dutch_help(capsys, command):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Gebruik: pztraining {command}")
    assert "toon deze hulp en stop" in out


def test_the_top_level_help_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert command in out
    subcommands = build_parser()._subparsers._group_actions[0].choices
    assert sorted(subcommands) == sorted(COMMANDS)


def test_every_command_is_documented_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"pztraining {command}" in readme, command


def test_remove_deletes_a_training_only_when_confirmed(capsys, tmp_path):
    from datetime import datetime

    from pztraining.store import Store

    store = Store(f"sqlite:///{tmp_path / 'pz.db'}")
    training = store.add_training("Weg ermee", "mysupport", datetime.now(UTC))
    store.add_participant(training.id, "Sanne", "h", datetime.now(UTC))
    assert main(["remove", "--db", store.url, "--training", training.join_code]) == 1
    assert "Herhaal met --yes" in capsys.readouterr().err
    assert store.list_trainings() != []
    assert main(["remove", "--db", store.url, "--training", training.join_code, "--yes"]) == 0
    assert store.list_trainings() == [] and store.list_participants(training.id) == []


def test_a_training_named_like_another_trainings_number_is_refused_naming_both(capsys, tmp_path):
    from datetime import datetime

    from pztraining.store import Store

    store = Store(f"sqlite:///{tmp_path / 'pz.db'}")
    now = datetime.now(UTC)
    first = store.add_training("Team De Linde", "mysupport", now)
    named_like_it = store.add_training(str(first.id), "mysupport", now)
    assert main(["remove", "--db", store.url, "--training", str(first.id), "--yes"]) == 1
    err = capsys.readouterr().err
    assert f"'{first.id}' past bij meer dan één training" in err
    assert f"'Team De Linde' (nummer {first.id}, code {first.join_code})" in err
    assert f"'{first.id}' (nummer {named_like_it.id}, code {named_like_it.join_code})" in err
    assert len(store.list_trainings()) == 2  # nothing removed on a guess
    # The code (or the other number) says which one is meant.
    assert main(["remove", "--db", store.url, "--training", named_like_it.join_code.lower(), "--yes"]) == 0
    assert [t.id for t in store.list_trainings()] == [first.id]
    assert main(["remove", "--db", store.url, "--training", str(first.id), "--yes"]) == 0
    assert store.list_trainings() == []
