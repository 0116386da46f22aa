"""The feature cache: keyed by content and network, exact, and robust to damaged entries."""

from __future__ import annotations

import shutil

import numpy as np

from deepviz.extract.cache import FeatureCache
from deepviz.pipeline import Planner, PlanOptions


def test_cached_features_equal_fresh_ones_and_follow_the_content(tmp_path, music_wav):
    cache = FeatureCache(tmp_path / "c")
    said: list[str] = []
    planner = Planner(PlanOptions(device="cpu"), say=said.append)
    planner.cache = cache
    first = planner.features(music_wav)
    assert len(said) == 1 and "extracting" in said[0]
    again = planner.features(music_wav)
    assert len(said) == 1  # the second time nothing was extracted
    np.testing.assert_array_equal(first.values, again.values)
    np.testing.assert_array_equal(first.anchors, again.anchors)
    assert first.duration == again.duration and again.model_id == first.model_id
    renamed = tmp_path / "other name.wav"
    shutil.copy(music_wav, renamed)
    planner.features(renamed)
    assert len(said) == 1  # same bytes under another name: still cached
    entries = list((tmp_path / "c").rglob("*.npz"))
    assert len(entries) == 1
    entries[0].write_bytes(b"not an npz")  # damaged: ignored, extracted again, rewritten
    fixed = planner.features(music_wav)
    assert len(said) == 2
    np.testing.assert_array_equal(first.values, fixed.values)
    assert cache.load(entries[0], first.model_id) is not None
