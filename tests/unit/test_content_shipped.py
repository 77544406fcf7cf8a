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
        source = load_program(program_id).source.lower()
        assert "bron" in source or "gebaseerd" in source


def test_ggz_is_three_meetings_of_480_minutes_about_four_weeks_apart():
    program = load_program("ggz")
    assert [m.number for m in program.meetings] == [1, 2, 3]
    assert sum(m.minutes for m in program.meetings) == 480 == program.minutes
    assert [m.weeks_after_previous for m in program.meetings[1:]] == [4, 4]
    assert program.design_note and "voorstel" in program.design_note


def test_ggz_teaches_the_six_tools_with_assignments_after_meetings_1_and_2():
    program = load_program("ggz")
    text = " ".join(b.title + " " + b.goal + " " + " ".join(b.instructions) for m in program.meetings for b in m.blocks)
    for tool in (
        "Surprise Question",
        "Utrecht Symptoom Dagboek",
        "Wensenboekje",
        "Palliatief Redeneren",
        "Zorgpad Stervensfase",
        "Nazorggesprek",
    ):
        assert tool.lower() in text.lower(), tool
    assert program.meeting(1).assignment and program.meeting(2).assignment
    assert program.meeting(3).assignment is None


def test_each_program_has_a_preparation_checklist():
    mysupport = load_checklist("mysupport")
    text = " ".join(i.text.lower() for i in mysupport.items)
    for thing in ("informatiegids", "simulant", "beamer", "gesprekskaartjes", "evaluatie"):
        assert thing in text, thing
    assert load_checklist("ggz").items


# ---------------------------------------------------------------- facts checked against the sources


def _deck(deck_id: str):
    from pztraining.content.deck import deck_files, read_deck

    [path] = [p for p in deck_files() if p.stem == deck_id]
    return read_deck(path)


def _slide(deck_id: str, heading: str):
    return next(s for s in _deck(deck_id).slides if s.heading == heading)


def test_meneer_verhoef_has_been_ill_for_more_than_forty_years():
    from pztraining.content import load_case

    case = load_case("ggz-casus-1")
    assert case.person.age == 61
    assert any("sinds zijn twintigste" in line for line in case.person.situation)
    assert "ruim veertig jaar" in case.summary and "bijna veertig" not in case.summary


def test_palliatief_redeneren_has_four_steps_ending_with_evaluating_and_adjusting():
    import re

    slide = _slide("ggz-2", "Palliatief redeneren")
    steps = re.findall(r"^(\d)\. (.+)$", slide.markdown, flags=re.MULTILINE)
    assert [number for number, _ in steps] == ["1", "2", "3", "4"], slide.markdown
    assert steps[3][1].startswith("Evalueren en bijstellen")
    assert "vier stappen" in slide.markdown


def test_the_names_of_steps_2_to_5_are_called_the_packages_proposal_where_they_appear():
    from pztraining.content import load_case

    shown = [
        s
        for deck_id in ("ggz-1", "ggz-2", "ggz-3")
        for s in _deck(deck_id).slides
        if "Klachten in kaart brengen" in s.markdown or "stap 2: klachten in kaart brengen" in s.markdown
    ]
    assert len(shown) == 3, [s.heading for s in shown]
    for slide in shown:
        assert "De namen van stap 2 tot en met 5" in slide.markdown and "voorstel" in slide.markdown, slide.heading
    for case_id in ("ggz-casus-1", "ggz-casus-2"):
        case = load_case(case_id)
        assert case.steps[1].title.startswith("Stap 2")
        assert "namen van stap 2 tot en met 5" in case.source and "voorstel van dit pakket" in case.source
    note = " ".join(load_program("ggz").design_note.split())
    assert "de namen van stap 2 tot en met 5" in note


def test_the_export_column_is_spelled_trainingsnummer():
    from pztraining.core.texts import t

    assert t("col.training_id") == "Trainingsnummer"


def test_the_janssen_case_addresses_the_children_one_way():
    import re

    from pztraining.content import load_case

    case = load_case("janssen")
    lines = [*case.participant_briefing, *(q for step in case.steps for q in step.questions)]
    for line in lines:
        formal = re.search(r"\b(u|uw)\b", line, flags=re.IGNORECASE)
        assert not (formal and re.search(r"\bjullie\b", line, flags=re.IGNORECASE)), line
    questions = " ".join(q for step in case.steps for q in step.questions)
    assert not re.search(r"\b(u|uw)\b", questions), "the questions speak to the three children as 'jullie'"


def test_each_block_asks_its_reflection_questions_in_one_wording():
    from pztraining.content import load_form

    blocks = [
        b for p in ("mysupport", "ggz") for m in load_program(p).meetings for b in m.blocks if b.reflection_questions
    ]
    assert len(blocks) == 2
    for block in blocks:
        for line in block.instructions:
            if "reflectievragen" in line:
                for question in block.reflection_questions:
                    assert question in line, (block.id, question)
    oefenen, oefenen_ggz = (next(b for b in blocks if b.id == i) for i in ("oefenen", "oefenen-gesprek"))
    assert [i.text for i in load_form("reflectie").items[:3]] == list(oefenen.reflection_questions)
    assert any("reflectievragen" in line for line in oefenen.instructions)
    # The decks show the same questions, word for word.
    for deck_id, block in (("mysupport-1", oefenen), ("ggz-2", oefenen_ggz)):
        markdown = "\n".join(s.markdown for s in _deck(deck_id).slides)
        for question in block.reflection_questions:
            assert f"- {question}" in markdown, (deck_id, question)


def test_the_mysupport_preparation_names_group_size_simulants_and_who_else_joins():
    checklist = {i.id: " ".join(i.text.split()) for i in load_checklist("mysupport").items}
    text = " ".join(checklist.values())
    assert "Meer dan 10 deelnemers" in text and "extra simulant" in text
    assert "Hoogstens vier behandelaren" in text and "teamleider" in text and "geremd" in text
    simulant = checklist["simulant-werven"]
    assert "naaste" in simulant and "cliëntenraad" in simulant
    # The draaiboek reminds the trainer where it matters: when the groups are made.
    [oefenen] = [" ".join(b.instructions) for b in load_program("mysupport").meeting(1).blocks if b.id == "oefenen"]
    assert "meer dan 10 deelnemers" in oefenen and "eigen simulant" in oefenen
    assert "hoogstens vier" in oefenen and "teamleider" in oefenen
