"""Decode any audio ffmpeg reads into mono float32 at 44.1 kHz, streamed through a pipe."""

from __future__ import annotations

import os
import subprocess

import numpy as np

from deepviz.errors import DeepvizError
from deepviz.extract.ffmpeg import MediaInfo, ffmpeg_exe, file_url, last_error_line, probe

SAMPLE_RATE = 44100


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


def load_audio(
    path: str | os.PathLike,
    sr: int = SAMPLE_RATE,
    start: float = 0.0,
    duration: float | None = None,
    stream: int = 0,
    info: MediaInfo | None = None,
) -> np.ndarray:
    """Decode audio stream `stream` of `path` to a mono float32 array at `sr` Hz; channels are
    averaged, as librosa does. `info`: the file's probe, when the caller already has it."""
    path = check_input_file(path)
    info = info or probe(path)
    n = info.audio_streams
    if n and stream >= n:
        plural = "s" if n > 1 else ""
        raise DeepvizError(f"--audio-stream {stream}: the file has {n} audio stream{plural} "
                           "(0 is the first)", path)  # fmt: skip
    channels = info.channels if stream == 0 else None  # probe reads the first stream's layout
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error"]
    if start:
        cmd += ["-ss", f"{start:.6f}"]
    cmd += ["-i", file_url(path)]
    if duration is not None:
        cmd += ["-t", f"{duration:.6f}"]
    cmd += ["-map", f"0:a:{stream}", "-vn", "-ac", str(channels or 1), "-ar", str(sr)]
    cmd += ["-f", "f32le", "pipe:1"]
    proc = subprocess.run(cmd, capture_output=True)
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace")
        if "matches no streams" in err or "does not contain any stream" in err:
            raise DeepvizError("no audio stream in this file", path)
        raise DeepvizError(f"cannot decode audio ({last_error_line(err)})", path)
    y = np.frombuffer(proc.stdout, dtype="<f4")
    if channels and channels > 1:
        y = y[: len(y) - len(y) % channels].reshape(-1, channels).mean(axis=1)
    y = y.astype(np.float32, copy=True)
    if y.size == 0:
        raise DeepvizError("no audio samples decoded (empty or silent stream)", path)
    if not np.isfinite(y).all():
        y = np.nan_to_num(y, nan=0.0, posinf=0.0, neginf=0.0)
    return y


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
