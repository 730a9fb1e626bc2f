"""Sparse feature rows (compressed sparse rows over NumPy) and the few products the aligner needs.

The aligner compares segments by dot products of sparse TF-IDF rows: blocks of neighbouring rows
(the cells of the search band), explicit pairs (anchor candidates, neighbours within one side) and
shared rare features. SciPy's sparse matrices do this too, but importing SciPy costs more CPU than
aligning a short text, and every `workbench align` call would pay it; these few operations are
plain NumPy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SparseRows:
    """A matrix in compressed-sparse-row form: row r holds `data[indptr[r]:indptr[r+1]]` at columns
    `indices[...]` (unique within a row, in any order)."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    width: int

    @property
    def size(self) -> int:
        return len(self.indptr) - 1

    @property
    def nnz(self) -> int:
        return len(self.data)

    def row_ids(self) -> np.ndarray:
        """The row of every stored value."""
        return np.repeat(np.arange(self.size), np.diff(self.indptr))

    def toarray(self) -> np.ndarray:
        out = np.zeros((self.size, self.width))
        out[self.row_ids(), self.indices] = self.data
        return out

    def scale_rows(self, factors: np.ndarray) -> SparseRows:
        return SparseRows(self.indptr, self.indices, self.data * factors[self.row_ids()], self.width)

    def squared_norms(self) -> np.ndarray:
        return np.bincount(self.row_ids(), self.data ** 2, minlength=self.size).astype(np.float64)

    def column_counts(self) -> np.ndarray:
        """How many rows have each column (document frequency)."""
        return np.bincount(self.indices, minlength=self.width)

    def _entries(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(position in `rows`, column, value) of every stored value of the listed rows."""
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        counts = ends - starts
        owner = np.repeat(np.arange(len(rows)), counts)
        offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        at = np.repeat(starts, counts) + offsets
        return owner, self.indices[at], self.data[at]


def from_rows(rows: Sequence[dict[int, float]], width: int) -> SparseRows:
    """Rows given as {column: value}."""
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r) for r in rows])
    indices = np.fromiter((c for r in rows for c in r), dtype=np.int64, count=int(indptr[-1]))
    data = np.fromiter((v for r in rows for v in r.values()), dtype=np.float64, count=int(indptr[-1]))
    return SparseRows(indptr, indices, data, max(width, 1))


def hstack(parts: Sequence[SparseRows]) -> SparseRows:
    """The parts side by side (same rows; columns of each part after the previous part's)."""
    size = parts[0].size
    rows = np.concatenate([p.row_ids() for p in parts])
    offsets = np.cumsum([0] + [p.width for p in parts[:-1]])
    cols = np.concatenate([p.indices + off for p, off in zip(parts, offsets, strict=True)])
    data = np.concatenate([p.data for p in parts])
    order = np.lexsort((cols, rows))
    indptr = np.zeros(size + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(np.bincount(rows, minlength=size))
    return SparseRows(indptr, cols[order], data[order], int(sum(p.width for p in parts)))


def pair_dots(a: SparseRows, b: SparseRows, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Dot product of row i[k] of `a` with row j[k] of `b`, for every k."""
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    if len(i) == 0:
        return np.zeros(0)
    width = max(a.width, b.width)
    ka, ca, va = a._entries(i)
    kb, cb, vb = b._entries(j)
    _common, at_a, at_b = np.intersect1d(ka * width + ca, kb * width + cb, assume_unique=True,
                                         return_indices=True)
    return np.bincount(ka[at_a], va[at_a] * vb[at_b], minlength=len(i)).astype(np.float64)


def block_dots(a: SparseRows, r0: int, r1: int, b: SparseRows, c0: int, c1: int) -> np.ndarray:
    """Dense (r1 - r0) × (c1 - c0) products of rows r0..r1-1 of `a` with rows c0..c1-1 of `b`.

    A join on the column: every stored value of the `a` block meets the `b` values of its column,
    so the work follows the shared features (as a sparse product does), not the block's area.
    """
    rows, cols = r1 - r0, c1 - c0
    if rows <= 0 or cols <= 0:
        return np.zeros((max(rows, 0), max(cols, 0)))
    ka, ca, va = a._entries(np.arange(r0, r1))
    kb, cb, vb = b._entries(np.arange(c0, c1))
    order = np.argsort(cb, kind="stable")
    cb, kb, vb = cb[order], kb[order], vb[order]
    lo = np.searchsorted(cb, ca, side="left")
    counts = np.searchsorted(cb, ca, side="right") - lo
    total = int(counts.sum())
    src = np.repeat(np.arange(len(ca)), counts)
    at = np.repeat(lo, counts) + np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    flat = ka[src] * cols + kb[at]
    return np.bincount(flat, va[src] * vb[at], minlength=rows * cols).astype(np.float64).reshape(rows, cols)


def shared_column_overlap(a: SparseRows, b: SparseRows, columns: np.ndarray) -> dict[tuple[int, int], float]:
    """Σ a[i, c] · b[j, c] over the given columns, for every (i, j) pair that shares one of them.

    Meant for rare columns (a few rows per side each), so the pairs stay few.
    """
    keep = np.zeros(max(a.width, b.width), dtype=bool)
    keep[columns] = True
    by_column: dict[int, list[tuple[int, float]]] = {}
    rows_b = b.row_ids()
    for r, c, v in zip(rows_b[keep[b.indices]].tolist(), b.indices[keep[b.indices]].tolist(),
                       b.data[keep[b.indices]].tolist(), strict=True):
        by_column.setdefault(c, []).append((r, v))
    out: dict[tuple[int, int], float] = {}
    rows_a = a.row_ids()
    for r, c, v in zip(rows_a[keep[a.indices]].tolist(), a.indices[keep[a.indices]].tolist(),
                       a.data[keep[a.indices]].tolist(), strict=True):
        for s, w in by_column.get(c, ()):
            out[(r, s)] = out.get((r, s), 0.0) + v * w
    return out
