"""Moved to `workbench.actions.segments`, `workbench.actions.flags` and `workbench.actions.documents`;
these names stay until the branches that call them have merged."""

from .actions.documents import approve_document  # noqa: F401
from .actions.flags import dismiss_flag, resolve_flag  # noqa: F401
from .actions.segments import (  # noqa: F401
    EditError,
    Replacement,
    ReplaceReport,
    accept_segment,
    find_replace,
    merge_segments,
    resolve_conflict,
    save_english,
    split_segment,
    undo,
)
