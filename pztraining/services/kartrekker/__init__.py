"""The kartrekker's logic: implementation conditions, costs, planning and borging indicators.

Pure modules (no widgets, no clock: time is passed in) plus :mod:`.gather`, the one place
that reads the store for them, and :mod:`.export`, the management report.
"""
