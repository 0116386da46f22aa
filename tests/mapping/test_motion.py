"""place_and_motion: the reference fit's place kept exactly, the track's own motion spread out."""

from __future__ import annotations

import numpy as np

from deepviz.mapping.motion import motion_targets, place_and_motion


def track(rng, n=40, k=10, center=0.5, spread=0.03, shared=0.0):
    """A reference-mapped track: a place, small moves, `shared` of them common to all columns."""
    common = rng.normal(size=(n, 1))
    own = rng.normal(size=(n, k))
    return center + spread * (shared * common + (1 - shared) * own)


def test_the_place_is_kept_and_the_motion_reaches_its_target():
    rng = np.random.default_rng(1)
    values = track(rng, center=np.linspace(0.2, 0.8, 10))
    out = place_and_motion(values, 0.2)
    np.testing.assert_allclose(out.mean(axis=0), values.mean(axis=0), atol=1e-5)
    assert np.all(np.abs(out.std(axis=0) - 0.2) < 0.02)
    assert out.min() >= 0 and out.max() <= 1


def test_correlated_moves_are_decorrelated():
    rng = np.random.default_rng(2)
    values = track(rng, shared=0.8)

    def mean_abs_r(x):
        r = np.corrcoef(x, rowvar=False)
        return np.abs(r[np.triu_indices(10, 1)]).mean()

    before, after = mean_abs_r(values), mean_abs_r(place_and_motion(values, 0.2))
    assert before > 0.6 and after < 0.5 * before  # shrunk toward, not all the way to, none


def test_silence_stays_still_and_zero_motion_changes_nothing():
    still = np.full((30, 10), 0.4) + 1e-9 * np.random.default_rng(3).normal(size=(30, 10))
    assert np.ptp(place_and_motion(still, 0.3), axis=0).max() < 1e-4  # noise is not amplified
    values = track(np.random.default_rng(4))
    np.testing.assert_array_equal(place_and_motion(values, 0.0), values)


def test_ordered_components_move_by_priority():
    targets = motion_targets(10, 0.2, ordered=True)
    assert targets[0] > targets[-1] and np.all(np.diff(targets) < 0)
    assert np.all(motion_targets(10, 0.2, ordered=False) == 0.2)
    out = place_and_motion(track(np.random.default_rng(5)), 0.2, ordered=True)
    assert out[:, 0].std() > 1.5 * out[:, -1].std()
