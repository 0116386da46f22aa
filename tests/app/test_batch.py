"""`deepviz batch` end to end with real worker processes, real signals and a real Dask
LocalCluster: mirrored outputs, one shared fit, failure isolation, resume, summary, contact sheet."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import (
    decode_frames,
    deepviz_cmd,
    encode,
    session_processes,
    sigint_as_ctrl_c,
    start_deepviz,
)

from deepviz.app.info import video_provenance
from deepviz.extract.synth import synth_track

SMALL = ["--size", "64x48", "--fps", "12", "--preset", "ultrafast", "--samples", "1"]


def deepviz(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(deepviz_cmd(*args), capture_output=True, text=True, **kw)


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """Two genre folders of 3 short tracks each, a corrupt file, a text file, a hidden folder."""
    root = tmp_path_factory.mktemp("library")
    for k, (genre, style) in enumerate((("Rock", "rock"), ("Ambient", "ambient"))):
        (root / genre).mkdir()
        for i in range(3):
            y, _ = synth_track(30 + 10 * k + i, 2.0, style)
            encode(y, root / genre / f"{style}{i}.{'mp3' if k == 0 else 'flac'}")
    (root / "Rock" / "broken.mp3").write_bytes(b"ID3" + b"not audio" * 300)
    (root / "notes.txt").write_text("never tried as audio")
    (root / ".venv").mkdir()
    encode(np.zeros(44100, np.float32), root / ".venv" / "hidden.wav")
    return root


def rows_of(out: Path) -> dict[str, dict]:
    doc = json.loads((out / "summary.json").read_text())
    return {Path(r["file"]).name: r for r in doc["tracks"]}


def test_a_batch_renders_mirrored_with_one_fit_and_reports_the_broken_file(tmp_path, library):
    out = tmp_path / "videos"
    first = time.monotonic()
    proc = deepviz("batch", library, "-o", out, "--jobs", "2", *SMALL)
    first = time.monotonic() - first
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("deepviz: error: 1 of 7 tracks failed")
    videos = sorted(str(p.relative_to(out)) for p in out.rglob("*.mp4"))
    assert videos == [f"Ambient/ambient{i}.mp4" for i in range(3)] + [
        f"Rock/rock{i}.mp4" for i in range(3)
    ]
    rows = rows_of(out)
    assert rows["broken.mp3"]["status"] == "failed" and "decode" in rows["broken.mp3"]["error"]
    assert {r["status"] for n, r in rows.items() if n != "broken.mp3"} == {"done"}
    with open(out / "summary.csv") as f:
        table = list(csv.DictReader(f))
    assert len(table) == 7 and float(table[0]["mean_sphR"]) >= 0 and "std_camSpeed" in table[0]
    fit_sha = hashlib.sha256((out / "fit.json").read_bytes()).hexdigest()[:32]
    for video in out.rglob("*.mp4"):  # the shared fit is the one every track used
        assert video_provenance(str(video))["fit_sha256"] == fit_sha
    assert (out / "contact-sheet.png").stat().st_size > 1000

    again = time.monotonic()
    proc = deepviz("batch", library, "-o", out, "--jobs", "2", *SMALL)
    again = time.monotonic() - again
    assert proc.returncode == 1 and "rendered 0, skipped 6, failed 1" in proc.stderr
    assert again < 0.6 * first, (again, first)

    proc = deepviz("batch", library, "-o", out, "--jobs", "1", *SMALL, "--seed", "3")
    assert "rendered 6, skipped 0" in proc.stderr  # another option: every video is stale


def test_a_mapping_is_fitted_on_the_whole_batch(tmp_path, library):
    out = tmp_path / "v"
    proc = deepviz(
        "batch", library / "Ambient", "-o", out, "--mapping", "pca", "--jobs", "1", *SMALL
    )
    assert proc.returncode == 0, proc.stderr
    assert "fitted pca on" in proc.stderr and "of 3 tracks" in proc.stderr
    fit = json.loads((out / "fit.json").read_text())
    assert fit["options"]["method"] == "pca"
    assert sorted(p.name for p in out.glob("*.mp4")) == [f"ambient{i}.mp4" for i in range(3)]


def test_outputs_inside_the_input_folder_are_never_taken_as_audio(tmp_path, library):
    src = tmp_path / "music"
    src.mkdir()
    for f in (library / "Ambient").iterdir():
        (src / f.name).write_bytes(f.read_bytes())
    (src / "cover.png").write_bytes(b"\x89PNG not really")
    proc = deepviz("batch", src, "-o", src / "videos", "--jobs", "1", *SMALL)
    assert proc.returncode == 0, proc.stderr
    proc = deepviz("batch", src, "-o", src / "again", "--jobs", "1", "--pattern", "*0.flac", *SMALL)
    assert proc.returncode == 0, proc.stderr
    assert [p.name for p in (src / "again").glob("*.mp4")] == ["ambient0.mp4"]  # not videos/*


def test_a_killed_worker_leaves_no_partial_video_and_the_rest_goes_on(tmp_path, library):
    out = tmp_path / "k"
    slow = ["--size", "640x360", "--fps", "60", "--preset", "ultrafast"]  # long enough to stop
    proc = start_deepviz("batch", library / "Rock", "-o", out, "--jobs", "2", *slow)
    deadline, part = time.time() + 120, None
    while time.time() < deadline and part is None:
        part = next(iter(out.glob(".*.part.mp4")), None) if out.is_dir() else None
        time.sleep(0.05)
    assert part is not None, "no render started"
    pid = int(part.name.split(".")[2])  # .<stem>.<pid>.<random>.part.mp4
    os.kill(pid, signal.SIGKILL)
    err = proc.communicate(timeout=180)[1]
    assert proc.returncode == 1, err
    assert "the worker process died (signal 9)" in err
    assert not list(out.glob(".*part*")), list(out.iterdir())
    rows = rows_of(out)
    assert sum(r["status"] == "done" for r in rows.values()) == 2  # the others rendered
    for name, r in rows.items():
        assert (r["status"] == "done") == Path(r["output"]).is_file(), name


def test_ctrl_c_then_resume(tmp_path, library):
    out = tmp_path / "c"
    slow = ["--size", "640x360", "--fps", "60", "--preset", "ultrafast"]  # long enough to stop
    args = ("batch", library / "Ambient", "-o", out, "--jobs", "2", *slow)
    proc = start_deepviz(*args, preexec_fn=sigint_as_ctrl_c)
    deadline = time.time() + 120
    while time.time() < deadline and not (out.is_dir() and list(out.glob(".*.part.mp4"))):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    err = proc.communicate(timeout=120)[1]
    assert proc.returncode == 130, err
    time.sleep(0.5)
    assert not list(out.glob(".*part*")), list(out.iterdir())
    manifest = (
        json.loads((out / "manifest.json").read_text())
        if (out / "manifest.json").exists()
        else {"tracks": {}}
    )
    for video in manifest["tracks"]:
        assert Path(video).is_file()
    proc = deepviz("batch", library / "Ambient", "-o", out, "--jobs", "2", *slow)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.glob("*.mp4")) == [f"ambient{i}.mp4" for i in range(3)]


@pytest.mark.parametrize(
    "executor,signum",
    [("local", signal.SIGINT), ("local", signal.SIGHUP), ("dask", signal.SIGINT)],
)
def test_a_signal_to_the_group_as_the_workers_start_is_one_line(
    tmp_path, library, executor, signum
):
    """Ctrl-C or a closed terminal signals the whole group: the workers as they start up, and
    spawn's resource tracker. No traceback or warning from any of them, nothing left running."""
    if executor == "dask":
        pytest.importorskip("dask.distributed")
    workers = ("--jobs", "2", "--executor", executor, *SMALL)
    args = ("batch", library / "Ambient", "-o", tmp_path / "v", *workers)
    proc = start_deepviz(*args, start_new_session=True, preexec_fn=sigint_as_ctrl_c)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if any("spawn_main" in cmd for _, cmd in session_processes(proc.pid)):
            break  # a worker is starting
        time.sleep(0.005)
    os.killpg(proc.pid, signum)
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode == 128 + signum, err
    assert err.splitlines()[-1] == "deepviz: interrupted", err
    assert "Traceback" not in err and "WARNING" not in err and "Warning" not in err, err
    deadline = time.monotonic() + 10
    while session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not session_processes(proc.pid)


def test_dask_gives_the_same_rows_and_frames_as_local_workers(tmp_path, library):
    pytest.importorskip("dask.distributed")
    local, dask = tmp_path / "local", tmp_path / "dask"
    deepviz("batch", library, "-o", local, "--jobs", "2", *SMALL)
    proc = deepviz("batch", library, "-o", dask, "--jobs", "2", "--executor", "dask", *SMALL)
    assert proc.returncode == 1, proc.stderr
    a, b = rows_of(local), rows_of(dask)
    assert a.keys() == b.keys()
    for name in a:
        assert (a[name]["status"], a[name].get("means")) == (
            b[name]["status"],
            b[name].get("means"),
        )
    frames = [decode_frames(d / "Rock" / "rock1.mp4", 64, 48) for d in (local, dask)]
    np.testing.assert_array_equal(*frames)
    assert (local / "fit.json").read_bytes() == (dask / "fit.json").read_bytes()


def test_without_dask_the_error_says_how_to_install_it(tmp_path, library):
    code = (
        "import sys; sys.modules['dask'] = sys.modules['distributed'] = None; "
        "sys.modules['dask.distributed'] = None; from deepviz.cli import main; "
        "sys.argv = ['deepviz'] + sys.argv[1:]; main()"
    )
    args = ["batch", str(library), "-o", str(tmp_path / "x"), "--executor", "dask"]
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert proc.returncode == 1
    assert (
        proc.stderr.strip() == "deepviz: error: --executor dask needs Dask: pip install "
        "'deepviz[dask]'"
    )


def test_an_unreachable_scheduler_is_one_line_and_leaves_no_folder(tmp_path, library):
    pytest.importorskip("dask.distributed")
    out = tmp_path / "nowhere"
    unreachable = ["--executor", "dask", "--scheduler", "tcp://127.0.0.1:9", *SMALL]
    proc = deepviz("batch", library / "Ambient", "-o", out, *unreachable)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1 and len(lines) == 1 and "cannot reach it" in lines[0]
    assert not out.exists()
