"""pztraining: courseware for live palliative-care trainings, served as Voila apps."""

from pztraining.core.deferred_imports import defer_iri_grammar

__version__ = "0.1.0"

# Before Voila, jupyter_server or JupyterHub are imported by any of our processes (every
# `python -m pztraining...` and the CLI pass here first): ~2 s of CPU less at each start.
defer_iri_grammar()
