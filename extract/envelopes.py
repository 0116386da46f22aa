"""Frame-accurate companions of the 0.96 s deep features: onset strength and loudness at 100 Hz.

They let a picture hit on the beat and look quiet when the music is quiet, which one feature vector
per 0.96 s cannot. Computed block by block with the MFCCs (extract.stream); this is the whole-clip
form, numpy in, numpy out.
"""

from __future__ import annotations

import numpy as np

from deepviz.extract.features import HOP, SAMPLE_RATE

ENVELOPE_RATE = SAMPLE_RATE / HOP  # 100 values per second, the MFCC frame rate


def envelopes(y: np.ndarray, sr: int = SAMPLE_RATE) -> np.ndarray:
    """(2, n) float32 at 100 Hz: onset strength, then loudness in dBFS (same length)."""
    from deepviz.extract.stream import TrackAnalysis

    analysis = TrackAnalysis(sr)
    for _ in analysis.patches([y]):
        pass
    return analysis.envelopes
