"""MFCC patches as PAPER-NOTES.md fixes them: 64 MFCCs, n_fft 1102, hop 441, 96 frames = 0.96 s."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 44100
N_MFCC = 64
N_FFT = 1102
HOP = 441
SEGMENT_FRAMES = 96
SEGMENT_SECONDS = SEGMENT_FRAMES * HOP / SAMPLE_RATE  # 0.96


def mfcc(
    y: np.ndarray, sr: int = SAMPLE_RATE, n_mfcc: int = N_MFCC, n_fft: int = N_FFT, hop: int = HOP
) -> np.ndarray:
    """MFCCs of a mono signal, shape (n_mfcc, n_frames), as the authors computed them with librosa."""
    import librosa  # lazy: librosa brings numba; a cached track never needs it

    y = np.ascontiguousarray(y, dtype=np.float32)
    if y.size < n_fft:  # librosa needs at least one full window; reflect-pad a very short clip
        y = np.pad(y, (0, n_fft - y.size), mode="reflect" if y.size > 1 else "constant")
    return librosa.feature.mfcc(y=y, sr=sr, n_mfcc=n_mfcc, n_fft=n_fft, hop_length=hop).astype(
        np.float32
    )


@dataclass(frozen=True)
class Segmentation:
    """Where each 96-frame window starts (in MFCC frames) and the time its features are shown at."""

    starts: np.ndarray  # (n,) int, first MFCC frame of each window
    anchors: np.ndarray  # (n,) float seconds, time at which the timeline reaches each segment

    def __len__(self) -> int:
        return len(self.starts)


def segment_windows(
    n_frames: int,
    duration: float,
    frames: int = SEGMENT_FRAMES,
    hop_seconds: float = HOP / SAMPLE_RATE,
) -> Segmentation:
    """Every full segment, plus one window aligned to the track's end when a tail is left over.

    Segment i is anchored at its start, i·0.96 s (the paper's interpolation); the last window is
    anchored at the track's end, so the picture keeps moving until the final frame.
    """
    seg_seconds = frames * hop_seconds
    n_full = n_frames // frames
    starts = [i * frames for i in range(n_full)]
    anchors = [i * seg_seconds for i in range(n_full)]
    if n_full == 0:
        return Segmentation(np.zeros(1, dtype=np.int64), np.zeros(1))
    if n_frames % frames:
        starts.append(n_frames - frames)
        anchors.append(max(duration, anchors[-1] + hop_seconds))
    elif n_full > 1:
        anchors[-1] = max(anchors[-1], duration)
    return Segmentation(np.asarray(starts, dtype=np.int64), np.asarray(anchors, dtype=np.float64))


def patches(mfccs: np.ndarray, seg: Segmentation, frames: int = SEGMENT_FRAMES) -> np.ndarray:
    """Cut (n_mfcc, n_frames) MFCCs into (n, n_mfcc, frames) patches; a short clip is reflect-padded."""
    n_mfcc, n_frames = mfccs.shape
    if n_frames < frames:
        mode = "reflect" if n_frames > 1 else "edge"
        while mfccs.shape[1] < frames:  # reflect can at most double the length per pass
            pad = min(frames - mfccs.shape[1], mfccs.shape[1] - 1 if mode == "reflect" else frames)
            mfccs = np.pad(mfccs, ((0, 0), (0, max(pad, 1))), mode=mode)
        n_frames = mfccs.shape[1]
    idx = seg.starts[:, None] + np.arange(frames)[None, :]
    return np.ascontiguousarray(mfccs[:, idx].transpose(1, 0, 2))


@dataclass
class TrackFeatures:
    """Features of one track: (n_segments, d) float32, with the segmentation they came from."""

    values: np.ndarray
    segmentation: Segmentation
    duration: float
    model_id: str
    envelopes: np.ndarray | None = None  # (3, n) at 100 Hz: onset strength, loudness dBFS, hits
    style: np.ndarray | None = None  # (s,) the track's style statistics (extract/style.py)
    segment_style: np.ndarray | None = None  # (n_segments, s): each segment's

    @property
    def anchors(self) -> np.ndarray:
        return self.segmentation.anchors
