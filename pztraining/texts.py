"""Every sentence the apps and the CLI show, in one place (Dutch), so a translation can be added.

Use :func:`t` with a key and keyword arguments: ``t("run.ends_at", time="11:00")``.
"""

from __future__ import annotations

NL: dict[str, str] = {
    # ---------------------------------------------------------------- general
    "app.trainer.title": "Draaiboek",
    "app.trainer.subtitle": "Kies een training en een bijeenkomst, en geef hem vanaf deze pagina.",
    "error.prefix": "Fout",
    "unexpected": "Er ging iets onverwachts mis ({error}). Er is niets half opgeslagen; probeer het opnieuw.",
    # ---------------------------------------------------------------- training
    "training.choose": "Training",
    "training.none": "Nog geen training. Maak er hieronder een aan.",
    "training.option": "{name} ({program})",
    "training.new": "Nieuwe training",
    "training.new.title": "Nieuwe training aanmaken",
    "training.program": "Programma",
    "training.name": "Groepsnaam",
    "training.name.placeholder": "bijv. Team De Linde, najaar",
    "training.organisation": "Organisatie",
    "training.meeting_date": "Datum bijeenkomst {number}",
    "training.create": "Aanmaken",
    "training.cancel": "Annuleren",
    "training.created": "Training '{name}' is aangemaakt.",
    "training.name_missing": "Geef de training een groepsnaam.",
    "training.dates_hint": "Bijeenkomsten liggen bij voorkeur ongeveer {weeks} weken uit elkaar.",
    # ---------------------------------------------------------------- meeting plan
    "meeting.choose": "Bijeenkomst",
    "meeting.option": "{number}. {title} ({minutes} min)",
    "meeting.target": "Lengte (min)",
    "meeting.target.hint": "Tussen {minimum} en {planned} minuten.",
    "meeting.target.invalid": "Vul een lengte in hele minuten in, tussen {minimum} en {planned}.",
    "meeting.start_time": "Begintijd",
    "meeting.start": "Start bijeenkomst",
    "meeting.total": "Totaal {minutes} min, einde {end}",
    "meeting.date": "Gepland op {date}",
    "table.time": "Tijd",
    "table.minutes": "Min",
    "table.block": "Blok",
    "table.leads": "Wie",
    "table.was": "was {minutes}",
    "table.skipped": "overgeslagen",
    "table.actual": "Werkelijk",
    # ---------------------------------------------------------------- checklist
    "checklist.title": "Voorbereiding ({done} van {total} gedaan)",
    # ---------------------------------------------------------------- running
    "run.now": "Nu",
    "run.leads": "Wie",
    "run.goal": "Doel",
    "run.instructions": "Wat te doen",
    "run.materials": "Materiaal",
    "run.next": "Volgende blok",
    "run.last": "Bijeenkomst afronden",
    "run.extend": "+5 min",
    "run.skip": "Sla volgende blok over",
    "run.keep_end": "Eindtijd vasthouden",
    "run.reset": "Stoppen",
    "run.reset.confirm": "Zeker? Klik nogmaals",
    "run.upcoming": "Hierna",
    "run.nothing_next": "Dit is het laatste blok.",
    "run.ends_at": "Verwachte eindtijd {end}",
    "run.on_time": "op tijd",
    "run.late": "{minutes} min later dan gepland ({planned})",
    "run.early": "{minutes} min eerder dan gepland ({planned})",
    "run.cannot_keep": "De eindtijd {planned} is niet meer te halen, ook niet met alle blokken op hun minimum: {minutes} min uitloop.",
    "run.over": "De bijeenkomst is afgerond om {time}.",
    "run.again": "Terug naar de planning",
    "run.block_of": "Blok {number} van {total}",
    "countdown.over": "uitloop",
    # ---------------------------------------------------------------- CLI
    "cli.description": "pztraining: draaiboeken, rollenspel en evaluaties voor trainingen palliatieve zorg.",
    "cli.help": "toon deze hulp en stop",
    "cli.usage": "Gebruik: ",
    "cli.commands": "opdrachten",
    "cli.options": "opties",
    "cli.arguments": "argumenten",
    "cli.serve": "start de apps (Voila) en toon hun adressen",
    "cli.check": "controleer alle inhoudsbestanden (programma's, checklists)",
    "cli.agenda": "toon het draaiboek van een bijeenkomst als tabel met kloktijden",
    "cli.demo": "maak een demotraining en start de apps",
    "cli.opt.db": "database-adres (SQLAlchemy-URL); standaard SQLite in de datamap of $PZTRAINING_DB",
    "cli.opt.data_dir": "map voor de gegevens (standaard $PZTRAINING_DATA of ~/.local/share/pztraining)",
    "cli.opt.host": "adres waarop de apps luisteren (standaard 127.0.0.1: alleen deze computer)",
    "cli.opt.port": "poort van de trainer-apps (standaard 8866)",
    "cli.opt.token": "toegangscode voor de trainer-apps (verplicht buiten localhost; anders zelf gekozen)",
    "cli.opt.paths": "bestanden of mappen om te controleren (standaard: alle meegeleverde inhoud)",
    "cli.opt.program": "programma-id, bijv. mysupport of ggz",
    "cli.opt.meeting": "nummer van de bijeenkomst (standaard 1)",
    "cli.opt.minutes": "doellengte in minuten (standaard: de geplande lengte)",
    "cli.opt.start": "begintijd als UU:MM (standaard 09:00)",
    "cli.opt.no_serve": "alleen de demotraining maken, de apps niet starten",
    "cli.error": "Fout: {message}",
    "cli.bad_args": "Fout: {message}. Zie 'pztraining {command}--help'.",
    "cli.check.ok": "Alle {count} inhoudsbestanden zijn in orde.",
    "cli.check.failed": "{count} probleem/problemen gevonden.",
    "cli.check.no_files": "Geen inhoudsbestanden gevonden in {path}.",
    "cli.serve.starting": "De apps worden gestart…",
    "cli.serve.ready": "Klaar. Open in de browser:",
    "cli.serve.trainer": "  Draaiboek (trainer): {url}",
    "cli.serve.database": "  Database: {url}",
    "cli.serve.stop": "Stoppen: Ctrl+C.",
    "cli.serve.failed": "De apps konden niet starten: {reason}",
    "cli.demo.created": "Demotraining '{name}' ({program}) aangemaakt.",
    "cli.demo.exists": "Demotraining '{name}' ({program}) bestaat al.",
    "cli.interrupted": "Gestopt.",
}

_LANGUAGES = {"nl": NL}
_current = NL


def t(key: str, **values: object) -> str:
    """The text for ``key`` with ``values`` filled in."""
    return _current[key].format(**values) if values else _current[key]
