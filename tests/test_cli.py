"""The command line as a user meets it: one-line option errors, --debug everywhere, fast --help."""

from __future__ import annotations

import subprocess
import sys

import pytest


def deepviz(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "deepviz", *args], capture_output=True, text=True)


@pytest.mark.parametrize(
    "args,named",
    [
        (["render", "a.mp3", "--fps", "nan"], "--fps: must be a finite number"),
        (["render", "a.mp3", "--duration", "inf"], "--duration: must be a finite number"),
        (["render", "a.mp3", "--smoothing", "nan"], "--smoothing: must be a finite number"),
        (["render", "a.mp3", "--size", "10x10"], "--size: 10x10"),
        (["render", "a.mp3", "--scene", "nope"], "--scene:"),
        (["render"], "Missing argument"),
        (["frobnicate"], "No such command"),
    ],
)
def test_option_errors_are_one_line(args, named):
    result = deepviz(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deepviz: error: ") and named in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["render", "params", "fit", "compare", "analyze", "demo",
                                     "train", "scenes", "models"])  # fmt: skip
def test_every_command_takes_debug(command):
    result = deepviz(command, "--debug", "--help")
    assert result.returncode == 0 and "--debug" in result.stdout
