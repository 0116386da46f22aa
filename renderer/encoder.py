"""A video writer: raw RGB frames stream into ffmpeg's stdin (MP4, MOV, MKV, WebM or GIF, by the
output's extension); the result appears only when complete."""

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


# output extension → (ffmpeg muxer, audio codec and bitrate or None for no sound)
FORMATS = {
    ".mp4": ("mp4", ("aac", "192k")),
    ".mov": ("mov", ("aac", "192k")),
    ".mkv": ("matroska", ("aac", "192k")),
    ".webm": ("webm", ("libopus", "160k")),
    ".gif": ("gif", None),
}
X264_SPEED = {"ultrafast": 8, "superfast": 7, "veryfast": 6, "faster": 5, "fast": 4,
              "medium": 3, "slow": 2, "slower": 1, "veryslow": 0}  # x264 preset → VP9 cpu-used  # fmt: skip


def check_format(out: str | os.PathLike) -> str:
    """The output's extension if deepviz writes it, else a DeepvizError naming those it does."""
    suffix = Path(out).suffix.lower()
    if suffix not in FORMATS:
        raise DeepvizError(
            f"deepviz writes {', '.join(FORMATS)} videos, not {suffix or 'this'}", out
        )
    return suffix


def video_codec_args(suffix: str, crf: int, preset: str) -> list[str]:
    """H.264 for mp4/mov/mkv, VP9 for webm (x264's crf and preset carried over), a GIF palette."""
    if suffix == ".gif":  # one palette for the whole loop, ordered dither: small, stable files
        return ["-vf", "split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=bayer",
                "-loop", "0"]  # fmt: skip
    if suffix == ".webm":
        return ["-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p", "-b:v", "0", "-crf",
                str(min(63, crf + 13)), "-row-mt", "1", "-cpu-used", str(X264_SPEED[preset])]  # fmt: skip
    return ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", preset, "-crf", str(crf)]


def encode_command(
    out: Path, width: int, height: int, fps: float, audio: str | os.PathLike | None,
    audio_start: float, audio_duration: float | None, crf: int, preset: str,
    audio_bitrate: str | None = None, metadata: dict[str, str] | None = None,
    audio_stream: int = 0,
) -> list[str]:  # fmt: skip
    """ffmpeg's arguments: raw RGB frames on stdin (+ a section of the audio) → `out`, in the
    format its extension names (FORMATS)."""
    suffix = check_format(out)
    muxer, sound = FORMATS[suffix]
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    cmd += ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}"]
    cmd += ["-r", fps_rational(fps), "-i", "pipe:0"]
    if audio is not None and sound is not None:
        if audio_start:
            cmd += ["-ss", f"{audio_start:.6f}"]
        if audio_duration is not None:
            cmd += ["-t", f"{audio_duration:.6f}"]
        cmd += ["-i", file_url(audio), "-map", "0:v:0", "-map", f"1:a:{audio_stream}"]
        cmd += ["-c:a", sound[0], "-b:a", audio_bitrate or sound[1]]
    cmd += video_codec_args(suffix, crf, preset)
    for key, value in (metadata or {}).items():
        cmd += ["-metadata", f"{key}={value}"]
    if muxer in ("mp4", "mov"):
        cmd += ["-movflags", "+faststart"]
    return cmd + ["-f", muxer, file_url(out)]


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
        audio_bitrate: str | None = None,
        replace: bool = True,
        metadata: dict[str, str] | None = None,
        audio_stream: int = 0,
    ):
        self.out, self.replace = Path(out), replace
        self.tmp = temp_path_for(self.out)
        self.frame_bytes = width * height * 3
        cmd = encode_command(self.tmp, width, height, fps, audio, audio_start, audio_duration,
                             crf, preset, audio_bitrate, metadata, audio_stream)  # fmt: skip
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
