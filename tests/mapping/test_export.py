"""`deepviz params` in editors' formats: CSV, JSON, After Effects keyframe data, Deforum schedules;
scene units, a section of the track, standard output."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys

import numpy as np

# Deforum's own keyframe grammar (deforum's parse_key_frames), to check our schedules against.
DEFORUM = re.compile(r"((?P<frame>[0-9]+):[\s]*\((?P<param>[\S\s]*?)\)([,][\s]?|[\s]?$))")


def params(*args) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "deepviz", "params", *map(str, args), "-q"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def table(text: str) -> tuple[list[str], np.ndarray]:
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], np.array(rows[1:], dtype=float)


def test_stdout_csv_section_and_units(music_wav):
    names, whole = table(params(music_wav, "-o", "-").stdout)
    assert names[:2] == ["frame", "time"] and names[-3:] == ["pulse", "level", "section"]
    _, part = table(params(music_wav, "-o", "-", "--start", "1", "--duration", "1").stdout)
    assert len(part) == 30 and part[0, 0] == 30 and np.allclose(part, whole[30:60])
    _, real = table(params(music_wav, "-o", "-", "--units").stdout)
    dist = real[:, names.index("sphDist")]
    assert 1.0 <= dist.min() and dist.max() <= 3.0 and dist.max() > 1.0  # units, not [0, 1]
    assert np.allclose(real[:, names.index("sphR")], whole[:, names.index("sphR")])  # colours 0–1


def test_deforum_schedules_parse_with_deforums_grammar(music_wav):
    names, whole = table(params(music_wav, "-o", "-").stdout)
    text = params(music_wav, "-o", "-", "--format", "deforum").stdout
    blocks = re.findall(r"# (\S+)\n(.*)\n", text)
    assert [b[0] for b in blocks] == names[2:]
    for name, schedule in blocks:
        frames = {int(m["frame"]): float(m["param"]) for m in DEFORUM.finditer(schedule)}
        assert sorted(frames) == list(range(len(whole)))
        got = np.array([frames[i] for i in range(len(whole))])
        assert np.allclose(got, whole[:, names.index(name)], atol=6e-5)


def test_after_effects_keyframe_data(music_wav, tmp_path):
    out = tmp_path / "sliders.txt"
    params(music_wav, "-o", out, "--format", "ae")
    raw = out.read_bytes().decode()
    lines = raw.split("\r\n")
    assert "\n" not in raw.replace("\r\n", "")  # CRLF throughout, as AE's clipboard text
    assert lines[0] == "Adobe After Effects 8.0 Keyframe Data"
    assert "\tUnits Per Second\t30" in lines and lines[-2] == "End of Keyframe Data"
    names, whole = table(params(music_wav, "-o", "-").stdout)
    blocks = raw.split("Effects\tSlider Control #")[1:]
    assert len(blocks) == len(names) - 2
    first = [ln.split("\t") for ln in blocks[0].split("\r\n")[2:] if ln.startswith("\t")]
    assert [int(f[1]) for f in first] == list(range(len(whole)))
    assert np.allclose([float(f[2]) for f in first], whole[:, 2], atol=1e-6)


def test_a_section_outside_the_track_names_the_file(music_wav):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "deepviz",
            "params",
            str(music_wav),
            "-o",
            "-",
            "--start",
            "99",
            "-q",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and proc.stdout == ""
    assert (
        proc.stderr.strip() == f"deepviz: error: {music_wav}: --start 99s is outside the "
        "track (4.00s)"
    )
