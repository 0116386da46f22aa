"""Tracks are decoded (PyAV) and analysed in blocks: the same numbers as one whole-track pass,
whatever the chunking, and a track too long to take is refused before any decoding."""

import subprocess
import sys

import numpy as np
import pytest
from conftest import encode

from deepviz.core.errors import DeepvizError
from deepviz.extract.blocks import BLOCK_FRAMES
from deepviz.extract.decode import audio_chunks, probe
from deepviz.extract.features import HOP, N_FFT, N_MFCC, SEGMENT_FRAMES
from deepviz.extract.ffmpeg import ffmpeg_exe
from deepviz.extract.stream import TrackAnalysis

SR = 44100


def analyse(chunks):
    a = TrackAnalysis(SR)
    p = np.concatenate(list(a.patches(chunks)))
    return p, a


def test_chunking_changes_nothing():
    rng = np.random.default_rng(0)
    y = (0.1 * rng.standard_normal(SR * 40)).astype(np.float32)  # 40 s: two blocks and a tail
    whole, a = analyse([y])
    cuts = np.sort(rng.integers(0, len(y), 37))
    pieces, b = analyse(np.split(y, cuts))
    np.testing.assert_array_equal(whole, pieces)
    np.testing.assert_array_equal(a.envelopes, b.envelopes)
    np.testing.assert_array_equal(a.segmentation.starts, b.segmentation.starts)
    assert len(whole) == 42 and a.duration == 40.0  # 41 full segments and the end-aligned one


def test_blocks_give_the_whole_track_mfccs():
    """Across block boundaries the frames are librosa's (noise keeps every bin within top_db)."""
    import librosa

    rng = np.random.default_rng(1)
    n = (BLOCK_FRAMES + 2 * SEGMENT_FRAMES + 10) * HOP  # past one block, ending mid-segment
    y = (0.2 * rng.standard_normal(n)).astype(np.float32)
    p, a = analyse([y[: n // 3], y[n // 3 :]])
    m = librosa.feature.mfcc(y=y, sr=SR, n_mfcc=N_MFCC, n_fft=N_FFT, hop_length=HOP)
    want = np.stack([m[:, s : s + SEGMENT_FRAMES] for s in a.segmentation.starts])
    np.testing.assert_allclose(p, want, atol=2e-3)
    assert a.segmentation.starts[-1] == m.shape[1] - SEGMENT_FRAMES


def test_decoding_streams_in_chunks(tmp_path):
    y = np.sin(np.linspace(0, 3000, SR * 9)).astype(np.float32) * 0.3
    path = encode(y, tmp_path / "nine.flac")
    chunks = list(audio_chunks(path))
    assert len(chunks) > 3 and max(len(c) for c in chunks) < SR * 3
    np.testing.assert_allclose(np.concatenate(chunks), y, atol=1e-4)


def test_damaged_middle_decodes_the_rest(tmp_path):
    y = np.sin(np.linspace(0, 9000, SR * 6)).astype(np.float32) * 0.3
    path = encode(y, tmp_path / "hurt.mp3")
    data = bytearray(path.read_bytes())
    mid = len(data) // 2
    data[mid : mid + 3000] = bytes(np.random.default_rng(2).integers(0, 256, 3000, np.uint8))
    path.write_bytes(bytes(data))
    out = np.concatenate(list(audio_chunks(path)))
    assert abs(len(out) / SR - 6.0) < 0.5


def test_too_long_a_track_is_refused_before_decoding(tmp_path):
    long = tmp_path / "six hours.flac"  # 6 h 5 min of silence at 8 kHz: 2 MB, a few seconds to make
    subprocess.run(
        [
            ffmpeg_exe(),
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "anullsrc=r=8000:cl=mono",
            "-t",
            "21900",
            "-c:a",
            "flac",
            str(long),
        ],
        check=True,
    )
    assert probe(long).duration > 6 * 3600
    with pytest.raises(DeepvizError, match="up to 6 h"):
        next(audio_chunks(long))
    out = tmp_path / "p.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "deepviz", "params", str(long), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and not out.exists()
    assert proc.stderr.strip().splitlines() == [
        f"deepviz: error: {long}: the track is 6.1 h long; deepviz takes tracks up to 6 h"
    ]
