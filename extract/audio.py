"""Audio files in and out: checks before decoding, whole clips (PyAV), encoding (ffmpeg)."""

from __future__ import annotations

import os
import subprocess

import numpy as np

from deepviz.core.errors import DeepvizError
from deepviz.extract.decode import SAMPLE_RATE, audio_chunks
from deepviz.extract.ffmpeg import ffmpeg_exe, file_url, last_error_line


def check_input_file(path: str | os.PathLike) -> str:
    """Cheap checks before any decoding: the file exists, is a readable, non-empty file."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise DeepvizError("no such file", path)
    if os.path.isdir(path):
        raise DeepvizError("is a folder, not an audio file", path)
    if not os.access(path, os.R_OK):
        raise DeepvizError("permission denied", path)
    if os.path.getsize(path) == 0:
        raise DeepvizError("file is empty", path)
    return path


def load_audio(path: str | os.PathLike, sr: int = SAMPLE_RATE, stream: int = 0) -> np.ndarray:
    """The whole of audio stream `stream` of `path`, mono float32 at `sr` Hz (channels averaged,
    as librosa does). For short clips: tracks are analysed chunk by chunk (`audio_chunks`)."""
    return np.concatenate(list(audio_chunks(check_input_file(path), stream, sr)))


def write_audio(
    y: np.ndarray, path: str | os.PathLike, sr: int = SAMPLE_RATE, channels: int = 1, args=()
) -> str:
    """Encode mono float32 `y` to `path` with ffmpeg (format from the extension; extra `args`)."""
    path = os.fspath(path)
    cmd = [ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "f32le", "-ar", str(sr), "-ac", "1"]
    cmd += ["-i", "pipe:0", "-ac", str(channels), *args, file_url(path)]
    proc = subprocess.run(cmd, input=np.asarray(y, dtype="<f4").tobytes(), capture_output=True)
    if proc.returncode:
        raise DeepvizError(f"cannot write audio ({last_error_line(proc.stderr.decode())})", path)
    return path
