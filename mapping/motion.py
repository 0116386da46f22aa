"""Both aims at once: a reference fit decides where a track sits, the track's own moments move.

A mapping fitted on a broad reference set places each track (its mean parameters differ from other
tracks') but moves little within it; a mapping fitted on the track itself moves fully but puts every
track at the same place. `place_and_motion` keeps the track's place from the reference mapping and
scales the track's own variation around it to a target spread, after decorrelating it (so that the
sphere's red, green and blue do not rise together into grey).
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


def _gain_for(center: float, z: np.ndarray, target: float) -> float:
    """The gain g with std(expit(logit(center) + g·z)) = target (as near as MAX_GAIN allows)."""
    base = logit(center)

    def excess(g: float) -> float:
        return float(expit(base + g * z).std()) - target

    if excess(MAX_GAIN) <= 0:
        return MAX_GAIN
    return brentq(excess, 0.0, MAX_GAIN, xtol=1e-4)


def place_and_motion(values: np.ndarray, target: float) -> np.ndarray:
    """(n, k) reference-mapped values of one track → its place plus motion of std `target`."""
    values = np.asarray(values, dtype=np.float64)
    if target <= 0 or len(values) < 2:
        return values
    center = np.clip(values.mean(axis=0), EDGE, 1 - EDGE)
    dev = decorrelate(values - values.mean(axis=0))
    sd = dev.std(axis=0)
    out = np.empty_like(values)
    for j in range(values.shape[1]):
        # unit-std motion, damped where the reference mapping sees almost none (silence)
        z = dev[:, j] / max(sd[j], 1e-12) * min(1.0, sd[j] / NOISE_FLOOR)
        gain = _gain_for(center[j], z, target) if sd[j] > 1e-12 else 0.0
        out[:, j] = expit(logit(center[j]) + gain * z)
    return out
