"""An uncached track's network in its own process (render, still, params): the same features as
extracted here, torch never imported here, and no process left behind by an error or a signal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import sigint_as_ctrl_c

from deepviz.core.errors import DeepvizError
from deepviz.extract.audio import write_audio
from deepviz.extract.background import NetworkProcess
from deepviz.extract.extractor import FeatureExtractor
from deepviz.extract.synth import synth_track

BESIDE = """
import sys, numpy as np
from deepviz.app.plan import PlanOptions
from deepviz.app.planner import Planner
planner = Planner(PlanOptions(device="cpu"), prefetch=sys.argv[1])
f = planner.features(sys.argv[1])
np.savez(sys.argv[2], values=f.values, env=f.envelopes, style=f.style, starts=f.segmentation.starts)
print("torch" in sys.modules)
"""


@pytest.fixture(scope="module")
def long_track(tmp_path_factory) -> str:
    """90 s: the network's process lives for seconds."""
    return write_audio(synth_track(3, 90.0, "rock")[0], tmp_path_factory.mktemp("a") / "long.wav")


def test_features_from_the_network_process_equal_those_extracted_here(tmp_path, music_wav):
    env = {**os.environ, "DEEPVIZ_CACHE": str(tmp_path / "cache")}
    out = subprocess.run(
        [sys.executable, "-c", BESIDE, str(music_wav), str(tmp_path / "f.npz")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"  # the network ran, torch loaded, in the other process
    here = FeatureExtractor("default", device="cpu").extract(music_wav)
    with np.load(tmp_path / "f.npz") as there:
        np.testing.assert_array_equal(there["values"], here.values)
        np.testing.assert_array_equal(there["env"], here.envelopes)
        np.testing.assert_array_equal(there["style"], here.style)
        np.testing.assert_array_equal(there["starts"], here.segmentation.starts)
    assert list((tmp_path / "cache").rglob("*.npz"))  # and cached, as ever


def test_a_track_of_several_blocks_goes_through_the_network_process_one_block_ahead(long_track):
    network = NetworkProcess("default", "cpu")
    try:
        there = network.extract(long_track)  # 90 s: three blocks of 30.72 s
    finally:
        network.close()
    here = FeatureExtractor("default", device="cpu").extract(long_track)
    assert len(here.values) == 94 and here.model_id == there.model_id == "default"
    np.testing.assert_array_equal(there.values, here.values)
    np.testing.assert_array_equal(there.style, here.style)
    np.testing.assert_array_equal(there.envelopes, here.envelopes)
    assert not network.proc.is_alive()  # closed: ended, not left running


def test_a_network_process_that_dies_is_a_one_line_error(music_wav):
    network = NetworkProcess("default", "cpu")
    os.kill(network.proc.pid, signal.SIGKILL)
    with pytest.raises(DeepvizError, match="ended unexpectedly"):
        network.extract(music_wav)
    network.close()
    assert network.proc.exitcode == -signal.SIGKILL


def test_the_network_process_reports_a_bad_device_as_the_network_here_would(music_wav):
    import torch

    if torch.cuda.is_available():
        pytest.skip("a CUDA GPU is there")
    network = NetworkProcess("default", "cuda")
    try:
        with pytest.raises(DeepvizError, match="torch sees no CUDA GPU"):
            network.extract(music_wav)
    finally:
        network.close()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _python_children(pid: int) -> list[int]:
    """The Python processes that `pid` started (not its ffmpeg)."""
    kids = []
    for child in _children(pid):
        try:
            if Path(f"/proc/{child}/exe").resolve().name.startswith("python"):
                kids.append(child)
        except OSError:
            pass
    return kids


@pytest.mark.parametrize("wait", [0.0, 0.5], ids=["starting", "extracting"])
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_extraction_leaves_no_network_process(tmp_path, long_track, signum, wait):
    env = {**os.environ, "DEEPVIZ_CACHE": str(tmp_path / "cache")}
    cmd = [
        sys.executable,
        "-m",
        "deepviz",
        "render",
        long_track,
        "-o",
        str(tmp_path / "v.mp4"),
        "--size",
        "64x48",
        "--fps",
        "2",
        "-q",
    ]
    proc = subprocess.Popen(
        cmd,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=sigint_as_ctrl_c,
    )
    deadline, kids = time.monotonic() + 60, []
    while not kids and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
        kids = _python_children(proc.pid)
    assert kids, "the network's process never started"
    time.sleep(wait)  # 0: while the child starts up, before it could ignore SIGINT itself
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signum)  # Ctrl-C: the terminal signals the whole foreground group
    else:
        os.kill(proc.pid, signum)  # kill, timeout: the parent alone
    assert proc.wait(timeout=60) == 128 + signum
    assert proc.stderr.read() == "deepviz: interrupted\n"  # no traceback from either process
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{k}").exists() for k in kids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(Path(f"/proc/{k}").exists() for k in kids)
    assert not (tmp_path / "v.mp4").exists() and not list(tmp_path.glob("*.tmp*"))
