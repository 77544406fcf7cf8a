"""``pztraining users``: roles for login names, invoked in-process with the exact output."""

from pztraining.cli.main import main

FIRST_LOGIN = "Eerste keer inloggen (zelf een wachtwoord kiezen) kan tot "


def _run(capsys, tmp_path, *args) -> tuple[int, str, str]:
    """Status, output and errors; the claim-window line `users add` prints (a time) is checked apart."""
    status = main(["users", *args, "--data-dir", str(tmp_path)])
    out, err = capsys.readouterr()
    if args[0] == "add" and status == 0:
        first, window, rest = out.split("\n", 2)
        assert window.startswith(FIRST_LOGIN) and rest == "", out
        out = first + "\n"
    return status, out, err


def test_users_are_added_listed_updated_and_removed(capsys, tmp_path):
    assert _run(capsys, tmp_path, "add", "anna", "--role", "trainer", "--org", "Zorggroep Noord") == (
        0,
        "Gebruiker 'anna' toegevoegd: trainer bij Zorggroep Noord.\n",
        "",
    )
    assert _run(capsys, tmp_path, "add", "kees", "--role", "kartrekker", "--org", "Zorggroep Noord")[1] == (
        "Gebruiker 'kees' toegevoegd: kartrekker bij Zorggroep Noord.\n"
    )
    assert _run(capsys, tmp_path, "add", "piet", "--role", "coordinator")[1] == (
        "Gebruiker 'piet' toegevoegd: netwerkcoördinator (alle organisaties).\n"
    )
    assert _run(capsys, tmp_path, "add", "anna", "--role", "trainer", "--org", "Zorggroep Zuid")[1] == (
        "Gebruiker 'anna' bijgewerkt: trainer bij Zorggroep Zuid.\n"
    )
    assert _run(capsys, tmp_path, "list") == (
        0,
        (
            "Naam  Rol                 Organisatie\n"
            "piet  netwerkcoördinator  (alle)\n"
            "kees  kartrekker          Zorggroep Noord\n"
            "anna  trainer             Zorggroep Zuid\n"
        ),
        "",
    )
    assert _run(capsys, tmp_path, "remove", "anna") == (0, "Gebruiker 'anna' heeft geen rol meer.\n", "")
    assert "anna" not in _run(capsys, tmp_path, "list")[1]


def test_an_empty_list_says_how_to_add_someone(capsys, tmp_path):
    _run(capsys, tmp_path, "add", "piet", "--role", "coordinator")
    _run(capsys, tmp_path, "remove", "piet")
    assert _run(capsys, tmp_path, "list") == (
        0,
        ("Nog geen gebruikers. Voeg er een toe met 'pztraining users add NAAM --role trainer --org ORGANISATIE'.\n"),
        "",
    )


def test_wrong_roles_and_organisations_are_one_dutch_sentence(capsys, tmp_path):
    assert _run(capsys, tmp_path, "add", "kees", "--role", "kartrekker") == (
        1,
        "",
        "Fout: Een kartrekker hoort bij een organisatie: geef die met --org.\n",
    )
    assert _run(capsys, tmp_path, "add", "piet", "--role", "coordinator", "--org", "Noord") == (
        1,
        "",
        "Fout: Een netwerkcoördinator kijkt over alle organisaties heen en hoort bij geen ervan: laat --org weg.\n",
    )
    status, out, err = _run(capsys, tmp_path, "add", "bob", "--role", "baas", "--org", "Noord")
    assert (status, out) == (2, "") and err.startswith("Fout: --role: ongeldige keuze: 'baas'")
    assert _run(capsys, tmp_path, "remove", "niemand") == (1, "", "Fout: Gebruiker 'niemand' heeft geen rol.\n")
    assert _run(capsys, tmp_path, "list")[1].startswith("Nog geen gebruikers.")  # nothing half stored


def test_listing_never_creates_a_database(capsys, tmp_path):
    status, out, err = _run(capsys, tmp_path / "typo", "list")
    assert status == 1 and err.startswith("Fout: Er is geen pztraining-database") and out == ""
    assert not (tmp_path / "typo").exists()


def test_users_without_an_action_says_which_there_are(capsys):
    assert main(["users"]) == 2
    assert capsys.readouterr().err == "Fout: Kies add, list of remove. Zie 'pztraining users --help'.\n"


# ---------------------------------------------------------------- the other commands, hosted


def _two_organisations(store):
    from tests.unit.test_report import NOW, fill

    zon, _ = fill(store, name="Team Zon")  # organisation "Zorggroep", participants "Persoon 0…6"
    maan = store.add_training("Team Maan", "mysupport", NOW, "Andere Zorg")
    store.add_user("kees", "kartrekker", "Zorggroep")
    store.add_user("piet", "coordinator")
    return zon, maan


def test_a_coordinators_export_has_no_names_even_when_asked(store, capsys, tmp_path, monkeypatch):
    import pandas as pd

    zon, _ = _two_organisations(store)
    monkeypatch.setenv("JUPYTERHUB_USER", "piet")
    out = tmp_path / "uit.xlsx"
    assert main(["export", "--db", store.url, "--training", str(zon.id), "--out", str(out), "--with-names"]) == 0
    assert "altijd zonder namen" in capsys.readouterr().err
    answers = pd.read_excel(out, sheet_name="Antwoorden")
    assert set(answers["Respondent"].dropna()) >= {"D01"}
    assert not answers.astype(str).apply(lambda col: col.str.contains("Persoon")).any().any()


def test_a_kartrekker_cannot_export_or_remove_another_organisations_training(
    store, capsys, tmp_path, monkeypatch, caplog
):
    import logging

    _, maan = _two_organisations(store)
    monkeypatch.setenv("JUPYTERHUB_USER", "kees")
    caplog.set_level(logging.WARNING, "pztraining.services.access")
    out = tmp_path / "uit.xlsx"
    assert main(["export", "--db", store.url, "--training", str(maan.id), "--out", str(out)]) == 1
    assert capsys.readouterr().err == "Fout: Deze training hoort niet bij jouw organisatie; je kunt hem niet openen.\n"
    assert not out.exists()
    assert main(["remove", "--db", store.url, "--training", str(maan.id), "--yes"]) == 1
    assert store.find_training(maan.id).name == "Team Maan"
    assert f"user='kees' role=kartrekker training={maan.id} action=remove" in caplog.text


def test_a_refusal_on_the_command_line_is_one_dutch_sentence_without_the_log_line(store, capsys, tmp_path, monkeypatch):
    _, maan = _two_organisations(store)
    monkeypatch.setenv("JUPYTERHUB_USER", "kees")
    assert main(["remove", "--db", store.url, "--training", str(maan.id)]) == 1
    assert capsys.readouterr().err == "Fout: Deze training hoort niet bij jouw organisatie; je kunt hem niet openen.\n"


def test_a_kartrekker_gets_the_borging_report_of_its_own_organisation_only(
    store, capsys, tmp_path, monkeypatch, caplog
):
    import logging

    _two_organisations(store)
    monkeypatch.setenv("JUPYTERHUB_USER", "kees")
    caplog.set_level(logging.WARNING, "pztraining.services.access")
    period = ["--from", "2026-01-01", "--to", "2026-12-31", "--format", "html"]
    other = tmp_path / "andere.html"
    assert main(["borging", "--db", store.url, "--org", "Andere Zorg", *period, "--out", str(other)]) == 1
    assert capsys.readouterr().err == (
        "Fout: De cijfers van die organisatie zijn niet voor jou: je ziet alleen die van je eigen organisatie.\n"
    )
    assert not other.exists()
    assert "user='kees' role=kartrekker organisation='Andere Zorg' action=borging" in caplog.text
    own = tmp_path / "eigen.html"
    assert main(["borging", "--db", store.url, "--org", "Zorggroep", *period, "--out", str(own)]) == 0
    assert "Zorggroep" in own.read_text(encoding="utf-8")
