"""Interpolation between segments and frame-rate independent EMA, on hand-computed values."""

import numpy as np
import pytest

from deepviz.mapping.timeline import (
    ema,
    frame_count,
    frame_keep,
    interpolate,
    parameter_curves,
)


def test_linear_interpolation_between_segment_anchors():
    values = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
    anchors = np.array([0.0, 0.96, 1.92])
    got = interpolate(values, anchors, np.array([0.0, 0.24, 0.48, 0.96, 1.44, 1.92, 5.0]))
    np.testing.assert_allclose(got[:, 0], [0, 0.25, 0.5, 1.0, 0.75, 0.5, 0.5])
    np.testing.assert_allclose(got[:, 1], [1, 0.75, 0.5, 0.0, 0.25, 0.5, 0.5])


def test_ema_by_hand():
    # smoothing 0.5 at one frame per segment (fps = 1/0.96): keep = 0.5 per frame
    x = np.array([[0.0], [1.0], [1.0], [0.0]])
    got = ema(x, 0.5, fps=1 / 0.96)[:, 0]
    np.testing.assert_allclose(got, [0.0, 0.5, 0.75, 0.375])


def test_ema_off_is_identity():
    x = np.random.default_rng(0).random((50, 3))
    np.testing.assert_array_equal(ema(x, 0.0, 30), x)


@pytest.mark.parametrize("smoothing", [0.2, 0.5, 0.8])
def test_ema_is_frame_rate_independent(smoothing):
    # a step from 0 to 1 at t = 0: after one segment (0.96 s) `smoothing` of the old value remains
    for fps in (24, 30, 60):
        n = int(round(3 * 0.96 * fps))
        x = np.r_[np.zeros(1), np.ones(n)][:, None]
        y = ema(x, smoothing, fps)[:, 0]
        frames_per_segment = 0.96 * fps
        k = int(round(frames_per_segment))
        assert abs((1 - y[k]) - smoothing ** (k / frames_per_segment)) < 1e-9
        assert abs(frame_keep(smoothing, fps) ** frames_per_segment - smoothing) < 1e-12
    # and curves at 24 and 60 fps agree at common times
    rng = np.random.default_rng(3)
    vals, anchors = rng.random((8, 2)), np.arange(8) * 0.96
    c24 = parameter_curves(vals, anchors, 7.2, 24, smoothing)
    c60 = parameter_curves(vals, anchors, 7.2, 60, smoothing)
    np.testing.assert_allclose(c24[::6], c60[::15], atol=0.03)


def test_curves_cover_the_track_and_stay_in_range():
    vals = np.random.default_rng(1).random((5, 10))
    anchors = np.array([0, 0.96, 1.92, 2.88, 4.3])
    c = parameter_curves(vals, anchors, 4.3, 30, 0.3)
    assert c.shape == (frame_count(4.3, 30), 10) == (129, 10)
    assert c.dtype == np.float32 and c.min() >= 0 and c.max() <= 1
    # the last frames still move: the last window is reached at the track's end
    assert np.abs(np.diff(c[-5:], axis=0)).max() > 0


def test_bad_smoothing():
    with pytest.raises(ValueError):
        ema(np.zeros((3, 1)), 1.0, 30)
