"""Layer 6, the servers: the room server for phones and tablets (``room``), Voila for the trainer's
apps, the JupyterHub service and its login, and the web safety rules they share.

May import: every lower layer (``core`` … ``reports``); never ``ui`` (the widgets run in kernels,
the servers only start them) and never ``cli``.
"""
