"""Exchange formats: what leaves the workbench for CAT tools and what comes back in.

- `tmx`: TMX 1.4b export of a story's or document's units; streaming import into the memory.
- `xliff`: XLIFF 2.0/2.1 and 1.2 export of a document; re-import of corrected targets as edits.
- `tbx`: glossary export/import in the TBX-Basic (`martif`) layout.
- `tabular`: the same units and glossaries as CSV/TSV.
- `safexml`: the hardened XML parsing every reader uses (no entities, no DTDs, no network).
- `collect`: which units a story or document yields, with status and history.
"""

from .safexml import ExchangeError

# Options the command line offers before it loads any exporter (the exporters need the store).
# Which English an export takes: "confirmed" segments (a translator's confirmation; stored as status
# "approved"), "edited" or confirmed ones, or all. "approved" is still taken as "confirmed" (its old name).
STATUS_FILTERS = ("confirmed", "edited", "all")
STATUS_ALIASES = {"approved": "confirmed"}
XLIFF_VERSIONS = ("2.0", "2.1", "1.2")

__all__ = ["ExchangeError", "STATUS_ALIASES", "STATUS_FILTERS", "XLIFF_VERSIONS"]
