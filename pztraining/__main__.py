"""``python -m pztraining`` is the same as the ``pztraining`` command."""

import sys

from .cli import main

sys.exit(main())
