"""Both aims at once: a reference fit decides where a track sits, the track's own moments move.

A mapping fitted on a broad reference set places each track (its mean parameters differ from other
tracks') but moves little within it; a mapping fitted on the track itself moves fully but puts every
track at the same place. `place_and_motion` puts each section of the track at its place and moves
it by the track's own variation around the section's mean, decorrelated (so that the sphere's red,
green and blue do not rise together into grey) and scaled by one gain for every track: the same
change in the music moves the picture as far in any track, a calm track stays calm and silence
stays still.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, logit

from deepviz.mapping.sections import section_means, smoothed

SHRINK = 0.3  # covariance shrinkage toward the diagonal before decorrelating
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


def motion_targets(k: int, target: float, ordered: bool) -> np.ndarray:
    """Each component's motion: `target` for all, or, when the components come ordered by how
    dynamic they should be (PCA's variance order → the scene's priority), from 1.3× for the first
    (the balls' size) down to 0.6× for the last (the camera's height, dizzying when it moves)."""
    if not ordered or k < 2:
        return np.full(k, target)
    return target * np.linspace(1.3, 0.6, k)


UNIT = 0.4  # the reference mapping's scale (0.5 ± 0.4·z): deviations in z units
FAST = 3  # segments averaged: one segment's features are noisy, the picture need not be
ROOM = 0.15  # places are squeezed this far from 0 and 1, where the logistic curve has no room
ACCENT = 4.0  # a section's change moves the picture at least this many times its median step
SLOW = 9  # segments: slower drift than this is the section's, not the motion's


def band(dev: np.ndarray) -> np.ndarray:
    """The motion's part of a track's deviations: averaged over FAST segments, less their
    average over SLOW segments (the drift that would move the track away from its place)."""
    out = smoothed(dev, FAST) if FAST > 1 else dev
    return out - smoothed(dev, SLOW) if SLOW > 1 else out


def place_and_motion(
    values: np.ndarray,
    gain: float,
    ordered: bool = False,
    place: np.ndarray | None = None,
    sections: np.ndarray | None = None,
) -> np.ndarray:
    """(n, k) reference-mapped values of one track → each segment at its section's place (`place`:
    (k,) or per segment (n, k); else the section's mean) plus the track's own deviations from
    its section's mean, decorrelated, × `gain` (weighted by `motion_targets` when the components
    are `ordered`) in logit units: one scale for every track. `gain` 0: the deviations as they are."""
    values = np.asarray(values, dtype=np.float64)
    starts = np.zeros(1, dtype=int) if sections is None else np.asarray(sections)
    means = section_means(values, starts)
    center = means if place is None else np.broadcast_to(place, values.shape)
    if gain <= 0 or len(values) < 2:
        return np.clip(values - means + center, 0.0, 1.0)  # moved as it is
    motion = (
        gain * motion_targets(values.shape[1], 1.0, ordered) * band(decorrelate(values - means))
    )
    center = np.clip(ROOM + (1 - 2 * ROOM) * center, EDGE, 1 - EDGE)
    out = expit(logit(center) + motion / UNIT)
    for start in starts[1:]:  # left to right: each section moved from the one before
        for _ in range(4):  # the logistic curve and the motion bend the first try
            moved = accented(out, center, start)
            if moved is center:
                break
            center = moved
            out[start:] = expit(logit(center[start:]) + motion[start:] / UNIT)
    return out


def accented(out: np.ndarray, center: np.ndarray, start: int) -> np.ndarray:
    """`center` with the section that begins at `start` moved away from the one before it until
    the picture's step there is ACCENT × the track's median step: a change of section is where
    the picture changes most, however alike the two sections' places are."""
    steps = np.linalg.norm(np.diff(out, axis=0), axis=1)
    jump, typical = steps[start - 1], float(np.median(steps))
    if jump >= ACCENT * typical:
        return center
    away = center[start] - center[start - 1]
    norm = float(np.linalg.norm(away))
    step = out[start] - out[start - 1]
    if norm > 1e-9:
        direction = away / norm
    elif jump > 1e-9:
        direction = step / jump
    else:  # two equal places and no step: any way out will do
        direction = np.full(len(step), 1 / np.sqrt(len(step)))
    moved = center.copy()
    moved[start:] = np.clip(center[start:] + (ACCENT * typical - jump) * direction, EDGE, 1 - EDGE)
    return moved
