"""Frame-accurate companions of the 0.96 s deep features: onset strength and loudness at 100 Hz.

librosa-style: numpy in, numpy out. They let a picture hit on the beat and look quiet when the
music is quiet, which one feature vector per 0.96 s cannot.
"""

from __future__ import annotations

import numpy as np

from deepviz.extract.features import HOP, SAMPLE_RATE

ENVELOPE_RATE = SAMPLE_RATE / HOP  # 100 values per second, the MFCC frame rate


def onset_strength(y: np.ndarray, sr: int = SAMPLE_RATE, hop: int = HOP) -> np.ndarray:
    """Spectral flux onset strength (librosa), one value per hop, ≥ 0."""
    import librosa

    y = np.ascontiguousarray(y, dtype=np.float32)
    if y.size < 2048:
        return np.zeros(max(1, y.size // hop + 1), dtype=np.float32)
    env = librosa.onset.onset_strength(y=y, sr=sr, hop_length=hop, center=True)
    return np.maximum(env, 0.0).astype(np.float32)


def loudness_db(y: np.ndarray, hop: int = HOP, frame: int = 2048) -> np.ndarray:
    """RMS level in dB relative to full scale (a full-scale sine is −3 dB), one value per hop."""
    import librosa

    y = np.ascontiguousarray(y, dtype=np.float32)
    rms = librosa.feature.rms(y=y, frame_length=frame, hop_length=hop, center=True)[0]
    return (20.0 * np.log10(np.maximum(rms, 1e-5))).astype(np.float32)


def envelopes(y: np.ndarray, sr: int = SAMPLE_RATE) -> np.ndarray:
    """(2, n) float32 at 100 Hz: onset strength, then loudness in dBFS (same length)."""
    onset, level = onset_strength(y, sr), loudness_db(y)
    n = min(len(onset), len(level))
    return np.stack([onset[:n], level[:n]])
