"""Layer 4, the use cases: a rule of ``domain`` applied through one ``store`` transaction (who may
see what, a form's writes under their rules, taking part in a form, the anonymous mixing pool, case
discussions, gathering results, the kartrekker's conditions, costs, planning and borging indicators).

May import: ``core``, ``content``, ``domain``, ``store``.
"""
