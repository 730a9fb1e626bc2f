"""Word frequency: wordfreq's Zipf scale (0 = never seen, about 7 = "the"), optional at run time.

One lookup for every user: the risk model's features, the segment signals and the spelling check
(a misspelling is much rarer than the word it misses).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache


@lru_cache(maxsize=1)
def _zipf_fn() -> Callable[[str, str], float] | None:
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        return None
    return zipf_frequency


@lru_cache(maxsize=400_000)
def zipf(word: str, lang: str) -> float | None:
    """wordfreq's Zipf frequency of a word (0 = unseen), None without wordfreq or for a language it lacks."""
    fn = _zipf_fn()
    if fn is None:
        return None
    try:
        return float(fn(word.lower(), lang))
    except (LookupError, ValueError):
        return None
