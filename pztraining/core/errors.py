"""The root of pztraining's errors, and the results side's errors (the CLI reports them without
importing pandas)."""


class PztrainingError(Exception):
    """Anything pztraining refuses or cannot do, with a Dutch message for the user (``str(error)``).

    The CLI and the servers catch this one class to turn it into a message and an exit code or
    HTTP status; a bug (any other exception) is not one of these.
    """

    #: The CLI's exit status when this error ends a command (2 is kept for wrong usage).
    exit_code: int = 1
    #: The HTTP status a server answers with when this error ends a request: by default the
    #: request could not be met (a refusal of the user's input says 4xx in its own class).
    http_status: int = 500


class ScopeError(PztrainingError, ValueError):
    """A report request that cannot be met (unknown training, bad period); Dutch message."""

    http_status = 400


class ExportError(PztrainingError):
    """An export could not be written; Dutch message."""
