"""The ffmpeg binary that ships in the imageio-ffmpeg wheel, and probing with it (no ffprobe)."""

from __future__ import annotations

import functools
import os
import re
import subprocess
from dataclasses import dataclass


@functools.cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary (IMAGEIO_FFMPEG_EXE overrides it)."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


@dataclass(frozen=True)
class MediaInfo:
    duration: float | None
    audio_codec: str | None
    sample_rate: int | None
    channels: int | None
    video_codec: str | None
    width: int | None
    height: int | None
    fps: float | None
    audio_streams: int = 0


_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_AUDIO = re.compile(r"Stream #\S+.*?: Audio: (\w+).*?, (\d+) Hz, ([^,]+)")
_VIDEO = re.compile(r"Stream #\S+.*?: Video: (\w+).*?, (\d{2,5})x(\d{2,5})")
_FPS = re.compile(r"([\d.]+) fps")
_LAYOUTS = {"mono": 1, "stereo": 2, "2.1": 3, "quad": 4, "5.0": 5, "5.1": 6, "6.1": 7, "7.1": 8}


def file_url(path: str | os.PathLike) -> str:
    """A path as ffmpeg's `file:` URL, so that names like `Intro:Remix.m4a`, `-` or `pipe:0` are
    read as the files they are, not as protocols or stdin."""
    return "file:" + os.fspath(path)


def probe(path: str | os.PathLike) -> MediaInfo:
    """Read duration and stream facts from `ffmpeg -i`'s report."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", file_url(path)],
        capture_output=True,
        text=True,
        errors="replace",
    )
    text = proc.stderr
    duration = None
    if m := _DURATION.search(text):
        h, mi, s = m.groups()
        duration = int(h) * 3600 + int(mi) * 60 + float(s)
    audio = _AUDIO.search(text)
    video = _VIDEO.search(text)
    fps = None
    if video and (f := _FPS.search(text[video.start() : text.find("\n", video.start())])):
        fps = float(f.group(1))
    channels = None
    if audio:
        layout = audio.group(3).strip().split("(")[0]
        channels = _LAYOUTS.get(layout)
        if channels is None and (c := re.match(r"(\d+) channels", layout)):
            channels = int(c.group(1))
    return MediaInfo(
        duration=duration,
        audio_codec=audio.group(1) if audio else None,
        sample_rate=int(audio.group(2)) if audio else None,
        channels=channels,
        video_codec=video.group(1) if video else None,
        width=int(video.group(2)) if video else None,
        height=int(video.group(3)) if video else None,
        fps=fps,
        audio_streams=len(re.findall(r"Stream #\S+.*?: Audio: ", text)),
    )


def read_tags(path: str | os.PathLike) -> dict[str, str]:
    """A media file's global tags (title, artist, comment, …), via ffmpeg's ffmetadata output."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-i", file_url(path), "-f", "ffmetadata",
         "pipe:1"], capture_output=True, text=True, errors="replace",
    )  # fmt: skip
    tags: dict[str, str] = {}
    text = re.sub(r"\\\n", "\n", proc.stdout)  # a value's newline is escaped as backslash-newline
    for line in text.splitlines():
        if "=" in line and not line.startswith((";", "[")):
            key, value = re.split(r"(?<!\\)=", line, maxsplit=1)
            tags[key.lower()] = re.sub(r"\\(.)", r"\1", value)
    return tags


def last_error_line(stderr: str) -> str:
    """The most telling line of an ffmpeg error report."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    for ln in reversed(lines):
        if "Error" in ln or "Invalid" in ln or "No such" in ln or "denied" in ln:
            return ln
    return lines[-1] if lines else "ffmpeg failed"
