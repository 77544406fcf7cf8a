"""The trainer's live draaiboek: choose a training and meeting, plan it, and run it.

One module per view: :mod:`.app` (the page and the training choice), :mod:`.new_training`,
:mod:`.planner`, :mod:`.checklist` and :mod:`.runner` (with its tables in :mod:`.tables`).
The rules of a run live in :mod:`pztraining.domain.schedule`; every change is one versioned
store transaction (``Store.update_run``).
"""

from pztraining.ui.trainer.app import TrainerApp, trainer_app

__all__ = ["TrainerApp", "trainer_app"]
