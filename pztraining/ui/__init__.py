"""Layer 6, the widgets: thin ipywidgets views of the trainer, facilitator, case, results and
kartrekker apps. Every change of state is one call into ``services`` or ``store``.

May import: every lower layer (``core`` … ``reports``); never ``serving`` or ``cli``.
"""
