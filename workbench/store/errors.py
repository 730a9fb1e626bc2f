"""Errors the store raises; each message is one line meant for the user."""

from ..errors import WorkbenchError


class StoreError(WorkbenchError):
    """The store could not carry out an operation; nothing was changed."""


class NotFound(StoreError):
    """A document, segment, story, term or user does not exist."""


def storage_problem(exc: BaseException) -> str:
    """One line for a failure of the disk or the database (no traceback, no SQL): read-only, full, locked."""
    first = str(getattr(exc, "orig", None) or exc).splitlines()
    text = first[0] if first else exc.__class__.__name__
    low = text.lower()
    if "readonly" in low or "read-only" in low or isinstance(exc, PermissionError):
        why = "the data directory or database is read-only (check its permissions)"
    elif "disk is full" in low or "no space" in low or getattr(exc, "errno", None) == 28:
        why = "the disk is full"
    elif "locked" in low:
        why = "the database is locked by another process (try again when it has finished)"
    elif "unable to open" in low:
        why = "cannot open the database file (does the data directory exist and may it be written?)"
    else:
        return f"database error: {exc.__class__.__name__}: {text}"
    where = f" ({exc.filename})" if isinstance(exc, OSError) and exc.filename else ""
    return f"storage: {why}{where}"
