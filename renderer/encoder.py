"""An MP4 writer: raw RGB frames stream into ffmpeg's stdin; the result appears only when complete."""

from __future__ import annotations

import os
import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path

from deepviz.errors import DeepvizError
from deepviz.extract.ffmpeg import ffmpeg_exe, file_url, last_error_line
from deepviz.fileio import commit, temp_path_for

NTSC = (Fraction(24000, 1001), Fraction(30000, 1001), Fraction(60000, 1001))


def fps_rational(fps: float) -> str:
    """ffmpeg's frame rate: 29.97 → 30000/1001 (NTSC), 30 → 30/1, 12.5 → 25/2."""
    for rate in NTSC:
        if abs(fps - float(rate)) < 0.005:
            return f"{rate.numerator}/{rate.denominator}"
    rate = Fraction(fps).limit_denominator(1001)
    return f"{rate.numerator}/{rate.denominator}"


def encode_command(
    out: Path, width: int, height: int, fps: float, audio: str | os.PathLike | None,
    audio_start: float, audio_duration: float | None, crf: int, preset: str, codec: str,
    audio_bitrate: str,
) -> list[str]:  # fmt: skip
    """ffmpeg's arguments: raw RGB frames on stdin (+ a section of the audio) → an MP4 at `out`."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    cmd += [
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-s",
        f"{width}x{height}",
        "-r",
        fps_rational(fps),
    ]
    cmd += ["-i", "pipe:0"]
    if audio is not None:
        if audio_start:
            cmd += ["-ss", f"{audio_start:.6f}"]
        if audio_duration is not None:
            cmd += ["-t", f"{audio_duration:.6f}"]
        cmd += ["-i", file_url(audio), "-map", "0:v:0", "-map", "1:a:0"]
        cmd += ["-c:a", "aac", "-b:a", audio_bitrate]
    cmd += ["-c:v", codec, "-pix_fmt", "yuv420p"]
    if codec.startswith("lib"):
        cmd += ["-preset", preset, "-crf", str(crf)]
    return cmd + ["-movflags", "+faststart", "-f", "mp4", file_url(out)]


class VideoWriter:
    """Context manager: `write(frame_bytes)` per frame; on success the temp file is renamed to `out`.

    On any error or Ctrl-C ffmpeg is stopped and the temporary file removed: no partial output.
    """

    def __init__(
        self,
        out: str | os.PathLike,
        width: int,
        height: int,
        fps: float,
        audio: str | os.PathLike | None = None,
        audio_start: float = 0.0,
        audio_duration: float | None = None,
        crf: int = 18,
        preset: str = "medium",
        codec: str = "libx264",
        audio_bitrate: str = "192k",
        replace: bool = True,
    ):
        self.out, self.replace = Path(out), replace
        self.tmp = temp_path_for(self.out)
        self.frame_bytes = width * height * 3
        cmd = encode_command(self.tmp, width, height, fps, audio, audio_start, audio_duration,
                             crf, preset, codec, audio_bitrate)  # fmt: skip
        self._stderr = tempfile.TemporaryFile()
        try:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stderr=self._stderr, stdout=subprocess.DEVNULL
            )
        except OSError as exc:  # ffmpeg could not start: leave nothing behind
            self.tmp.unlink(missing_ok=True)
            self._stderr.close()
            raise DeepvizError(f"cannot start ffmpeg ({exc.strerror or exc})", self.out) from None
        self.frames = 0

    def write(self, frame: bytes) -> None:
        if len(frame) != self.frame_bytes:
            raise ValueError(f"frame has {len(frame)} bytes, expected {self.frame_bytes}")
        try:
            self.proc.stdin.write(frame)
        except (BrokenPipeError, OSError):
            self.proc.wait()
            raise DeepvizError(f"ffmpeg stopped: {self._error()}", self.out) from None
        self.frames += 1

    def _error(self) -> str:
        self._stderr.seek(0)
        return last_error_line(self._stderr.read().decode(errors="replace"))

    def close(self) -> Path:
        try:
            self.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        if self.proc.wait() != 0:
            raise DeepvizError(f"ffmpeg failed: {self._error()}", self.out)
        commit(self.tmp, self.out, self.replace)
        return self.out

    def abort(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.close()
        finally:
            if exc_type is not None or self.tmp.exists():
                self.abort()
            self._stderr.close()
