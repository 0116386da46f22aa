"""place_and_motion: the place kept, the track's own motion at one scale for every track."""

from __future__ import annotations

import numpy as np

from deepviz.mapping.motion import ROOM, motion_targets, place_and_motion


def track(rng, n=40, k=10, center=0.5, spread=0.03, shared=0.0):
    """A reference-mapped track: a place, small moves, `shared` of them common to all columns."""
    common = rng.normal(size=(n, 1))
    own = rng.normal(size=(n, k))
    return center + spread * (shared * common + (1 - shared) * own)


def test_the_place_is_kept_and_the_same_change_moves_every_track_alike():
    rng = np.random.default_rng(1)
    calm = track(rng, n=200, center=np.linspace(0.2, 0.8, 10), spread=0.01)
    busy = calm.mean(axis=0) + 3 * (calm - calm.mean(axis=0))  # the same music, 3× the change
    out_calm, out_busy = place_and_motion(calm, 2.0), place_and_motion(busy, 2.0)
    place = ROOM + (1 - 2 * ROOM) * calm.mean(axis=0)  # kept where the motion has room
    np.testing.assert_allclose(out_calm.mean(axis=0), place, atol=0.01)
    ratio = out_busy.std(axis=0) / out_calm.std(axis=0)
    assert np.all((ratio > 2.5) & (ratio < 3.3))  # no per-track scaling to a target
    assert out_busy.min() >= 0 and out_busy.max() <= 1


def test_correlated_moves_are_decorrelated():
    rng = np.random.default_rng(2)
    values = track(rng, shared=0.8)

    def mean_abs_r(x):
        r = np.corrcoef(x, rowvar=False)
        return np.abs(r[np.triu_indices(10, 1)]).mean()

    before, after = mean_abs_r(values), mean_abs_r(place_and_motion(values, 2.0))
    assert before > 0.6 and after < 0.5 * before  # shrunk toward, not all the way to, none


def test_silence_stays_still_and_zero_motion_changes_nothing():
    still = np.full((30, 10), 0.4) + 1e-9 * np.random.default_rng(3).normal(size=(30, 10))
    assert np.ptp(place_and_motion(still, 3.0), axis=0).max() < 1e-4  # noise is not amplified
    values = track(np.random.default_rng(4))
    np.testing.assert_array_equal(place_and_motion(values, 0.0), values)


def test_ordered_components_move_by_priority():
    targets = motion_targets(10, 0.2, ordered=True)
    assert targets[0] > targets[-1] and np.all(np.diff(targets) < 0)
    assert np.all(motion_targets(10, 0.2, ordered=False) == 0.2)
    out = place_and_motion(track(np.random.default_rng(5)), 2.0, ordered=True)
    assert out[:, 0].std() > 1.5 * out[:, -1].std()
