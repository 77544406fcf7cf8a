"""The shipped programs say what the source documents say."""

from pztraining.content import check_files, content_files, load_checklist, load_program


def test_every_shipped_content_file_validates():
    files = content_files()
    assert len(files) >= 4
    assert check_files(files) == []


def test_mysupport_is_one_meeting_of_120_minutes_as_the_draaiboek():
    program = load_program("mysupport")
    assert program.minutes == 120 and len(program.meetings) == 1
    blocks = program.meeting(1).blocks
    assert [(b.title, b.minutes, b.leads) for b in blocks] == [
        ("Welkom", 5, ("vertegenwoordiger organisatie",)),
        ("Terugkoppeling voorbereiding en doel", 10, ("trainer",)),
        ("Gesprek om de informatiegids te introduceren", 15, ("trainer",)),
        ("Oefenen", 60, ("trainer", "deelnemers", "simulant")),
        ("Afsluiting en evaluatie", 20, ("trainer",)),
        ("Vervolg", 10, ("vertegenwoordiger organisatie",)),
    ]


def test_mysupport_blocks_cover_what_the_draaiboek_asks():
    blocks = {b.id: b for b in load_program("mysupport").meeting(1).blocks}
    text = {key: " ".join((b.goal, *b.instructions, *b.materials)).lower() for key, b in blocks.items()}
    assert "proactieve zorgplanning" in text["welkom"] and "verantwoordelijkheden" in text["welkom"]
    assert "voorbereid" in text["terugkoppeling"]
    assert "filmpje" in text["informatiegids"] and "gesprekskaartje" in text["informatiegids"]
    for step in ("introductie", "benoem het doel", "verken wat naasten al weten", "afronding"):
        assert step in text["informatiegids"], step
    assert "facilitator" in text["oefenen"]
    assert "twee minuten" in text["oefenen"] or "2 minuten" in text["oefenen"]
    assert "afspraken" in text["afsluiting"] + text["vervolg"]
    assert blocks["oefenen"].cases == ("de-vries", "janssen")


def test_every_program_credits_its_source():
    for program_id in ("mysupport", "ggz"):
        assert "bron" in load_program(program_id).source.lower() or "gebaseerd" in load_program(program_id).source.lower()


def test_ggz_is_three_meetings_of_480_minutes_about_four_weeks_apart():
    program = load_program("ggz")
    assert [m.number for m in program.meetings] == [1, 2, 3]
    assert sum(m.minutes for m in program.meetings) == 480 == program.minutes
    assert [m.weeks_after_previous for m in program.meetings[1:]] == [4, 4]
    assert program.design_note and "voorstel" in program.design_note


def test_ggz_teaches_the_six_tools_with_assignments_after_meetings_1_and_2():
    program = load_program("ggz")
    text = " ".join(b.title + " " + b.goal + " " + " ".join(b.instructions)
                    for m in program.meetings for b in m.blocks)
    for tool in ("Surprise Question", "Utrecht Symptoom Dagboek", "Wensenboekje", "Palliatief Redeneren",
                 "Zorgpad Stervensfase", "Nazorggesprek"):
        assert tool.lower() in text.lower(), tool
    assert program.meeting(1).assignment and program.meeting(2).assignment
    assert program.meeting(3).assignment is None


def test_each_program_has_a_preparation_checklist():
    mysupport = load_checklist("mysupport")
    text = " ".join(i.text.lower() for i in mysupport.items)
    for thing in ("informatiegids", "simulant", "beamer", "gesprekskaartjes", "evaluatie"):
        assert thing in text, thing
    assert load_checklist("ggz").items
