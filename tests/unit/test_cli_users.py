"""``pztraining users``: roles for login names, invoked in-process with the exact output."""

from pztraining.cli import main


def _run(capsys, tmp_path, *args) -> tuple[int, str, str]:
    status = main(["users", *args, "--data-dir", str(tmp_path)])
    out, err = capsys.readouterr()
    return status, out, err


def test_users_are_added_listed_updated_and_removed(capsys, tmp_path):
    assert _run(capsys, tmp_path, "add", "anna", "--role", "trainer", "--org", "Zorggroep Noord") == (
        0, "Gebruiker 'anna' toegevoegd: trainer bij Zorggroep Noord.\n", "")
    assert _run(capsys, tmp_path, "add", "kees", "--role", "kartrekker", "--org", "Zorggroep Noord")[1] == (
        "Gebruiker 'kees' toegevoegd: kartrekker bij Zorggroep Noord.\n")
    assert _run(capsys, tmp_path, "add", "piet", "--role", "coordinator")[1] == (
        "Gebruiker 'piet' toegevoegd: netwerkcoördinator (alle organisaties).\n")
    assert _run(capsys, tmp_path, "add", "anna", "--role", "trainer", "--org", "Zorggroep Zuid")[1] == (
        "Gebruiker 'anna' bijgewerkt: trainer bij Zorggroep Zuid.\n")
    assert _run(capsys, tmp_path, "list") == (0, (
        "Naam  Rol                 Organisatie\n"
        "piet  netwerkcoördinator  (alle)\n"
        "kees  kartrekker          Zorggroep Noord\n"
        "anna  trainer             Zorggroep Zuid\n"), "")
    assert _run(capsys, tmp_path, "remove", "anna") == (0, "Gebruiker 'anna' heeft geen rol meer.\n", "")
    assert "anna" not in _run(capsys, tmp_path, "list")[1]


def test_an_empty_list_says_how_to_add_someone(capsys, tmp_path):
    _run(capsys, tmp_path, "add", "piet", "--role", "coordinator")
    _run(capsys, tmp_path, "remove", "piet")
    assert _run(capsys, tmp_path, "list") == (0, (
        "Nog geen gebruikers. Voeg er een toe met 'pztraining users add NAAM --role trainer "
        "--org ORGANISATIE'.\n"), "")


def test_wrong_roles_and_organisations_are_one_dutch_sentence(capsys, tmp_path):
    assert _run(capsys, tmp_path, "add", "kees", "--role", "kartrekker") == (
        1, "", "Fout: Een kartrekker hoort bij een organisatie: geef die met --org.\n")
    assert _run(capsys, tmp_path, "add", "piet", "--role", "coordinator", "--org", "Noord") == (
        1, "", "Fout: Een netwerkcoördinator kijkt over alle organisaties heen en hoort bij geen ervan: "
               "laat --org weg.\n")
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
