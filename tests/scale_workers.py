"""Process bodies for tests/test_scale.py, in a module of their own so that a spawned process imports
only the store (not the CLI, torch and Ray that the test module pulls in)."""

from __future__ import annotations

from workbench.store import Store


def save_once(url: str, items: list, barrier, results) -> None:
    """Wait for the other processes, then save the same batch as they do."""
    store = Store(url, migrate=False)
    barrier.wait(timeout=60)
    results.put(store.save_translations_once(items))
    store.close()
