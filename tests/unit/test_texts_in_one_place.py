"""Every sentence a user sees lives in texts.py: each of its keys is used, and no module of the
package holds a Dutch sentence of its own (a translation, or a fix of a word, is one file).

The second test is a heuristic: a string literal (not a docstring) that has more common Dutch
words than English ones is taken for Dutch text. Content (cases/, the YAML under
pztraining/content/) is not system text and is not scanned.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pztraining
from pztraining.core.texts import NL
from tests.source import module_tree, nodes

PACKAGE = Path(pztraining.__file__).parent
#: Files that name text keys: the modules, the page scripts (they get the texts from the
#: server), the handout templates and the notebooks.
KEY_SUFFIXES = {".py", ".js", ".j2", ".html", ".ipynb"}

#: Key prefixes whose keys are made at run time, e.g. t(f"col.{column}"): such a key counts as
#: used when the rest of it (the column, role, ... name) is a literal somewhere in the code.
DYNAMIC_PREFIXES = {
    "col.": "results and exports: the label of a results column",
    "kt.col.": "kartrekker export: the label of a borging column",
    "role.": "a login's role (CLI users, the apps)",
    "region.role.": "handouts: a role of the region file",
    "report.respondent.": "report: how an anonymous or paper respondent is shown",
    "server.name.": "server: which server a busy port was meant for",
    "form.": "the form renderer's words by name (form_widget.py, participant.js FORM_TEXTS)",
    "fac.variant.": "facilitator: the variant of a case",
    "kt.score.": "kartrekker: a condition's score",
    "kt.tab.": "kartrekker: a tab of the page",
    "kt.period.": "kartrekker: a period kind",
    "panel.purpose.": "forms panel: the purpose of a form",
    "kt.cost.origin.": "kartrekker: where a cost input's number comes from",
}

#: Files with Dutch literals that are not system text, and why.
ALLOWED_FILES = {
    "cli/demo.py": "the demo training's data (names, answers): content, like the cases",
}
_CASE_STEP = "content/schema.py CONVERSATION_STEPS: must equal the step titles of the case YAML (content)"
#: Single Dutch literals that are not system text, and why.
ALLOWED_TEXTS = {
    "Bespreek wat naasten nog willen weten en geef informatie": _CASE_STEP,
    "Verken wat naasten al weten": _CASE_STEP,
}

_DUTCH = set(
    """de het een niet je jouw jij u uw van geen naar wordt worden zijn deze dit er bij ook nog maar
dat wat kies bestand bestanden map onbekend onbekende fout ongeldig ongeldige en voor met kan mag moet hier
over uit tot alleen alle eerst daarna zo zal wil wilt heeft hebben welke waar wanneer bijeenkomst deelnemer
deelnemers casus formulier opnieuw probeer klaar nieuwe nieuw opgeslagen bewaard gebruik gebruiken als
bijvoorbeeld tijd blok wie einde totaal gepland minimaal niemand keer waarde tekens nu maak korter hem
beurt groep ligt na minuten seconden lijst veld velden leeg tekst getal ja nee stappen volgorde vraag knoop
keuzes advies ontbreekt regel kolom onleesbare gesloten gevonden kon klopt verstuurd antwoord antwoorden vul
geef stop volgende vorige terug sluiten openen bewaar verwijder toevoegen annuleren groepen beurten periode
programma verplicht maximaal minstens hoogstens geluid sommige vragen tussen zij staan gewijzigd hun ons onze
we wij ze zich door omdat dan toch al meer minder eerder later vandaag morgen gisteren""".split()
)
_ENGLISH = set("the a an of is to and that not with for this when on be or it no are by from as at was".split())
_WORD = re.compile(r"[a-zà-ÿ]+", re.IGNORECASE)
_IDENTIFIER = re.compile(r"^[\w.\-/:<>{}*]*$")  # a key, id, file name or column: no sentence


def looks_dutch(text: str) -> bool:
    """Whether ``text`` reads as Dutch words for a person (more Dutch than English common words)."""
    if _IDENTIFIER.match(text):  # one word: Dutch when it is a capitalised label ("Blok"), not a value ("niet")
        return text[:1].isupper() and text.lower() in _DUTCH
    words = [word.lower() for word in _WORD.findall(text)]
    dutch = [word for word in words if word in _DUTCH]
    if len([word for word in words if word in _ENGLISH]) >= len(dutch):
        return False
    return len(dutch) >= 2 or (len(dutch) == 1 and len(words) <= 3 and len(dutch[0]) > 3)


def _literals(tree: ast.AST):
    """(line, text) of each string literal that is not a docstring; an f-string as one text."""
    docstrings = {
        id(node.value) for node in nodes(tree) if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    parts = set()
    for node in nodes(tree):
        if isinstance(node, ast.JoinedStr):
            parts.update(id(value) for value in node.values)
            yield node.lineno, "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    skipped = docstrings | parts
    for node in nodes(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
            yield node.lineno, node.value


def _sources() -> dict[Path, str]:
    return {
        path: path.read_text(encoding="utf-8")
        for path in sorted(PACKAGE.rglob("*"))
        if path.suffix in KEY_SUFFIXES
        and path.is_file()
        and path.name != "texts.py"
        and "vendor" not in path.parts
        and "build" not in path.parts
    }  # built decks: reveal.js is a folder


def test_every_text_key_is_shown_somewhere():
    code = "\n".join(_sources().values())
    literals = set(re.findall(r"""["'`]([\w.\-]+)["'`]""", code))
    for prefix in DYNAMIC_PREFIXES:  # still made at run time, or the allowance goes
        made = re.escape(prefix) + r"""(\{|["']\s*\+|\$\{)"""
        assert re.search(made, code), f"no key is made from {prefix!r} any more: drop it from DYNAMIC_PREFIXES"
    unused = []
    for key in NL:
        prefix = next((p for p in sorted(DYNAMIC_PREFIXES, key=len, reverse=True) if key.startswith(p)), None)
        if key not in literals and (prefix is None or key[len(prefix) :] not in literals):
            unused.append(key)
    assert unused == []


def test_no_dutch_sentence_lives_outside_texts_py():
    # The scan is only as good as its heuristic: a sentence is caught, code and English are not.
    assert looks_dutch("Er loopt al een beurt.") and looks_dutch("Onbekende casus")
    assert looks_dutch("De map {} kan niet beschreven worden ({}). Kies een andere map met --out.")
    assert looks_dutch("Blok") and looks_dutch("Geluid uit")
    # A sentence with one listed word among many (it lived in services/results.py) is caught too.
    assert looks_dutch("Sommige vragen zijn tussen trainingen gewijzigd; zij staan apart (zie Wijzigingen).")
    assert not looks_dutch("training_id") and not looks_dutch("room.error.busy") and not looks_dutch("niet")
    assert not looks_dutch("The database is not a file of this training.")
    assert not looks_dutch("SELECT id FROM trainings WHERE join_code = :code")
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "texts.py" or path.relative_to(PACKAGE).as_posix() in ALLOWED_FILES:
            continue
        for line, text in _literals(module_tree(path)):
            if looks_dutch(text) and text not in ALLOWED_TEXTS:
                found.append(f"{path.relative_to(PACKAGE)}:{line}: {text[:80]!r}")
    for path in sorted(PACKAGE.rglob("*.js")):
        if "vendor" in path.parts or "build" in path.parts or not path.is_file():
            continue  # reveal.js in vendor/ and in built decks (where "reveal.js" is a folder)
        code = re.sub(r"//[^\n]*|/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
        found += [
            f"{path.relative_to(PACKAGE)}: {text[:80]!r}"
            for text in re.findall(r""""([^"\n]*)"|'([^'\n]*)'""", code)
            for text in text
            if looks_dutch(text)
        ]
    assert found == []
