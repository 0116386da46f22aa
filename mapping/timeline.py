"""Per-frame parameter curves: linear interpolation between segments, then EMA smoothing.

Interpolation follows the paper: segment i is shown at its anchor time (its start, i·0.96 s; the
last window at the track's end) and values move linearly to the next segment's. Smoothing is an
exponential moving average defined per segment: `smoothing` s is the share of the previous value
kept after one segment (0.96 s), so the per-frame keep factor is s ** (1 / (fps · 0.96)) and a
video at 24 fps and one at 60 fps move alike. s = 0 turns it off; the paper's coefficient a is 1 − s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter

from deepviz.extract.features import SEGMENT_SECONDS


def frame_count(duration: float, fps: float) -> int:
    """Frames a video of `duration` seconds needs at `fps` (at least one)."""
    return max(1, int(round(duration * fps)))


def frame_times(n_frames: int, fps: float, start: float = 0.0) -> np.ndarray:
    return start + np.arange(n_frames, dtype=np.float64) / fps


def interpolate(values: np.ndarray, anchors: np.ndarray, times: np.ndarray) -> np.ndarray:
    """(n, k) values at `anchors` → (len(times), k) linearly interpolated, held beyond the ends."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 1:
        return np.repeat(values, len(times), axis=0)
    return np.stack(
        [np.interp(times, anchors, values[:, j]) for j in range(values.shape[1])], axis=1
    )


def frame_keep(smoothing: float, fps: float, segment_seconds: float = SEGMENT_SECONDS) -> float:
    """Per-frame share of the previous value kept, for a per-segment `smoothing`."""
    if not 0.0 <= smoothing < 1.0:
        raise ValueError(f"smoothing must be in [0, 1), got {smoothing}")
    return smoothing ** (1.0 / (fps * segment_seconds)) if smoothing > 0 else 0.0


def ema(values: np.ndarray, smoothing: float, fps: float) -> np.ndarray:
    """smoothed[t] = (1 − k)·values[t] + k·smoothed[t − 1], k = frame_keep(smoothing, fps)."""
    values = np.asarray(values, dtype=np.float64)
    keep = frame_keep(smoothing, fps)
    if keep == 0.0 or len(values) == 0:
        return values.copy()
    zi = keep * values[:1]  # start at the first value: no fade-in from zero
    out, _ = lfilter([1.0 - keep], [1.0, -keep], values, axis=0, zi=zi)
    return out


def parameter_curves(
    values: np.ndarray, anchors: np.ndarray, duration: float, fps: float, smoothing: float
) -> np.ndarray:
    """The whole track's per-frame parameters, (frame_count(duration, fps), k) float32 in [0, 1]."""
    times = frame_times(frame_count(duration, fps), fps)
    curves = ema(interpolate(values, anchors, times), smoothing, fps)
    return np.clip(curves, 0.0, 1.0).astype(np.float32)


@dataclass(frozen=True)
class TimelineOptions:
    """How segments become frames: the frame rate, the EMA smoothing per 0.96 s segment, the
    strength of the hits and loudness (pulse), the motion's gain, and whether sections count."""

    fps: float
    smoothing: float
    pulse: float = 0.0
    motion: float = 0.0
    sections: bool = True  # each section of a track at its own place (`mapping.sections`)
