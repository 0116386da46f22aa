"""MFCC patches and segmentation as PAPER-NOTES.md fixes them."""

import numpy as np

from deepviz.extract.features import N_MFCC, SEGMENT_FRAMES, mfcc, segment_windows
from deepviz.extract.stream import audio_patches


def test_mfcc_shape_and_frame_count():
    y = np.random.default_rng(0).standard_normal(44100).astype(np.float32) * 0.1
    m = mfcc(y)
    assert m.shape == (N_MFCC, 1 + 44100 // 441)
    assert m.dtype == np.float32


def test_thirty_seconds_give_31_segments_plus_the_tail():
    y = np.random.default_rng(1).standard_normal(30 * 44100).astype(np.float32) * 0.1
    p, seg = audio_patches(y)
    assert p.shape == (32, 64, 96)
    # 31 full segments at i·0.96 s, then a window aligned to the end covering the 0.24 s tail
    np.testing.assert_allclose(seg.anchors[:31], np.arange(31) * 0.96)
    assert seg.anchors[-1] == 30.0
    assert seg.starts[-1] == 3001 - SEGMENT_FRAMES
    m = mfcc(y)
    np.testing.assert_array_equal(p[-1], m[:, -SEGMENT_FRAMES:])  # the tail window is real audio
    np.testing.assert_array_equal(p[3], m[:, 3 * 96 : 4 * 96])


def test_track_shorter_than_a_segment_is_padded_by_reflection():
    y = np.sin(np.arange(int(0.3 * 44100)) / 10).astype(np.float32)
    p, seg = audio_patches(y)
    assert p.shape == (1, 64, 96)
    assert len(seg) == 1
    assert np.isfinite(p).all()
    m = mfcc(y)
    np.testing.assert_array_equal(p[0, :, : m.shape[1]], m)
    # reflected, not silent: the padding repeats real frames instead of a constant
    n = m.shape[1]
    np.testing.assert_array_equal(p[0, :, n : 2 * n - 1], m[:, -2::-1])


def test_exact_multiple_has_no_extra_window():
    seg = segment_windows(n_frames=192, duration=1.92)
    assert list(seg.starts) == [0, 96]
    assert seg.anchors[-1] == 1.92
