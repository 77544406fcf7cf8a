"""Layer 0, the ground everything stands on: errors, the Dutch texts, the clock, cleaning typed
text, OS-error wording and the no-clobber file writer.

May import: nothing of pztraining outside ``core``.
"""
