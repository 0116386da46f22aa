"""How much a track's sound changes: the mean distance between its consecutive 1 s MFCC means.

The audio side of the look's `rho` (mapping.stats): a calm track changes little from one second
to the next, a busy one a lot. 20 MFCCs (librosa's defaults otherwise), averaged over each whole
second of the track; the audio comes in chunks, so memory stays flat however long the track.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from deepviz.extract.features import SAMPLE_RATE

N_COEFFS = 20


def second_means(chunks: Iterable[np.ndarray], sr: int = SAMPLE_RATE) -> np.ndarray:
    """(seconds, 20) the mean of 20 MFCCs over each whole second of mono audio in chunks."""
    import librosa  # lazy: librosa brings numba; only analyses of the look need this

    means, rest = [], np.zeros(0, np.float32)
    for chunk in chunks:
        rest = np.concatenate([rest, np.asarray(chunk, dtype=np.float32)])
        whole = len(rest) // sr
        for k in range(whole):
            second = rest[k * sr : (k + 1) * sr]
            means.append(librosa.feature.mfcc(y=second, sr=sr, n_mfcc=N_COEFFS).mean(axis=1))
        rest = rest[whole * sr :]
    return np.stack(means) if means else np.zeros((0, N_COEFFS))


def timbral_change(audio: np.ndarray | Iterable[np.ndarray], sr: int = SAMPLE_RATE) -> float:
    """Mean Euclidean distance between consecutive 1 s means of 20 MFCCs (0 under 2 s)."""
    chunks = [audio] if isinstance(audio, np.ndarray) else audio
    means = second_means(chunks, sr)
    if len(means) < 2:
        return 0.0
    return float(np.linalg.norm(np.diff(means, axis=0), axis=1).mean())
