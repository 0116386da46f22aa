"""Per-frame hits and level from the 100 Hz envelopes: what makes a picture hit on the beat.

`pulse`: 0 between hits, jumping to the hit's strength in the very frame that holds an onset, then
decaying. `level`: the loudness, 0 at −50 dBFS or below, 1 at −8 dBFS or above. `--pulse S` scales
both effects (0: the paper's pure mapping, every frame at pulse 0 and level 1).
"""

from __future__ import annotations

import numpy as np

from deepviz.extract.envelopes import ENVELOPE_RATE

DECAY = 0.14  # seconds for a hit to fall to 1/e
QUIET_DB, LOUD_DB = -50.0, -8.0


def _frame_windows(n_frames: int, fps: float, n_env: int) -> np.ndarray:
    """For each video frame, the first envelope index of its interval [i/fps, (i+1)/fps)."""
    edges = np.ceil(np.arange(n_frames + 1) / fps * ENVELOPE_RATE).astype(np.int64)
    return np.clip(edges, 0, n_env)


def kick(impulses: np.ndarray) -> np.ndarray:
    """Hits (extract.envelopes.onset_hits) with an instant attack and an exponential decay, at
    the envelope rate."""
    impulses = np.asarray(impulses, dtype=np.float64)
    keep = np.exp(-1.0 / (DECAY * ENVELOPE_RATE))
    out = np.empty_like(impulses)
    level = 0.0
    for n, x in enumerate(impulses):  # a running max-decay: a hit never lowers the envelope
        level = max(x, level * keep)
        out[n] = level
    return out


def per_frame(envelope: np.ndarray, n_frames: int, fps: float, reduce=np.max) -> np.ndarray:
    """The envelope reduced over each video frame's interval (a frame with a hit shows it)."""
    edges = _frame_windows(n_frames, fps, len(envelope))
    out = np.empty(n_frames)
    for i in range(n_frames):
        a, b = edges[i], max(edges[i + 1], edges[i] + 1)
        out[i] = reduce(envelope[min(a, len(envelope) - 1) : min(b, len(envelope))])
    return out


def frame_extras(envelopes: np.ndarray | None, n_frames: int, fps: float, strength: float) -> dict:
    """{"pulse", "level"} per frame (float32), scaled by `strength`; neutral without envelopes."""
    if envelopes is None or strength <= 0 or envelopes.shape[1] == 0:
        return {"pulse": np.zeros(n_frames, np.float32), "level": np.ones(n_frames, np.float32)}
    _, db, impulses = envelopes
    pulse = strength * per_frame(kick(impulses), n_frames, fps)
    loud = np.clip((per_frame(db, n_frames, fps, np.mean) - QUIET_DB) / (LOUD_DB - QUIET_DB), 0, 1)
    level = 1.0 - min(strength, 1.0) * (1.0 - loud)
    return {"pulse": pulse.astype(np.float32), "level": level.astype(np.float32)}
