"""A trainer's server on the hub: JupyterHub's ``jupyterhub-singleuser``, started as
``python -m pztraining.serving.singleuser`` so that this package is imported first and the
server skips the ~2 s of CPU that jsonschema's IRI grammars cost at every start (see
:mod:`pztraining.core.deferred_imports`): a trainer who logs in waits that much less."""

import sys

from jupyterhub.singleuser import main

if __name__ == "__main__":
    sys.exit(main())
