"""The participants' page as HTML: a shell whose script renders every screen.

No text of a training or a participant is put into this HTML: the script fetches it and
sets it as text. The Dutch words come from :mod:`pztraining.core.texts`, as JSON data.
"""

from __future__ import annotations

import json
from functools import lru_cache
from html import escape

from pztraining.core.texts import NL, t

#: Text keys the page's script uses (participant screens and the form renderer).
_PREFIXES = ("part.", "form.", "room.", "case.")


def page_texts() -> dict[str, str]:
    """The Dutch words of the page, by key."""
    return {key: value for key, value in NL.items() if key.startswith(_PREFIXES)}


@lru_cache(maxsize=4)
def page_html(base_url: str) -> str:
    """The page for ``base_url`` (ends in "/"): styles, the texts as data, the script.

    The same for every phone, so it is built once per server (a crowd arriving at once
    then costs the server only the requests themselves).
    """
    static = escape(base_url + "pz/static/")
    texts = json.dumps(page_texts(), ensure_ascii=False).replace("</", "<\\/")
    return f"""<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>{escape(t("room.title"))}</title>
<link rel="stylesheet" href="{static}participant.css">
<link rel="stylesheet" href="{static}form.css">
<script type="application/json" id="pz-texts">{texts}</script>
<link rel="modulepreload" href="{static}form.js">
<script type="module" src="{static}participant.js"></script>
</head>
<body>
<main class="pz-app pz-participant-app" data-base="{escape(base_url)}">
  <header class="pz-participant-header"></header>
  <div class="pz-message" role="alert"></div>
  <div class="pz-new-item" aria-live="assertive" aria-atomic="true"></div>
  <section class="pz-participant-body"><p class="pz-note">{escape(t("part.waiting"))}</p></section>
</main>
<noscript><p>{escape(t("room.noscript"))}</p></noscript>
</body>
</html>
"""


@lru_cache(maxsize=4)
def page_bytes(base_url: str) -> bytes:
    """:func:`page_html` encoded once, as every phone gets it (not once per phone)."""
    return page_html(base_url).encode()
