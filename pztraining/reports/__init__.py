"""Layer 5, what leaves the program as a file: exports (Excel, CSV, HTML), the printed report,
charts, slide decks, handouts and the kartrekker's borging report.

May import: ``core``, ``content``, ``domain``, ``store``, ``services``.
"""
