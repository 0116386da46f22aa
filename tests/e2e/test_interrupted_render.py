"""End to end, slow: Ctrl-C in the middle of a real render leaves nothing behind."""

from __future__ import annotations

import os
import signal
import time

import pytest
from conftest import encode, sigint_as_ctrl_c, start_deepviz

from deepviz.extract.synth import synth_track


@pytest.mark.slow
def test_ctrl_c_leaves_no_partial_file(tmp_path):
    y, _ = synth_track(9, 20.0, "electronic")
    wav = encode(y, tmp_path / "long.wav")
    out = tmp_path / "long.mp4"
    long_enough = "--size 640x360 --fps 30 --scene real".split()  # stopped mid-render (about 5 s)
    proc = start_deepviz("render", wav, "-o", out, *long_enough, preexec_fn=sigint_as_ctrl_c)
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.startswith(".long.") for p in os.listdir(tmp_path)):
        time.sleep(0.2)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    assert sorted(os.listdir(tmp_path)) == ["long.wav"]
