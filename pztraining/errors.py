"""The root of pztraining's errors, and the results side's errors (the CLI reports them without
importing pandas)."""


class PztrainingError(Exception):
    """Anything pztraining refuses or cannot do, with a Dutch message for the user (``str(error)``).

    The CLI and the servers catch this one class to turn it into a message and an exit code or
    HTTP status; a bug (any other exception) is not one of these.
    """


class ScopeError(PztrainingError, ValueError):
    """A report request that cannot be met (unknown training, bad period); Dutch message."""


class ExportError(PztrainingError):
    """An export could not be written; Dutch message."""
