"""The command line as a user meets it: one-line option errors, --debug everywhere, fast --help."""

from __future__ import annotations

import inspect
import subprocess
import sys

import click
import pytest

from deepviz.cli import COMMANDS, main


def deepviz(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "deepviz", *args], capture_output=True, text=True)


@pytest.mark.parametrize(
    "args,named",
    [
        (["render", "a.mp3", "--fps", "nan"], "--fps: must be a finite number"),
        (["render", "a.mp3", "--duration", "inf"], "--duration: must be a finite number"),
        (["render", "a.mp3", "--smoothing", "nan"], "--smoothing: must be a finite number"),
        (["render", "a.mp3", "--start", "nan"], "--start: must be a finite number"),
        (["render", "a.mp3", "--duration", "nan"], "--duration: must be a finite number"),
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


@pytest.mark.parametrize(
    "command",
    ["render", "params", "fit", "compare", "analyze", "demo", "train", "scenes", "models"],
)
def test_every_command_takes_debug(command):
    result = deepviz(command, "--debug", "--help")
    assert result.returncode == 0 and "--debug" in result.stdout


def test_progress_in_a_log_is_a_few_plain_lines(tmp_path):
    from conftest import encode

    from deepviz.extract.synth import synth_track

    wav = encode(synth_track(4, 12.0, "rock")[0], tmp_path / "song.wav")
    result = deepviz(
        "render",
        str(wav),
        "-o",
        str(tmp_path / "v.mp4"),
        "--size",
        "320x180",
        "--preset",
        "ultrafast",
    )
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr  # stderr is a pipe here: no bar redraws
    lines = result.stderr.strip().splitlines()
    assert 3 <= len(lines) <= 15, lines
    assert any("rendering v.mp4:" in ln and "360/360 frames" in ln for ln in lines)
    quiet = deepviz("render", str(wav), "-o", str(tmp_path / "q.mp4"), "--size", "64x48", "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_a_closed_stderr_pipe_does_not_abort_a_render(tmp_path, music_wav):
    out = tmp_path / "v.mp4"
    from conftest import start_deepviz

    proc = start_deepviz("render", music_wav, "-o", out, *"--size 64x48 --preset ultrafast".split())
    proc.stderr.close()  # the reader is gone (as with `2>&1 | head -1`)
    assert proc.wait(timeout=120) == 0 and out.stat().st_size > 1000


def test_misspelt_param_order_and_too_long_names_fail_before_extraction(tmp_path, music_wav):
    result = deepviz("params", str(music_wav), "--stats", "--param-order", "sphR,nope")
    assert result.returncode == 1 and "--param-order" in result.stderr
    assert "extracting" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    long = tmp_path / ("x" * 250 + ".mp4")
    result = deepviz("render", str(music_wav), "-o", str(long), "--size", "64x48")
    assert result.returncode == 1 and "file name is too long" in result.stderr
    assert "extracting" not in result.stderr


def test_every_command_of_the_group_loads_when_asked_for():
    ctx = click.Context(main)
    assert sorted(main.list_commands(ctx)) == sorted(COMMANDS)
    for name, (_, summary) in COMMANDS.items():
        command = main.get_command(ctx, name)
        assert command.name == name
        assert inspect.cleandoc(command.help).split("\n\n")[0].replace("\n", " ") == summary


def test_the_list_of_commands_imports_none_of_them():
    code = """
import sys
from deepviz.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
print(sorted(m for m in sys.modules if m.startswith(("deepviz.app", "sklearn", "torch"))))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    listed = [line.split()[0] for line in out.split("Commands:")[1].splitlines()[:-1] if line]
    assert sorted(listed) == sorted(COMMANDS)
    assert out.splitlines()[-1] == "[]"
