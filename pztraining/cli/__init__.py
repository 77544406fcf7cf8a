"""Layer 7, the ``pztraining`` command: reads the command line and calls the layers below.

May import: everything.
"""
