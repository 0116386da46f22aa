"""Frame-accurate response: onsets become hits in the very frame that holds them; level = loudness."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import SR, decode_frames, encode

from deepviz.cli import main
from deepviz.extract.stream import envelopes
from deepviz.mapping.pulse import frame_extras

FPS = 24
CLICK_FRAMES = (14, 38, 57, 80)  # a click in the middle of each of these frames


def click_track(seconds: float = 4.0) -> np.ndarray:
    """A quiet pad with short loud clicks (drum-like hits) at known instants."""
    t = np.arange(int(seconds * SR)) / SR
    y = 0.03 * np.sin(2 * np.pi * 220 * t) * (1 + 0.3 * np.sin(2 * np.pi * 0.5 * t))
    rng = np.random.default_rng(0)
    for f in CLICK_FRAMES:
        start = int((f + 0.5) / FPS * SR)
        n = int(0.03 * SR)
        y[start : start + n] += 0.8 * rng.standard_normal(n) * np.exp(-np.arange(n) / (0.006 * SR))
    return y.astype(np.float32)


def test_hits_fall_in_the_frames_of_the_clicks():
    y = click_track()
    extras = frame_extras(envelopes(y), 4 * FPS, FPS, 1.0)
    pulse = extras["pulse"]
    for f in CLICK_FRAMES:
        assert pulse[f] > 0.6 and pulse[f] > 3 * pulse[f - 1], f
    between = np.delete(pulse, [f + k for f in CLICK_FRAMES for k in range(6)])
    assert np.median(between) < 0.05
    assert frame_extras(envelopes(y), 4 * FPS, FPS, 0.0)["pulse"].max() == 0.0  # --pulse 0


def test_level_follows_loudness_and_silence_has_no_hits():
    loud = 0.5 * np.sin(2 * np.pi * 330 * np.arange(2 * SR) / SR).astype(np.float32)
    quiet = loud * 10 ** (-28 / 20)  # ≈ −28 dB: a quiet passage
    lv = [frame_extras(envelopes(y), 48, FPS, 1.0)["level"].mean() for y in (loud, quiet)]
    assert lv[0] > 0.9 and lv[1] < 0.5
    silent = frame_extras(envelopes(np.zeros(2 * SR, np.float32)), 48, FPS, 1.0)
    assert silent["pulse"].max() == 0.0 and silent["level"].max() == 0.0


@pytest.mark.parametrize("scene", ["bar", "real"])
def test_a_drum_hit_is_visible_in_the_frame_at_its_onset(tmp_path, scene):
    wav = encode(click_track(), tmp_path / "clicks.wav")
    out = tmp_path / "clicks.mp4"
    lossless = "--size 96x64 --preset ultrafast --crf 0 --samples 1 -q".split()
    args = ["render", str(wav), "-o", str(out), "--scene", scene, "--fps", str(FPS), *lossless]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    frames = decode_frames(out, 96, 64).astype(np.int16)
    change = np.abs(np.diff(frames, axis=0)).mean(axis=(1, 2, 3))  # change[i]: frame i → i+1
    at_clicks = change[[f - 1 for f in CLICK_FRAMES]]
    others = np.delete(change, [f - 1 + k for f in CLICK_FRAMES for k in range(4)])
    assert at_clicks.min() > 4 * np.median(others), (at_clicks, np.median(others))
