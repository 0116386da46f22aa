"""The look's measures (identify, rho, the picture's motion, the sound's change) against a direct
numpy/scipy computation, and on cases whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr

from deepviz.extract.synth import synth_track
from deepviz.extract.timbre import timbral_change
from deepviz.mapping import stats


def test_identify_counts_the_halves_that_find_each_other():
    rng = np.random.default_rng(0)
    places = rng.uniform(0, 1, size=(12, 10))
    tracks = [p + 0.01 * rng.normal(size=(40, 10)) for p in places]
    assert stats.identify(tracks) == 1.0
    swapped = [np.concatenate([t[:20], tracks[(i + 1) % 12][20:]]) for i, t in enumerate(tracks)]
    assert stats.identify(swapped) == 0.0  # each first half finds another track's second half


def test_identify_is_the_direct_computation():
    rng = np.random.default_rng(1)
    tracks = [rng.uniform(0, 1, size=(int(rng.integers(6, 50)), 10)) for _ in range(15)]
    hits = 0
    for i, t in enumerate(tracks):
        first = t[: len(t) // 2].mean(axis=0)
        seconds = [u[len(u) // 2 :].mean(axis=0) for u in tracks]
        hits += int(np.argmin([np.sqrt(((first - s) ** 2).sum()) for s in seconds]) == i)
    assert stats.identify(tracks) == pytest.approx(hits / len(tracks))


def test_rho_is_spearmans_and_the_motion_is_the_mean_step_per_second():
    rng = np.random.default_rng(2)
    curves = [np.cumsum(rng.normal(0, s, size=(90, 10)), axis=0) for s in np.linspace(0.01, 0.1, 8)]
    motion = [stats.picture_motion(c, 30.0) for c in curves]
    assert motion[0] == pytest.approx(np.mean(np.abs(curves[0][1:] - curves[0][:-1])) * 30)
    sounds = rng.uniform(size=8)
    assert stats.motion_rho(motion, sounds) == pytest.approx(spearmanr(motion, sounds)[0])
    assert stats.motion_rho(motion, np.arange(8.0)) == pytest.approx(1.0)
    assert stats.motion_rho(motion, np.ones(8)) is None  # undefined: no variation


def test_busy_music_changes_more_than_a_drone():
    drone = 0.3 * np.sin(2 * np.pi * 110 * np.arange(10 * 44100) / 44100)
    busy, _ = synth_track(3, 10.0, "electronic")
    assert timbral_change(busy) > 3 * timbral_change(drone)
