"""Layer 2, the rules of a training as pure functions: schedules and agendas, forms and their
validation, what an answer or a reopened form comes to, the quiz, the role-play's turns and phases,
the decision tree, join links, the bundle file that carries a training from a laptop to the server,
the borging period.

No widgets, no clock (time is passed in), no database.
May import: ``core``, ``content``.
"""
