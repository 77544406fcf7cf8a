"""Layer 2, the rules of a training as pure functions: schedules and agendas, forms and their
validation, the quiz, the role-play's turns and phases, the decision tree, join links, the bundle
file that carries a training from a laptop to the server.

No widgets, no clock (time is passed in), no database.
May import: ``core``, ``content``.
"""
