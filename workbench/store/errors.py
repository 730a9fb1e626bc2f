"""Errors the store raises; each message is one line meant for the user."""

from ..errors import WorkbenchError


class StoreError(WorkbenchError):
    """The store could not carry out an operation; nothing was changed."""


class NotFound(StoreError):
    """A document, segment, story, term or user does not exist."""
