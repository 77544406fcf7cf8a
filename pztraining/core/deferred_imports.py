"""A third-party import that costs seconds at start, made when it is first used instead.

``jsonschema`` imports ``rfc3987_syntax`` (its checker of the "iri" formats, installed with
``jsonschema[format-nongpl]``, which nbformat and jupyter_events ask for) as soon as it is
imported itself, and that module compiles some 35 Earley grammars with lark right away: about
2 s of CPU in every process that loads Voila, jupyter_server, nbclient or JupyterHub. Measured
here, it was half of the room server's start (4.1 s of CPU to import) and a beamer laptop pays
it at every ``pztraining serve``; no schema of Jupyter's or ours uses the "iri" formats
(upstream: python-jsonschema/jsonschema#1428, opendatahub-io/notebooks#3532).

:func:`defer_iri_grammar` puts a stand-in in its place before anything imports it: jsonschema
finds the function it imports, and the real module (with its grammars) is loaded the first time
an "iri" value is checked, so every check gives what it gave before. Where ``rfc3987_syntax``
is not installed, or something imported it already, nothing changes.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types

IRI_MODULE = "rfc3987_syntax"

_loading = threading.Lock()


def defer_iri_grammar() -> None:
    """Let ``rfc3987_syntax`` be loaded on its first use rather than on jsonschema's import."""
    if IRI_MODULE in sys.modules or importlib.util.find_spec(IRI_MODULE) is None:
        return
    stand_in = types.ModuleType(IRI_MODULE, "Stand-in of rfc3987_syntax: loaded on first use (pztraining.core).")
    real: list[types.ModuleType] = []

    def load() -> types.ModuleType:
        with _loading:
            if not real:
                if sys.modules.get(IRI_MODULE) is stand_in:
                    del sys.modules[IRI_MODULE]
                real.append(importlib.import_module(IRI_MODULE))
            return real[0]

    def is_valid_syntax(rule: str, value: str) -> bool:
        return load().is_valid_syntax(rule, value)

    def __getattr__(name: str) -> object:  # anything else the real module offers
        if name.startswith("__"):  # the import system asks for __path__, __file__, ...: not a use
            raise AttributeError(name)
        return getattr(load(), name)

    stand_in.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]
    stand_in.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules[IRI_MODULE] = stand_in
