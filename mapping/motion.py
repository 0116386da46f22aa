"""Both aims at once: a reference fit decides where a track sits, the track's own moments move.

A mapping fitted on a broad reference set places each track (its mean parameters differ from other
tracks') but moves little within it; a mapping fitted on the track itself moves fully but puts every
track at the same place. `place_and_motion` keeps the track's place from the reference mapping and
scales the track's own variation around it to a target spread, after decorrelating it (so that the
sphere's red, green and blue do not rise together into grey). The track's mean stays exactly at
its place.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit, logit

NOISE_FLOOR = (
    0.01  # variation below this (in parameter units) is not amplified: silence stays still
)
SHRINK = 0.3  # covariance shrinkage toward the diagonal before decorrelating
MAX_GAIN = 6.0
EDGE = 0.03  # places are kept inside [EDGE, 1 − EDGE] so the logit stays finite


def decorrelate(dev: np.ndarray) -> np.ndarray:
    """Deviations (n, k) → the same deviations with their correlations removed (ZCA whitening on the
    correlation matrix, shrunk toward the identity); each column keeps its own std."""
    n, k = dev.shape
    sd = dev.std(axis=0)
    live = sd > 1e-12
    if n < 3 or live.sum() < 2:
        return dev
    z = dev[:, live] / sd[live]
    corr = (1 - SHRINK) * np.corrcoef(z, rowvar=False) + SHRINK * np.eye(int(live.sum()))
    w, v = np.linalg.eigh(corr)
    white = z @ (v @ np.diag(1.0 / np.sqrt(np.maximum(w, 1e-6))) @ v.T)
    out = dev.copy()
    out[:, live] = white / white.std(axis=0) * sd[live]
    return out


def _gain_for(base: float, z: np.ndarray, target: float) -> float:
    """The gain g with std(expit(base + g·z)) = target (as near as MAX_GAIN allows)."""

    def excess(g: float) -> float:
        return float(expit(base + g * z).std()) - target

    if excess(MAX_GAIN) <= 0:
        return MAX_GAIN
    return brentq(excess, 0.0, MAX_GAIN, xtol=1e-4)


def _base_for(center: float, z: np.ndarray, gain: float) -> float:
    """The offset b with mean(expit(b + gain·z)) = center: the motion leaves the place alone."""
    return brentq(lambda b: float(expit(b + gain * z).mean()) - center, -30.0, 30.0, xtol=1e-6)


def _curve(center: float, z: np.ndarray, target: float) -> np.ndarray:
    """expit(b + g·z) with std ≈ target and mean = center (two rounds of the two conditions)."""
    base = logit(center)
    for _ in range(2):
        gain = _gain_for(base, z, target)
        base = _base_for(center, z, gain)
    return expit(base + gain * z)


def motion_targets(k: int, target: float, ordered: bool) -> np.ndarray:
    """Each component's motion: `target` for all, or, when the components come ordered by how
    dynamic they should be (PCA's variance order → the scene's priority), from 1.3× for the first
    (the balls' size) down to 0.6× for the last (the camera's height, dizzying when it moves)."""
    if not ordered or k < 2:
        return np.full(k, target)
    return target * np.linspace(1.3, 0.6, k)


def place_and_motion(
    values: np.ndarray, target: float, ordered: bool = False, place: np.ndarray | None = None
) -> np.ndarray:
    """(n, k) reference-mapped values of one track → its place (`place`, else their mean) plus
    motion of std `target` (weighted by `motion_targets` when the components are `ordered`)."""
    values = np.asarray(values, dtype=np.float64)
    if target <= 0 or len(values) < 2:
        if place is None:
            return values
        return np.clip(values - values.mean(axis=0) + place, 0.0, 1.0)  # moved as it is
    targets = motion_targets(values.shape[1], target, ordered)
    center = np.clip(values.mean(axis=0) if place is None else place, EDGE, 1 - EDGE)
    dev = decorrelate(values - values.mean(axis=0))
    sd = dev.std(axis=0)
    out = np.empty_like(values)
    for j in range(values.shape[1]):
        # unit-std motion, damped where the reference mapping sees almost none (silence)
        z = dev[:, j] / max(sd[j], 1e-12) * min(1.0, sd[j] / NOISE_FLOOR)
        out[:, j] = _curve(center[j], z, targets[j]) if sd[j] > 1e-12 else center[j]
    return out
