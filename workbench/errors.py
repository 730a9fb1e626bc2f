"""The base of every error meant for the user: the CLI prints its message as one line and exits 2."""


class WorkbenchError(Exception):
    """Bad input or an unavailable resource; the message names the file or field and the reason."""
