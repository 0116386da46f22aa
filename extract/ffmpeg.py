"""The ffmpeg binary that ships in the imageio-ffmpeg wheel: deepviz's encoder (PyAV decodes)."""

from __future__ import annotations

import functools
import os

import imageio_ffmpeg


@functools.cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary (IMAGEIO_FFMPEG_EXE overrides it)."""

    return imageio_ffmpeg.get_ffmpeg_exe()


def file_url(path: str | os.PathLike) -> str:
    """A path as ffmpeg's `file:` URL, so that names like `Intro:Remix.m4a`, `-` or `pipe:0` are
    read as the files they are, not as protocols or stdin."""
    return "file:" + os.fspath(path)


def last_error_line(stderr: str) -> str:
    """The most telling line of an ffmpeg error report."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    for ln in reversed(lines):
        if "Error" in ln or "Invalid" in ln or "No such" in ln or "denied" in ln:
            return ln
    return lines[-1] if lines else "ffmpeg failed"
