"""Decoding through the imageio-ffmpeg binary: formats, rates, channel counts, and bad input."""

import numpy as np
import pytest
from conftest import encode

from deepviz.core.errors import DeepvizError
from deepviz.extract.audio import load_audio
from deepviz.extract.decode import probe
from deepviz.extract.synth import synth_track


@pytest.mark.parametrize(
    "name, sr, channels, args",
    [
        ("a.wav", 44100, 1, ()),
        ("b.wav", 22050, 2, ()),
        ("c.flac", 48000, 2, ()),
        ("d.mp3", 32000, 2, ()),
        ("e.ogg", 44100, 1, ("-c:a", "libvorbis")),
        ("f.m4a", 48000, 6, ("-c:a", "aac")),
    ],
)
def test_decodes_formats_rates_and_channels(tmp_path, name, sr, channels, args):
    y, _ = synth_track(3, 2.0, "rock", sr=sr)
    path = encode(y, tmp_path / name, sr=sr, channels=channels, args=args)
    info = probe(path)
    assert info.sample_rate == sr and info.channels == channels
    out = load_audio(path)
    assert out.dtype == np.float32 and out.ndim == 1
    assert abs(len(out) / 44100 - 2.0) < 0.06  # encoder padding of lossy codecs stays small
    assert 0.05 < np.abs(out).max() <= 1.01


def test_downmix_is_the_mean_of_channels(tmp_path):
    t = np.arange(44100) / 44100
    left = 0.5 * np.sin(2 * np.pi * 440 * t)
    wav = tmp_path / "st.wav"
    import subprocess

    from deepviz.extract.ffmpeg import ffmpeg_exe

    stereo = np.stack([left, np.zeros_like(left)], axis=1).astype("<f4")
    subprocess.run(
        [
            ffmpeg_exe(),
            "-loglevel",
            "error",
            "-f",
            "f32le",
            "-ar",
            "44100",
            "-ac",
            "2",
            "-i",
            "pipe:0",
            str(wav),
        ],
        input=stereo.tobytes(),
        check=True,
    )
    y = load_audio(wav)
    assert abs(np.abs(y).max() - 0.25) < 0.02


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "make, problem",
    [
        (lambda d: d / "missing.mp3", "no such file"),
        (lambda d: _write(d / "empty.mp3", b""), "file is empty"),
        (lambda d: _write(d / "notes.mp3", b"hello, not audio\n" * 20), "cannot decode audio"),
        (lambda d: d, "is a folder"),
    ],
)
def test_bad_input_names_the_file(tmp_path, make, problem):
    path = make(tmp_path)
    with pytest.raises(DeepvizError) as err:
        load_audio(path)
    assert problem in str(err.value)
    assert str(path) in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("name", ["Intro:Remix.wav", "-", "pipe:0"])
def test_odd_file_names_are_read_as_files(tmp_path, monkeypatch, music, name):
    """Relative names that look like ffmpeg protocols or stdin are still the files they name."""
    encode(music, tmp_path / "plain.wav")
    (tmp_path / name).write_bytes((tmp_path / "plain.wav").read_bytes())
    monkeypatch.chdir(tmp_path)
    y = load_audio(name)
    assert len(y) == len(music) and np.abs(y - load_audio("plain.wav")).max() == 0


def test_a_file_with_several_audio_streams_says_so_and_takes_the_chosen_one(tmp_path, music):
    import subprocess

    from click.testing import CliRunner

    from deepviz.cli import main
    from deepviz.extract.ffmpeg import ffmpeg_exe

    quiet, loud = encode(music * 0.01, tmp_path / "q.wav"), encode(music, tmp_path / "l.wav")
    both = tmp_path / "both.mka"
    subprocess.run(
        [
            ffmpeg_exe(),
            "-loglevel",
            "error",
            "-i",
            str(quiet),
            "-i",
            str(loud),
            "-map",
            "0:a",
            "-map",
            "1:a",
            "-c:a",
            "flac",
            str(both),
        ],
        check=True,
    )
    assert probe(both).audio_streams == 2
    np.testing.assert_allclose(load_audio(both, stream=1), load_audio(loud), atol=1e-4)
    assert np.abs(load_audio(both)).max() < 0.05  # stream 0: the quiet one
    with pytest.raises(DeepvizError, match="has 2 audio streams"):
        load_audio(both, stream=2)
    out = tmp_path / "v.mp4"
    options = "--size 64x48 --preset ultrafast --audio-stream 1".split()
    args = ["render", str(both), "-o", str(out), *options]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0 and "2 audio streams; using stream 1" in result.output
    assert np.abs(load_audio(out)).max() > 0.3  # the video carries the loud stream
