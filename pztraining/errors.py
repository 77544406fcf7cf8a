"""Errors of the results side that the CLI reports without importing pandas."""


class ScopeError(ValueError):
    """A report request that cannot be met (unknown training, bad period); Dutch message."""


class ExportError(Exception):
    """An export could not be written; Dutch message."""
