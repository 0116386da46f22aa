"""Frame-accurate companions of the 0.96 s deep features: onset strength, loudness and the onsets'
hits at 100 Hz.

They let a picture hit on the beat and look quiet when the music is quiet, which one feature vector
per 0.96 s cannot. Computed block by block with the MFCCs (extract.stream); this is the whole-clip
form, numpy in, numpy out.
"""

from __future__ import annotations

import numpy as np

from deepviz.extract.features import HOP, SAMPLE_RATE

ENVELOPE_RATE = SAMPLE_RATE / HOP  # 100 values per second, the MFCC frame rate
ONSET_FLOOR = 1.0  # onset strength below which nothing counts as a hit (silence, hiss)


def onset_hits(onset: np.ndarray) -> np.ndarray:
    """Strength in [0, 1] of each local onset peak (0 elsewhere), relative to the track's loud hits.

    Computed once with the features and cached with them: librosa's peak picking costs about a
    second of numba start-up, which a re-render or a still would otherwise pay every time."""
    import librosa  # lazy: librosa brings numba; a cached track never needs it

    onset = np.asarray(onset, dtype=np.float64)
    if len(onset) < 3 or onset.max() < ONSET_FLOOR:
        return np.zeros(len(onset), np.float32)
    peaks = librosa.util.peak_pick(
        onset,
        pre_max=3,
        post_max=3,
        pre_avg=10,
        post_avg=10,
        delta=float(0.1 * onset.max()),
        wait=5,
    )
    scale = max(np.percentile(onset[peaks], 90) if len(peaks) else onset.max(), ONSET_FLOOR)
    out = np.zeros(len(onset), np.float32)
    out[peaks] = np.clip(onset[peaks] / scale, 0.0, 1.0)
    return out
