"""The feature cache: keyed by content and network, exact, and robust to damaged entries."""

from __future__ import annotations

import os
import shutil

import numpy as np

from deepviz.app.plan import PlanOptions
from deepviz.app.planner import Planner
from deepviz.core.console import Console
from deepviz.extract.cache import FeatureCache


def test_cached_features_equal_fresh_ones_and_follow_the_content(tmp_path, music_wav, capsys):
    cache = FeatureCache(tmp_path / "c")
    said: list[str] = []

    def spoken() -> list[str]:
        said.extend(capsys.readouterr().err.splitlines())
        return said

    planner = Planner(PlanOptions(device="cpu"), Console())
    planner.cache = cache
    first = planner.features(music_wav)
    assert len(spoken()) == 1 and "extracting" in said[0]
    again = planner.features(music_wav)
    assert len(spoken()) == 1  # the second time nothing was extracted
    np.testing.assert_array_equal(first.values, again.values)
    np.testing.assert_array_equal(first.anchors, again.anchors)
    assert first.duration == again.duration and again.model_id == first.model_id
    renamed = tmp_path / "other name.wav"
    shutil.copy(music_wav, renamed)
    planner.features(renamed)
    assert len(spoken()) == 1  # same bytes under another name: still cached
    entries = list((tmp_path / "c").rglob("*.npz"))
    assert len(entries) == 1
    entries[0].write_bytes(b"not an npz")  # damaged: ignored, extracted again, rewritten
    fixed = planner.features(music_wav)
    assert len(spoken()) == 2
    np.testing.assert_array_equal(first.values, fixed.values)
    assert cache.load(entries[0], first.model_id) is not None


def test_a_cached_track_renders_without_loading_the_network(tmp_path, music_wav):
    """The network (and torch) load only for a track not in the cache, and then in a process of
    their own (extract/background.py): this one never imports torch; what the video records of
    the model is the same either way."""
    import subprocess
    import sys

    code = (
        "import sys; from deepviz.cli import main\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print('torch' in sys.modules)"
    )
    common = [str(music_wav), "--size", "64x48", "--fps", "6", "-q", "-y"]

    env = {**os.environ, "DEEPVIZ_CACHE": str(tmp_path / "cache")}  # empty, whatever ran before

    def run(*args):
        out = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.strip().splitlines()[-1] == "True"

    first, second = tmp_path / "a.mp4", tmp_path / "b.mp4"
    assert not run("render", *common, "-o", str(first), "--seed", "9")  # loaded in the other
    assert list((tmp_path / "cache").rglob("*.npz"))  # … and the features cached
    assert not run("render", *common, "-o", str(second), "--seed", "9")  # cached: never loads
    assert not run("still", *common[:-2], "-y", "-o", str(tmp_path / "s.png"), "--at", "1")
    from deepviz.app.info import video_provenance

    a, b = video_provenance(str(first)), video_provenance(str(second))
    assert a == b and a["model_key"].startswith("default-")  # the same record, loaded or not
