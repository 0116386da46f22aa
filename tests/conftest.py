"""Shared fixtures: short synthesized audio encoded by the real ffmpeg, and probing of outputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from deepviz.extract.audio import write_audio
from deepviz.extract.ffmpeg import ffmpeg_exe
from deepviz.extract.synth import synth_track
from deepviz.training.corpus import synth_corpus

SR = 44100


def encode(y: np.ndarray, path: Path, sr: int = SR, channels: int = 1, args=()) -> Path:
    """Write mono float32 `y` at `sr` to `path` with ffmpeg (format from the extension)."""
    write_audio(y, path, sr, channels, args)
    return path


def decode_frames(video: Path, width: int, height: int) -> np.ndarray:
    """All frames of a video as (n, h, w, 3) uint8 (tests only use tiny videos)."""
    out = subprocess.run(
        [
            ffmpeg_exe(),
            "-loglevel",
            "error",
            "-i",
            str(video),
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "pipe:1",
        ],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(out, np.uint8).reshape(-1, height, width, 3)


def deepviz_cmd(*args) -> list[str]:
    """The command line `python -m deepviz ARGS` (paths and numbers as strings)."""
    return [sys.executable, "-m", "deepviz", *map(str, args)]


def start_deepviz(*args, **kw) -> subprocess.Popen:
    """`deepviz ARGS` started in a child process whose stderr the test reads as text."""
    kw = {"stderr": subprocess.PIPE, "text": True, **kw}
    return subprocess.Popen(deepviz_cmd(*args), **kw)


def invoke(*args):
    """`deepviz ARGS` run in this process by click's CliRunner (paths and numbers as strings)."""
    from click.testing import CliRunner

    from deepviz.cli import main

    return CliRunner().invoke(main, [*map(str, args)])


@pytest.fixture(scope="session")
def music() -> np.ndarray:
    """4 s of synthesized electronic music at 44.1 kHz."""
    return synth_track(11, 4.0, "electronic")[0]


@pytest.fixture(scope="session")
def music_wav(tmp_path_factory, music) -> Path:
    return encode(music, tmp_path_factory.mktemp("audio") / "music.wav")


@pytest.fixture(scope="session")
def music_mp3(tmp_path_factory, music) -> Path:
    return encode(music, tmp_path_factory.mktemp("audio") / "music.mp3", channels=2)


@pytest.fixture(scope="session")
def silence_wav(tmp_path_factory) -> Path:
    return encode(np.zeros(3 * SR, np.float32), tmp_path_factory.mktemp("audio") / "silence.wav")


@pytest.fixture(scope="module")
def one_torch_thread():
    """Small models on a shared 2-core machine: one torch thread avoids oversubscription stalls."""
    import torch

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


@pytest.fixture(autouse=True, scope="session")
def feature_cache(tmp_path_factory):
    """Every test's feature cache in a temporary folder, never the user's ~/.cache."""
    import os

    old = os.environ.get("DEEPVIZ_CACHE")
    os.environ["DEEPVIZ_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield Path(os.environ["DEEPVIZ_CACHE"])
    if old is None:
        os.environ.pop("DEEPVIZ_CACHE")
    else:
        os.environ["DEEPVIZ_CACHE"] = old


def sigint_as_ctrl_c() -> None:
    """preexec_fn for a child that a test stops with SIGINT: a shell's background job ignores
    SIGINT and its children inherit that (Python then never raises KeyboardInterrupt)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def session_processes(sid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the live processes of session `sid` (zombies left out: those
    have ended, and wait only for init to reap them)."""
    from pathlib import Path

    found = []
    for proc in Path("/proc").iterdir():
        try:
            stat = (proc / "stat").read_text()
            state, _, _, session = stat[stat.rindex(")") + 2 :].split()[:4]
            if proc.name.isdigit() and int(session) == sid and state != "Z":
                found.append((int(proc.name), (proc / "cmdline").read_text().replace("\0", " ")))
        except (OSError, ValueError):
            pass  # ended meanwhile, or not a process
    return found


@pytest.fixture(scope="session")
def corpus():
    """8 synthesized 2-s tracks of 6 styles: 6 tracks to train on, 1 to validate, 1 to test."""
    return synth_corpus(8, 2.0, seed=1, progress=False)


def epochs_of(log_path) -> list[dict]:
    return [
        {k: v for k, v in e.items() if k != "seconds"}
        for e in json.loads(open(log_path).read())["epochs"]
    ]
