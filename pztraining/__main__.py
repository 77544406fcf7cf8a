"""``python -m pztraining`` is the same as the ``pztraining`` command."""

import sys

from pztraining.cli.main import main

sys.exit(main())
