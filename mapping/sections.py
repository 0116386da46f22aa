"""A track's sections: stretches whose style holds, so that each gets a place of its own.

The per-segment places (a track's style statistics, segment by segment, through the fit's
placement) are cut into contiguous stretches by Ward's agglomerative clustering along the track
(librosa's `segment.agglomerative`, done with scikit-learn directly); then
neighbouring stretches whose mean places lie closer than the fit's threshold, or that are too
short to be a section, are merged, closest first. A homogeneous track keeps one section.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter1d

MIN_SECTION = 8  # segments (7.7 s): a shorter stretch joins its nearer neighbour
MAX_SECTIONS = 24  # the first cut's pieces, before merging
SMOOTH = 3  # segments averaged before cutting (one segment's style is noisy)


def smoothed(points: np.ndarray, width: int = SMOOTH) -> np.ndarray:
    """A centred moving average over `width` rows (the edges repeat their last row)."""
    return uniform_filter1d(np.asarray(points, dtype=np.float64), width, axis=0, mode="nearest")


def find_sections(points: np.ndarray, threshold: float, min_len: int = MIN_SECTION) -> np.ndarray:
    """Start indices of the sections of a track's per-segment `points` (n, k); the first is 0.
    Neighbouring sections' mean points differ by `threshold` or more (Euclidean)."""
    points = np.asarray(points, dtype=np.float64)
    n = len(points)
    if n < 2 * min_len or not np.isfinite(threshold):
        return np.zeros(1, dtype=int)
    k = min(n // min_len, MAX_SECTIONS)
    starts = first_cut(smoothed(points), k)
    while len(starts) > 1:
        weak = _weakest_boundary(points, starts, threshold, min_len)
        if weak is None:
            break
        del starts[weak]
    return np.asarray(starts, dtype=int)


def first_cut(points: np.ndarray, k: int) -> list[int]:
    """Start indices of `k` contiguous stretches by Ward's agglomerative clustering over a chain
    of neighbouring segments (as librosa.segment.agglomerative cuts, without loading librosa)."""
    # lazy: scikit-learn loads once the network's process has started (a cold render starts sooner)
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.image import grid_to_graph

    chain = grid_to_graph(n_x=len(points), n_y=1, n_z=1)
    labels = AgglomerativeClustering(n_clusters=k, connectivity=chain).fit(points).labels_
    return [0, *(1 + np.flatnonzero(np.diff(labels))).tolist()]


def _weakest_boundary(points: np.ndarray, starts: list[int], threshold: float, min_len: int):
    """The index in `starts` of the boundary to remove next (between the closest neighbours
    among those too close or too short), or None when every boundary holds."""
    ends = [*starts[1:], len(points)]
    means = [points[a:b].mean(axis=0) for a, b in zip(starts, ends)]
    lengths = [b - a for a, b in zip(starts, ends)]
    best, best_gap = None, np.inf
    for i in range(1, len(starts)):
        gap = float(np.linalg.norm(means[i] - means[i - 1]))
        short = min(lengths[i], lengths[i - 1]) < min_len
        if (short or gap < threshold) and (gap if not short else gap - 1e9) < best_gap:
            best, best_gap = i, gap if not short else gap - 1e9
    return best


def section_of(starts: np.ndarray, n: int) -> np.ndarray:
    """(n,) each segment's section number."""
    return np.searchsorted(np.asarray(starts), np.arange(n), side="right") - 1


def section_means(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """(n, k) each segment's section mean of `values` (n, k)."""
    which = section_of(starts, len(values))
    means = np.stack([values[which == s].mean(axis=0) for s in range(len(starts))])
    return means[which]
