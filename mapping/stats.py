"""The paper's feature statistics and deepviz's two aims as numbers: numpy in, numpy out.

Dynamics: how much a track's parameters move (mean within-track std). Separability: how different
tracks of different genres look (silhouette of the per-track mean parameter vectors by genre, and the
spread of those means). Contrast at joins: the parameter jump where two tracks are spliced, over the
median change from one segment to the next.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import silhouette_score


def component_stats(X: np.ndarray) -> dict[str, list[float]]:
    """Per-component mean and standard deviation of (n, d) values."""
    X = np.asarray(X, dtype=np.float64)
    return {"mean": X.mean(axis=0).tolist(), "std": X.std(axis=0).tolist()}


def by_group(
    per_track: Sequence[np.ndarray], labels: Sequence[str]
) -> dict[str, dict[str, list[float]]]:
    """`component_stats` of all segments of the tracks of each label."""
    out = {}
    for label in sorted(set(labels)):
        rows = [x for x, lab in zip(per_track, labels) if lab == label]
        out[label] = component_stats(np.concatenate(rows))
    return out


def silhouette(points: np.ndarray, labels: Sequence[str]) -> float | None:
    """Silhouette score of the points by label (Euclidean); None when undefined (one label, …)."""

    n_labels = len(set(labels))
    if not 2 <= n_labels <= len(labels) - 1:
        return None
    return float(silhouette_score(np.asarray(points), np.asarray(labels)))


def within_std(per_track: Sequence[np.ndarray]) -> float:
    """Mean over tracks and parameters of the parameters' std within a track: how much it moves."""
    return float(np.mean([p.std(axis=0).mean() for p in per_track]))


def spread(per_track: Sequence[np.ndarray]) -> float:
    """Mean over parameters of the std across tracks of their means: how far apart tracks sit."""
    means = np.stack([p.mean(axis=0) for p in per_track])
    return float(means.std(axis=0).mean())


def mean_abs_corr(per_track: Sequence[np.ndarray]) -> float | None:
    """Mean |r| between pairs of parameters within a track (constant ones left out), over tracks."""
    values = []
    for p in per_track:
        live = p[:, p.std(axis=0) > 1e-6]
        if live.shape[1] < 2 or len(live) < 3:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.corrcoef(live, rowvar=False)
        pairs = np.abs(r[np.triu_indices_from(r, k=1)])
        if np.isfinite(pairs).any():
            values.append(np.nanmean(pairs))
    return float(np.mean(values)) if values else None


def halves(curves: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean picture (parameters) of a track's first half and of its second half."""
    half = len(curves) // 2
    return curves[:half].mean(axis=0), curves[half:].mean(axis=0)


def identify(per_track: Sequence[np.ndarray]) -> float | None:
    """Share of tracks whose first half's mean picture lies nearest (Euclidean) to their own
    second half's among all second halves: does a track look like itself? Chance: 1 / tracks."""
    if len(per_track) < 2 or min(len(c) for c in per_track) < 2:
        return None
    first, second = (np.stack(h) for h in zip(*(halves(c) for c in per_track)))
    distance = np.linalg.norm(first[:, None, :] - second[None, :, :], axis=2)
    return float(np.mean(distance.argmin(axis=1) == np.arange(len(first))))


def picture_motion(curves: np.ndarray, fps: float) -> float:
    """How fast the picture changes: mean over parameters of |change per frame| × fps."""
    if len(curves) < 2:
        return 0.0
    return float(np.abs(np.diff(curves, axis=0)).mean() * fps)


def motion_rho(pictures: Sequence[float], sounds: Sequence[float]) -> float | None:
    """Spearman's rho across tracks of the picture's motion against the sound's change: does
    calm music move calmly and busy music busily?"""
    if len(pictures) < 3 or np.ptp(pictures) == 0 or np.ptp(sounds) == 0:
        return None
    return float(spearmanr(pictures, sounds).statistic)


def splice_pairs(labels: Sequence[str], n_pairs: int, seed: int = 0) -> list[tuple[int, int]]:
    """Up to `n_pairs` (i, j) of tracks with different labels, a seeded draw."""
    pairs = [
        (i, j) for i, j in itertools.permutations(range(len(labels)), 2) if labels[i] != labels[j]
    ]
    rng = np.random.default_rng(seed)
    return [pairs[k] for k in sorted(rng.permutation(len(pairs))[:n_pairs])]


def splice_ratio(
    tracks: Sequence,
    labels: Sequence[str],
    mapped: Callable,
    n_pairs: int = 12,
    seed: int = 0,
) -> float | None:
    """Median over spliced pairs of: parameter jump at the join / median change per segment.

    `mapped(a, b)` gives the parameters of tracks a and b joined into one (a per-track fit is
    fitted on the join itself). Above 1: a change of music shows as a change of look.
    """
    ratios = []
    for i, j in splice_pairs(labels, n_pairs, seed):
        if len(tracks[i].values) + len(tracks[j].values) < 4:
            continue
        p = mapped(tracks[i], tracks[j])
        steps = np.linalg.norm(np.diff(p, axis=0), axis=1)
        join = len(tracks[i].values) - 1
        typical = np.median(np.delete(steps, join))
        if typical > 0:
            ratios.append(steps[join] / typical)
    return float(np.median(ratios)) if ratios else None


def aims(per_track_params: Sequence[np.ndarray], labels: Sequence[str]) -> dict[str, float | None]:
    """Dynamics, separability and decorrelation of one mapping's per-track parameters."""
    means = np.stack([p.mean(axis=0) for p in per_track_params])
    return {
        "silhouette": silhouette(means, labels),
        "within_std": within_std(per_track_params),
        "spread": spread(per_track_params),
        "mean_abs_corr": mean_abs_corr(per_track_params),
    }
