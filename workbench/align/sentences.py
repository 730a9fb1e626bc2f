"""The model-free sentence aligner: beads between two language versions of a text.

Beads are 1-1, 1-2, 2-1, 2-2, 1-0 and 0-1, plus a swap: two neighbouring sentences in crossed
order come out as two crossing 1-1 beads instead of derailing the alignment. The search is a
dynamic programme over a band of the (A position, B position) grid:

1. anchors: segment pairs that share rare features (names, numbers, dates, rare stems), are each
   other's best such match and are similar enough, thinned to the longest chain that is monotone
   in both documents;
2. the band follows the anchors (between two anchors it covers their rectangle when that is small,
   else a corridor around the straight line), so the cost grows about linearly with length;
3. each bead's similarity is the cosine of its segments' summed feature vectors (see `features`),
   scaled by a Gale–Church length match, minus the segments' usual similarity to the other side
   (a hubness correction), stretched where the versions share little wording overall, and blended
   with sacrebleu chrF between English translations when both sides have them; a bead gains
   (similarity − threshold) per segment it covers (a steeper loss below the threshold where the
   versions share much), plus a share of its Gale–Church log-probability (bead type and length
   difference: position and length as a prior, so null beads cost something); a merge also pays
   for the half that brings less content than its partner, 2-2 beads pay a penalty;
4. when the best path runs along the band's edge the band is widened and the search repeated.

With English, a first pass without it fixes a narrow band around its path and a second pass
rescores that band with chrF (chrF per cell is too costly for a wide band).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .features import ChrfScorer, SideFeatures, build_features, length_match
from .vectors import block_dots, pair_dots, shared_column_overlap

# (segments of A, segments of B, kind) of every bead the search may take.
BEAD_TYPES: tuple[tuple[int, int, str], ...] = (
    (1, 0, "null"), (1, 1, "link"), (1, 2, "link"), (2, 1, "link"), (2, 2, "link"), (2, 2, "swap"),
)
# 0-1 beads are handled inside each row of the search (they stay on the same A position).


@dataclass(frozen=True)
class AlignParams:
    threshold: float = 0.1  # bead similarity (above the segments' baseline) where linking breaks even
    length_weight: float = 0.2  # share of the Gale–Church length match in a bead's similarity
    english_weight: float = 0.5  # share of chrF between English translations, when both have them
    merge_penalty: float = 0.1  # 1-2 and 2-1 beads
    double_penalty: float = 1.0  # 2-2 beads (rare in news; a swap or two 1-1 beads usually fit better)
    swap_penalty: float = 0.0  # beyond its prior (a swap is as rare as a 2-2 bead)
    corridor: int = 6  # half-width of the band around the anchor line
    max_rectangle: int = 40_000  # largest anchor-to-anchor rectangle searched in full (cells)
    full_grid: int = 10_000  # documents with at most this many cells are searched in full
    max_states: int = 1_500_000  # widening the band stops here (memory: ~100 bytes per state)
    anchor_similarity: float = 0.45
    anchor_rare_df: int = 2  # a feature is rare when at most this many segments per side have it
    baseline_weight: float = 1.0  # how much of each segment's usual similarity is subtracted
    confidence_slope: float = 10.0  # logistic slope turning (similarity − threshold) into confidence
    english_margin: int = 2  # half-width of the band of the English pass around the first path
    # Position and length as a prior (Gale–Church): each bead adds prior_weight × log P(type) P(length
    # difference | type). Between two confident links a pair with little shared content is then
    # linked on its length rather than split into 1-0 + 0-1, and text with no shared words at all
    # (informal lines, other scripts) is still aligned by length and order.
    prior_weight: float = 0.1
    half_penalty: float = 5.0  # per unit the weaker half of a merge falls short of the threshold
    calibration: float = 0.3  # a typical true pair's similarity excess after stretching (see _calibration)
    max_stretch: float = 2.0
    weak_span: float = 2.0  # wanted stretch above 1 at which length and position alone decide
    below_slope: float = 6.0  # how much faster the gain falls below the threshold than it rises above
    # Which quantile of the segments' best-match excess says how far content can be trusted for the
    # loss below the threshold (the stretch uses the median): a free translation among literal ones
    # (proverbs, jokes) is linked on position once a third of a text's pairs share little.
    weak_quantile: float = 0.3
    weak_count: int = 3  # ... but at least this many segments below it (one odd sentence sets no level)
    use_lexicon: bool = True  # ru/uk against English: compare words through the shipped lexicon


DEFAULT_PARAMS = AlignParams()


@dataclass
class _Band:
    """States (i, j) with lo[i] <= j <= hi[i] for i in 0..n, stored flat row after row."""

    lo: np.ndarray
    hi: np.ndarray

    def __post_init__(self) -> None:
        sizes = self.hi - self.lo + 1
        self.start = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.rows = np.repeat(np.arange(len(self.lo)), sizes)
        self.cols = np.concatenate([np.arange(a, b + 1) for a, b in zip(self.lo, self.hi, strict=True)])

    @property
    def total(self) -> int:
        return int(self.start[-1])

    def index(self, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Flat index of states (i, j) and whether each is inside the band."""
        inside = (i >= 0) & (i < len(self.lo))
        ic = np.clip(i, 0, len(self.lo) - 1)
        inside &= (j >= self.lo[ic]) & (j <= self.hi[ic])
        return np.where(inside, self.start[ic] + j - self.lo[ic], 0), inside


class _Cells:
    """Dot products of A rows with B rows over the cells that a band's beads touch."""

    def __init__(self, a: SideFeatures, b: SideFeatures, band: _Band) -> None:
        n, m = a.size, b.size
        rows = np.arange(n)
        self.clo = np.maximum(band.lo[rows + 1] - 2, 0)
        self.chi = np.minimum(band.hi[np.minimum(rows + 2, n)] - 1, m - 1)
        widths = np.maximum(self.chi - self.clo + 1, 0)
        self.start = np.concatenate([[0], np.cumsum(widths)]).astype(np.int64)
        self.dots = np.zeros(int(self.start[-1]))
        block = 64
        for r0 in range(0, n, block):
            r1 = min(r0 + block, n)
            live = [r for r in range(r0, r1) if widths[r] > 0]
            if not live:
                continue
            c0 = int(min(self.clo[r] for r in live))
            c1 = int(max(self.chi[r] for r in live)) + 1
            dense = block_dots(a.matrix, r0, r1, b.matrix, c0, c1)
            for r in live:
                self.dots[self.start[r]:self.start[r + 1]] = dense[r - r0, self.clo[r] - c0:self.chi[r] - c0 + 1]

    def get(self, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        rc = np.clip(r, 0, len(self.clo) - 1)
        ok = (r >= 0) & (r < len(self.clo)) & (c >= self.clo[rc]) & (c <= self.chi[rc])
        idx = np.where(ok, self.start[rc] + c - self.clo[rc], 0)
        return np.where(ok, self.dots[idx] if len(self.dots) else 0.0, 0.0)


class _Scorer:
    """Similarity of beads given as arrays of A rows and B rows (one entry per state)."""

    def __init__(self, a: SideFeatures, b: SideFeatures, params: AlignParams,
                 chrf: ChrfScorer | None = None) -> None:
        self.a, self.b, self.params, self.chrf = a, b, params, chrf
        self.ratio = float(b.lengths.sum() / max(a.lengths.sum(), 1.0))

    def similarity(self, cells: _Cells, rows: list[np.ndarray], cols: list[np.ndarray]) -> np.ndarray:
        """`rows` are consecutive A rows (1 or 2 arrays), `cols` consecutive B rows."""
        a, b, p = self.a, self.b, self.params
        dot = sum(cells.get(r, c) for r in rows for c in cols)
        na = sum(a.norms[_safe(r, a.size)] for r in rows)
        nb = sum(b.norms[_safe(c, b.size)] for c in cols)
        if len(rows) == 2 and a.size > 1:
            na = na + 2 * a.adjacent[_safe(rows[0], a.size - 1)]
        if len(cols) == 2 and b.size > 1:
            nb = nb + 2 * b.adjacent[_safe(cols[0], b.size - 1)]
        denom = np.sqrt(na * nb)
        text = np.minimum(np.divide(dot, denom, out=np.zeros_like(denom), where=denom > 0), 1.0)
        la = sum(a.lengths[_safe(r, a.size)] for r in rows)
        lb = sum(b.lengths[_safe(c, b.size)] for c in cols)
        sim = text * (1 - p.length_weight + p.length_weight * length_match(la, lb, self.ratio))
        if self.chrf is not None:
            sim = self._with_english(sim, rows, cols)
        return sim

    def _with_english(self, sim: np.ndarray, rows: list[np.ndarray], cols: list[np.ndarray]) -> np.ndarray:
        """Blend in chrF where every segment of the bead has English (the others keep their score)."""
        assert self.chrf is not None
        en_a, en_b, w = self.a.english, self.b.english, self.params.english_weight
        out = sim.copy()
        for k in range(len(sim)):
            ia = [int(r[k]) for r in rows]
            ib = [int(c[k]) for c in cols]
            if min(ia + ib) < 0 or max(ia) >= self.a.size or max(ib) >= self.b.size:
                continue
            ta = [en_a[x] for x in ia]
            tb = [en_b[x] for x in ib]
            if all(ta) and all(tb):
                chrf = self.chrf.score(" ".join(ta), " ".join(tb)) / 100.0  # type: ignore[arg-type]
                out[k] = (1 - w) * sim[k] + w * chrf
        return out


def _safe(idx: np.ndarray, size: int) -> np.ndarray:
    return np.clip(idx, 0, max(size - 1, 0))


def _logistic(x: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


# --- anchors and band --------------------------------------------------------------------------

def _pair_similarity(scorer: _Scorer, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """1-1 similarity of explicit pairs, without a band (used for anchor candidates)."""
    cells = _PairCells(scorer.a, scorer.b, i, j)
    return scorer.similarity(cells, [i], [j])  # type: ignore[arg-type]


class _PairCells:
    """Dot products of explicit (A row, B row) pairs; `get` answers for exactly those pairs."""

    def __init__(self, a: SideFeatures, b: SideFeatures, i: np.ndarray, j: np.ndarray) -> None:
        self.dots = pair_dots(a.matrix, b.matrix, i, j)

    def get(self, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        return self.dots


def find_anchors(a: SideFeatures, b: SideFeatures, scorer: _Scorer, params: AlignParams) -> list[tuple[int, int]]:
    """Confident 1-1 pairs sharing rare features, thinned to a chain monotone on both sides."""
    if a.size == 0 or b.size == 0:
        return []
    overlap: dict[tuple[int, int], float] = {}
    for f in ("stems", "names", "numbers"):
        ma, mb = a.families[f], b.families[f]
        df_a, df_b = ma.column_counts(), mb.column_counts()
        rare = np.flatnonzero((df_a >= 1) & (df_b >= 1) & (df_a <= params.anchor_rare_df)
                              & (df_b <= params.anchor_rare_df))
        for pair, value in shared_column_overlap(ma, mb, rare).items():
            overlap[pair] = overlap.get(pair, 0.0) + value
    if not overlap:
        return []
    # Each row's best column and each column's best row (ties: the lowest index).
    best_j = np.zeros(a.size, dtype=np.int64)
    best_i = np.zeros(b.size, dtype=np.int64)
    row_max = np.zeros(a.size)
    col_max = np.zeros(b.size)
    for (i, j), value in sorted(overlap.items()):
        if value > row_max[i]:
            row_max[i], best_j[i] = value, j
        if value > col_max[j]:
            col_max[j], best_i[j] = value, i
    has = row_max > 0
    rows = np.flatnonzero(has & (best_i[best_j] == np.arange(a.size)))
    if len(rows) == 0:
        return []
    cols = best_j[rows]
    sims = _pair_similarity(scorer, rows, cols)
    keep = sims >= params.anchor_similarity
    return _longest_chain(list(zip(rows[keep].tolist(), cols[keep].tolist(), strict=True)))


def _longest_chain(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest subsequence strictly increasing in both coordinates (pairs sorted by i, unique i)."""
    pairs.sort()
    tails: list[int] = []  # smallest j ending a chain of each length
    tail_idx: list[int] = []
    parent = [-1] * len(pairs)
    for k, (_i, j) in enumerate(pairs):
        pos = bisect.bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_idx.append(k)
        else:
            tails[pos] = j
            tail_idx[pos] = k
        parent[k] = tail_idx[pos - 1] if pos > 0 else -1
    chain: list[tuple[int, int]] = []
    k = tail_idx[-1] if tail_idx else -1
    while k >= 0:
        chain.append(pairs[k])
        k = parent[k]
    return chain[::-1]


def anchor_band(n: int, m: int, anchors: list[tuple[int, int]], corridor: int, max_rectangle: int) -> _Band:
    """The band of states: rectangles between close anchors, a corridor around the anchor line."""
    points = [(0, 0)]
    for i, j in anchors:
        for x, y in ((i, j), (i + 1, j + 1)):
            if x > points[-1][0] and y > points[-1][1] and x < n and y < m:
                points.append((x, y))
    points.append((n, m))
    xs = np.asarray([p[0] for p in points], dtype=np.float64)
    ys = np.asarray([p[1] for p in points], dtype=np.float64)
    rows = np.arange(n + 1)
    center = np.interp(rows, xs, ys)
    lo = np.floor(center).astype(np.int64) - corridor
    hi = np.ceil(center).astype(np.int64) + corridor
    seg = np.clip(np.searchsorted(xs, rows, side="right") - 1, 0, len(xs) - 2)
    x0, x1, y0, y1 = xs[seg], xs[seg + 1], ys[seg], ys[seg + 1]
    small = (x1 - x0 + 1) * (y1 - y0 + 1) <= max_rectangle
    lo = np.where(small, np.minimum(lo, y0.astype(np.int64)), lo)
    hi = np.where(small, np.maximum(hi, y1.astype(np.int64)), hi)
    return _monotone_band(lo, hi, m)


def _monotone_band(lo: np.ndarray, hi: np.ndarray, m: int) -> _Band:
    lo = np.clip(lo, 0, m)
    hi = np.clip(hi, 0, m)
    lo[0], hi[-1] = 0, m
    lo = np.minimum.accumulate(lo[::-1])[::-1]  # non-decreasing
    hi = np.maximum.accumulate(np.maximum(hi, lo))
    # Each row must reach the next row's first state (long insertions on side B).
    hi[:-1] = np.maximum(hi[:-1], lo[1:])
    hi = np.maximum.accumulate(hi)
    return _Band(lo.astype(np.int64), hi.astype(np.int64))


def path_band(n: int, m: int, path: list[tuple[int, int]], margin: int) -> _Band:
    """The states within `margin` of a path's states (rows a 2-x bead skips get their neighbours')."""
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for i, j in path:
        lo[i] = min(lo[i], j - margin)
        hi[i] = max(hi[i], j + margin)
    return _monotone_band(lo, hi, m)


# --- the search ---------------------------------------------------------------------------------

@dataclass
class _Search:
    band: _Band
    kinds: list[tuple[int, int, str]]
    gains: list[np.ndarray]
    preds: list[np.ndarray]
    sims: list[np.ndarray]  # per type: the bead similarity (swap: the two crossed 1-1 similarities)
    swap_sims: tuple[np.ndarray, np.ndarray]
    sim11: np.ndarray
    gain01: float = 0.0  # every 0-1 bead (the prior of an insertion)
    scale: float = 1.0  # the stretch of similarities (confidences are reported on the unstretched scale)


# Gale & Church (1993), table 5: how often each bead type occurs; a swap is as rare as a 2-2 bead.
TYPE_PRIORS: dict[tuple[int, int], float] = {(1, 1): 0.89, (1, 0): 0.0099 / 2, (0, 1): 0.0099 / 2,
                                             (2, 1): 0.089 / 2, (1, 2): 0.089 / 2, (2, 2): 0.011}
_MIN_LENGTH_P = 1e-6  # a length mismatch costs at most log(1e-6): content can still outweigh it


def _prior(scorer: _Scorer, na: int, nb: int, rows: list[np.ndarray], cols: list[np.ndarray],
           swap: bool = False) -> np.ndarray | float:
    """log P(bead type) + log P(length difference | type), the Gale–Church score of a bead."""
    log_type = math.log(TYPE_PRIORS[(min(na, 2), min(nb, 2))])
    if na == 0 or nb == 0:
        return log_type
    a, b = scorer.a, scorer.b
    if swap:  # two 1-1 length matches, crossed
        m1 = length_match(a.lengths[_safe(rows[0], a.size)], b.lengths[_safe(cols[1], b.size)], scorer.ratio)
        m2 = length_match(a.lengths[_safe(rows[1], a.size)], b.lengths[_safe(cols[0], b.size)], scorer.ratio)
        return log_type + np.log(np.maximum(m1, _MIN_LENGTH_P)) + np.log(np.maximum(m2, _MIN_LENGTH_P))
    la = sum(a.lengths[_safe(r, a.size)] for r in rows)
    lb = sum(b.lengths[_safe(c, b.size)] for c in cols)
    return log_type + np.log(np.maximum(length_match(la, lb, scorer.ratio), _MIN_LENGTH_P))


def _prepare(scorer: _Scorer, band: _Band, params: AlignParams) -> _Search:
    a, b = scorer.a, scorer.b
    cells = _Cells(a, b, band)
    si, sj = band.rows, band.cols
    gains, preds, sims = [], [], []
    swap_sims = (np.zeros(band.total), np.zeros(band.total))
    sim11: np.ndarray | None = None
    base_a, base_b = _baselines(scorer, cells, band, params)
    # The 1-1 excess of every state, unstretched: the calibration and the 1-1 beads share it.
    raw11 = scorer.similarity(cells, [si - 1], [sj - 1]) - _base(base_a, base_b, [si - 1], [sj - 1])
    wanted = _calibration(raw11, band, scorer.a.size, params)
    scale = float(np.clip(wanted, 1.0, params.max_stretch))

    def computed(rows: list[np.ndarray], cols: list[np.ndarray]) -> np.ndarray:
        return (scorer.similarity(cells, rows, cols) - _base(base_a, base_b, rows, cols)) * scale

    def excess(rows: list[np.ndarray], cols: list[np.ndarray]) -> np.ndarray:
        """A bead's stretched similarity excess; 1-1 pairs are looked up in the 1-1 beads' values
        (the 1-1 type is scored first), which halves the cost of merges and swaps."""
        if len(rows) > 1 or len(cols) > 1 or sim11 is None:
            return computed(rows, cols)
        r, c = rows[0], cols[0]
        idx, inside = band.index(r + 1, c + 1)
        out = np.where(inside, sim11[idx], 0.0)
        miss = ~inside
        if miss.any():
            out[miss] = computed([r[miss]], [c[miss]])
        return out

    w = params.prior_weight
    # Where the versions share much wording (even the weaker third of the segments finds a clear
    # match), sharing nothing is strong evidence of an omission; where many share little (other
    # scripts, free translations of sayings), length and position decide.
    n = max(scorer.a.size, 1)
    quantile = max(params.weak_quantile, min(0.5, params.weak_count / n))
    wanted_weak = _calibration(raw11, band, scorer.a.size, params, quantile)
    weak_content = float(np.clip((wanted_weak - 1.0) / params.weak_span, 0.0, 1.0))
    slope = 1.0 + (params.below_slope - 1.0) * (1.0 - weak_content)
    for na, nb, kind in BEAD_TYPES:
        pred, ok = band.index(si - na, sj - nb)
        ok &= (si >= na) & (sj >= nb)
        rows = [si - na + k for k in range(na)]
        cols = [sj - nb + k for k in range(nb)]
        if kind == "null":
            gain = np.full(band.total, w * _prior(scorer, na, nb, rows, cols))
            sim = np.zeros(band.total)
        elif kind == "swap":
            s1 = excess([si - 2], [sj - 1])
            s2 = excess([si - 1], [sj - 2])
            swap_sims = (s1, s2)
            sim = (s1 + s2) / 2
            gain = 2 * _content_gain(s1, params, slope) + 2 * _content_gain(s2, params, slope) - params.swap_penalty
            gain = gain + w * _prior(scorer, 2, 2, rows, cols, swap=True)
            # No gate on the crossed pairs: the search weighs the swap against the straight 1-1
            # beads, so two crossed pairs that each share a little (below the threshold, as across
            # scripts) are still linked both ways when they fit better than the straight ones.
        else:
            sim = raw11 * scale if (na, nb) == (1, 1) else excess(rows, cols)
            gain = _content_gain(sim, params, slope) * (na + nb) + w * _prior(scorer, na, nb, rows, cols)
            if (na, nb) == (1, 1):
                sim11 = sim
            else:
                gain = gain - (params.merge_penalty if na + nb == 3 else params.double_penalty)
                gain = gain - params.half_penalty * _weak_half(excess, rows, cols, params.threshold)
        gains.append(np.where(ok, gain, -np.inf))
        preds.append(pred)
        sims.append(sim)
    assert sim11 is not None  # BEAD_TYPES has a 1-1 type
    return _Search(band, list(BEAD_TYPES), gains, preds, sims, swap_sims, sim11,
                   gain01=w * math.log(TYPE_PRIORS[(0, 1)]), scale=scale)


def _content_gain(sim: np.ndarray, params: AlignParams, slope: float) -> np.ndarray:
    """Per segment: similarity above the threshold, and below it a steeper loss (`slope`), so that
    a pair sharing a little less than the threshold is still linked on position and length (a free
    translation), while a pair sharing nothing (an omission facing an insertion) is split."""
    excess = sim - params.threshold
    return np.where(excess < 0, slope * excess, excess)


def _weak_half(excess: Callable[[list[np.ndarray], list[np.ndarray]], np.ndarray], rows: list[np.ndarray],
               cols: list[np.ndarray], threshold: float) -> np.ndarray:
    """How far the weaker half of a merged bead falls short of linking to the other side on its own.

    A merge must be paid for by content on both halves: a sentence that shares nothing but one
    name with the bead (an omission next to it, an off-topic insertion) stays a bead of its own.
    The shortfall is measured against the stronger half (at most the threshold), so that where
    neither half shares much (text in two scripts) the one that shares less still pays.
    """
    halves = []
    for k in range(len(rows)) if len(rows) == 2 else []:
        halves.append(excess([rows[k]], cols))
    for k in range(len(cols)) if len(cols) == 2 else []:
        halves.append(excess(rows, [cols[k]]))
    weak = np.minimum.reduce(halves)
    strong = np.maximum.reduce(halves)
    # A half that brings less than its partner (up to the threshold) did not earn its place: with
    # little shared wording (informal lines, other scripts) the gap between the halves still shows.
    return np.maximum(np.minimum(strong, threshold) - weak, 0.0)


def _calibration(raw11: np.ndarray, band: _Band, n: int, params: AlignParams, quantile: float = 0.5) -> float:
    """How much similarities would need stretching (unbounded; the caller caps it) so that a typical true pair scores as in related languages.

    Versions in two related languages (ru/uk) share many stems, so a sentence's best match is far
    above its baseline; across scripts (ru/en) or in short informal lines the same evidence is
    weaker. The median (or `quantile`) over A segments of the best 1-1 excess measures it;
    stretching it to `params.calibration` keeps one threshold meaningful for both.
    """
    sel = (band.rows >= 1) & (band.cols >= 1)
    if not sel.any():
        return 1.0
    best = np.full(n, -np.inf)
    np.maximum.at(best, band.rows[sel] - 1, raw11[sel])
    typical = float(np.quantile(best[np.isfinite(best)], quantile)) if np.isfinite(best).any() else 0.0
    return params.calibration / typical if typical > 0 else math.inf


def _baselines(scorer: _Scorer, cells: _Cells, band: _Band,
               params: AlignParams) -> tuple[np.ndarray, np.ndarray]:
    """How similar each segment is to the other side's segments in general: the mean 1-1
    similarity over its band, leaving out its best match. A sentence full of common words
    resembles everything; only its excess over that level is evidence of a match (the hubness
    correction of margin-based scoring)."""
    n, m = scorer.a.size, scorer.b.size
    sel = (band.rows >= 1) & (band.cols >= 1)
    r, c = band.rows[sel] - 1, band.cols[sel] - 1
    s11 = scorer.similarity(cells, [r], [c]) * params.baseline_weight

    def mean_without_best(idx: np.ndarray, size: int) -> np.ndarray:
        total = np.bincount(idx, s11, minlength=size)
        count = np.bincount(idx, minlength=size)
        best = np.zeros(size)
        np.maximum.at(best, idx, s11)
        return np.where(count > 1, (total - best) / np.maximum(count - 1, 1), 0.0)

    return mean_without_best(r, n), mean_without_best(c, m)


def _base(base_a: np.ndarray, base_b: np.ndarray, rows: list[np.ndarray], cols: list[np.ndarray]) -> np.ndarray:
    ra = sum(base_a[_safe(r, len(base_a))] for r in rows) / len(rows)
    cb = sum(base_b[_safe(c, len(base_b))] for c in cols) / len(cols)
    return (ra + cb) / 2


def _run(search: _Search, n: int, m: int) -> list[tuple[int, int, int]]:
    """Best path as (type index, i, j) of each bead's end state; type -1 is a 0-1 bead."""
    band = search.band
    score = np.full(band.total, -np.inf)
    back = np.full(band.total, -2, dtype=np.int8)
    for i in range(n + 1):
        s0, s1 = int(band.start[i]), int(band.start[i + 1])
        best = np.full(s1 - s0, -np.inf)
        arg = np.full(s1 - s0, -2, dtype=np.int8)
        if i == 0:
            best[0] = 0.0  # state (0, 0); lo[0] is 0
        for t, (na, _nb, _kind) in enumerate(search.kinds):
            if na == 0 or i < na:
                continue
            cand = score[search.preds[t][s0:s1]] + search.gains[t][s0:s1]
            better = cand > best
            best = np.where(better, cand, best)
            arg = np.where(better, t, arg)
        # 0-1 beads stay in the row: run[j] = max over k <= j of best[k] + (j - k) × gain01.
        steps = np.arange(s1 - s0) * search.gain01
        with np.errstate(invalid="ignore"):
            run = np.maximum.accumulate(best - steps) + steps
        run = np.where(np.isnan(run), -np.inf, run)
        own = best >= run - 1e-9
        score[s0:s1] = run
        back[s0:s1] = np.where(own, arg, -1)
    path: list[tuple[int, int, int]] = []
    i, j = n, m
    while i > 0 or j > 0:
        k = int(band.start[i] + j - band.lo[i])
        t = int(back[k])
        if t == -1:
            path.append((-1, i, j))
            j -= 1
            continue
        if t < 0:
            raise RuntimeError("sentence alignment: the search reached a dead state")
        na, nb, _kind = search.kinds[t]
        path.append((t, i, j))
        i, j = i - na, j - nb
    return path[::-1]


def _touches_edge(band: _Band, path: list[tuple[int, int, int]], m: int) -> bool:
    for _t, i, j in path:
        if (j == band.lo[i] and j > 0 and i > 0) or (j == band.hi[i] and j < m and i > 0):
            return True
    return False


def align_features(a: SideFeatures, b: SideFeatures, params: AlignParams = DEFAULT_PARAMS,
                   use_english: bool = False) -> list[tuple[list[int], list[int], float]]:
    """Beads (A indices, B indices, confidence) over prepared features."""
    n, m = a.size, b.size
    if n == 0 or m == 0:
        return [([k], [], 1.0) for k in range(n)] + [([], [k], 1.0) for k in range(m)]
    scorer = _Scorer(a, b, params)
    if (n + 1) * (m + 1) <= params.full_grid:
        band = _Band(np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64))
        corridor = max(n, m)
    else:
        anchors = find_anchors(a, b, scorer, params)
        corridor = params.corridor if anchors else max(params.corridor, max(n, m) // 20)
        band = anchor_band(n, m, anchors, corridor, params.max_rectangle)
    while True:
        search = _prepare(scorer, band, params)
        path = _run(search, n, m)
        if corridor >= max(n, m) or not _touches_edge(band, path, m):
            break
        corridor *= 4
        wider = _widen(band, corridor, m)
        if wider.total > params.max_states:
            break  # keep the path found: a wider search would cost more than the documents warrant
        band = wider
    if use_english and a.english and b.english:
        states = [(i, j) for _t, i, j in path]
        states.append((0, 0))
        for t, i, j in path:  # the intermediate states of 0-1 runs are on the path too
            if t == -1:
                states.append((i, j - 1))
        band = path_band(n, m, states, params.english_margin)
        scorer = _Scorer(a, b, params, chrf=ChrfScorer())
        search = _prepare(scorer, band, params)
        path = _run(search, n, m)
    return _beads(search, path, params, n, m)


def _widen(band: _Band, corridor: int, m: int) -> _Band:
    return _monotone_band(band.lo - corridor, band.hi + corridor, m)


def _beads(search: _Search, path: list[tuple[int, int, int]], params: AlignParams, n: int,
           m: int) -> list[tuple[list[int], list[int], float]]:
    band = search.band
    # On the unstretched scale: a pair linked on length and position with little shared wording
    # is reported as the weak link it is.
    conf = lambda s: float(_logistic(params.confidence_slope * (s / search.scale - params.threshold)))  # noqa: E731
    # Best 1-1 similarity of each segment within the band: how sure an unaligned segment is.
    ok11 = np.isfinite(search.gains[1])
    s11 = np.where(ok11, search.sim11, 0.0)
    best_a = np.zeros(n)
    best_b = np.zeros(m)
    sel = ok11 & (band.rows >= 1) & (band.cols >= 1)
    np.maximum.at(best_a, band.rows[sel] - 1, s11[sel])
    np.maximum.at(best_b, band.cols[sel] - 1, s11[sel])
    out: list[tuple[list[int], list[int], float]] = []
    for t, i, j in path:
        k = int(band.start[i] + j - band.lo[i])
        if t == -1:
            out.append(([], [j - 1], 1.0 - conf(best_b[j - 1])))
            continue
        na, nb, kind = search.kinds[t]
        if kind == "null":
            out.append(([i - 1], [], 1.0 - conf(best_a[i - 1])))
        elif kind == "swap":
            out.append(([i - 2], [j - 1], conf(search.swap_sims[0][k])))
            out.append(([i - 1], [j - 2], conf(search.swap_sims[1][k])))
        else:
            out.append((list(range(i - na, i)), list(range(j - nb, j)), conf(search.sims[t][k])))
    return out


def align_texts(texts_a: Sequence[str], texts_b: Sequence[str], langs_a: Sequence[str] | str,
                langs_b: Sequence[str] | str, *, english_a: Sequence[str | None] | None = None,
                english_b: Sequence[str | None] | None = None,
                params: AlignParams = DEFAULT_PARAMS) -> list[tuple[list[int], list[int], float]]:
    """Align two lists of sentences; languages per sentence or one for the side.

    English (same length as the texts, None where missing) switches on the chrF pass.
    """
    la = [langs_a] * len(texts_a) if isinstance(langs_a, str) else list(langs_a)
    lb = [langs_b] * len(texts_b) if isinstance(langs_b, str) else list(langs_b)
    a, b = build_features(texts_a, la, texts_b, lb, use_lexicon=params.use_lexicon)
    use_english = english_a is not None and english_b is not None
    if use_english:
        a.english = [t or None for t in english_a]  # type: ignore[union-attr]
        b.english = [t or None for t in english_b]  # type: ignore[union-attr]
        use_english = any(a.english) and any(b.english)
    return align_features(a, b, params, use_english)


def link_f1(predicted: Sequence[tuple[Sequence[int], Sequence[int]]],
            gold: Sequence[tuple[Sequence[int], Sequence[int]]]) -> float:
    """Link-level F1: a bead links each of its A segments with each of its B segments; a 1-0 or
    0-1 bead links its segment with nothing (so omissions and insertions count too)."""
    def links(beads: Sequence[tuple[Sequence[int], Sequence[int]]]) -> set[tuple[int, int]]:
        out: set[tuple[int, int]] = set()
        for src, tgt in beads:
            if not src:
                out.update((-1, y) for y in tgt)
            elif not tgt:
                out.update((x, -1) for x in src)
            else:
                out.update((x, y) for x in src for y in tgt)
        return out

    p, g = links(predicted), links(gold)
    if not p or not g:
        return 0.0
    tp = len(p & g)
    if tp == 0:
        return 0.0
    precision, recall = tp / len(p), tp / len(g)
    return 2 * precision * recall / (precision + recall)


__all__ = ["AlignParams", "DEFAULT_PARAMS", "align_texts", "align_features", "link_f1"]
