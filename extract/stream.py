"""A track analysed block by block: MFCC patches per 0.96 s segment and the 100 Hz envelopes.

Memory holds one 30.72 s block of audio and its spectrograms, whatever the track's length. The dB
scales floor 80 dB below each block's loudest bin (librosa's `top_db`, per block rather than per
track, so that a block's frames never depend on how long the track is).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from deepviz.extract.blocks import Block, blocks, n_frames_of
from deepviz.extract.envelopes import onset_hits
from deepviz.extract.features import (
    HOP,
    N_FFT,
    N_MFCC,
    SAMPLE_RATE,
    SEGMENT_FRAMES,
    Segmentation,
    TrackFeatures,
    patches,
    segment_windows,
)

ENVELOPE_FFT = 2048
ONSET_DELAY = ENVELOPE_FFT // (2 * HOP)  # librosa's centring lag: a hit shows when it happens


def block_mfcc(block: Block, sr: int = SAMPLE_RATE) -> np.ndarray:
    """(64, n) MFCCs of a block's frames, as librosa.feature.mfcc computes them."""
    import librosa  # lazy: librosa brings numba; a cached track never needs it

    y = block.window(N_FFT // 2)
    m = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=N_MFCC, n_fft=N_FFT, hop_length=HOP, center=False)
    return m.astype(np.float32)


def block_mel_db(block: Block, sr: int = SAMPLE_RATE) -> np.ndarray:
    """(128, n) mel power in dB over 2048-sample windows: what onset strength differentiates."""
    import librosa  # lazy: librosa brings numba; a cached track never needs it

    y = block.window(ENVELOPE_FFT // 2)
    s = librosa.feature.melspectrogram(y=y, sr=sr, n_fft=ENVELOPE_FFT, hop_length=HOP, center=False)
    return librosa.power_to_db(s).astype(np.float32)


def block_loudness(block: Block) -> np.ndarray:
    """(n,) RMS level in dBFS (a full-scale sine is −3 dB) over 2048-sample windows."""
    import librosa  # lazy: librosa brings numba; a cached track never needs it

    y = block.window(ENVELOPE_FFT // 2)
    rms = librosa.feature.rms(y=y, frame_length=ENVELOPE_FFT, hop_length=HOP, center=False)[0]
    return (20.0 * np.log10(np.maximum(rms, 1e-5))).astype(np.float32)


class TrackAnalysis:
    """Consume a track's chunks once: `patches()` yields MFCC patches block by block; afterwards
    `segmentation`, `duration` and `envelopes` describe the whole track."""

    def __init__(self, sr: int = SAMPLE_RATE, with_envelopes: bool = True):
        self.sr, self.with_envelopes = sr, with_envelopes
        self.samples = 0
        self._tail = np.zeros((N_MFCC, 0), np.float32)  # the last ≤ 96 MFCC frames seen
        self._last_mel: np.ndarray | None = None
        self._onset: list[np.ndarray] = []
        self._level: list[np.ndarray] = []
        self.segmentation: Segmentation | None = None

    def _counted(self, chunks: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
        for chunk in chunks:
            self.samples += len(chunk)
            yield chunk

    def patches(self, chunks: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
        """(k, 64, 96) patches per block, in segment order; the end-aligned tail window last."""
        for block in blocks(self._counted(chunks)):
            m = block_mfcc(block, self.sr)
            if self.with_envelopes:
                self._envelopes_of(block)
            full = block.n // SEGMENT_FRAMES
            if full:
                yield (
                    m[:, : full * SEGMENT_FRAMES]
                    .reshape(N_MFCC, full, SEGMENT_FRAMES)
                    .transpose(1, 0, 2)
                    .copy()
                )
            self._tail = np.concatenate([self._tail, m], axis=1)[:, -SEGMENT_FRAMES:]
        n_frames = n_frames_of(self.samples)
        self.segmentation = segment_windows(n_frames, self.duration)
        if n_frames < SEGMENT_FRAMES:  # a clip shorter than one segment: reflect-padded
            yield patches(self._tail, self.segmentation)
        elif n_frames % SEGMENT_FRAMES:
            yield self._tail[None].copy()

    def _envelopes_of(self, block: Block) -> None:
        mel = block_mel_db(block, self.sr)
        before = mel[:, :1] if self._last_mel is None else self._last_mel
        flux = np.maximum(np.diff(mel, axis=1, prepend=before), 0.0).mean(axis=0)
        self._last_mel = mel[:, -1:]
        self._onset.append(flux.astype(np.float32))
        self._level.append(block_loudness(block))

    def track_features(
        self, values: list[np.ndarray], model_id: str, style, segment_style=None
    ) -> TrackFeatures:
        """The whole track's features, once its patches went through the network `model_id`
        (`values`: its features block by block; `style`: its style vector or None;
        `segment_style`: each segment's, or None)."""
        return TrackFeatures(
            np.concatenate(values),
            self.segmentation,
            self.duration,
            model_id,
            self.envelopes,
            style,
            segment_style,
        )

    @property
    def duration(self) -> float:
        return self.samples / self.sr

    @property
    def envelopes(self) -> np.ndarray:
        """(3, n) float32 at 100 Hz: onset strength, loudness in dBFS, the onsets' hits."""

        onset = np.concatenate(self._onset) if self._onset else np.zeros(1, np.float32)
        level = np.concatenate(self._level) if self._level else np.full(1, -100.0, np.float32)
        onset = np.concatenate([np.zeros(ONSET_DELAY, np.float32), onset])[: len(level)]
        return np.stack([onset, level, onset_hits(onset)])


def audio_patches(y: np.ndarray, sr: int = SAMPLE_RATE) -> tuple[np.ndarray, Segmentation]:
    """From mono audio to (n, 64, 96) MFCC patches and their segmentation (as a stream would)."""

    analysis = TrackAnalysis(sr, with_envelopes=False)
    p = np.concatenate(list(analysis.patches([y])))
    return p, analysis.segmentation


def envelopes(y: np.ndarray, sr: int = SAMPLE_RATE) -> np.ndarray:
    """(3, n) float32 at 100 Hz: onset strength, loudness in dBFS, hits (same length)."""

    analysis = TrackAnalysis(sr)
    for _ in analysis.patches([y]):
        pass
    return analysis.envelopes
