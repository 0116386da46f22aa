"""Probe and decode audio in-process with PyAV, in chunks, so memory stays flat as a track grows.

PyAV reads the same formats as the bundled ffmpeg binary (which stays the encoder). Paths go in as
`file:` URLs, so a name like `pipe:0` or `Intro:Remix.m4a` is the file it names.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np

from deepviz.core.errors import DeepvizError
from deepviz.extract.ffmpeg import file_url

SAMPLE_RATE = 44100
MAX_SECONDS = 6 * 3600  # memory is flat, but a longer render is days of work: say so up front
CHUNK_SAMPLES = 1 << 16  # ≈ 1.5 s handed on at a time


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


def _reason(exc: Exception) -> str:
    """An FFmpegError's message without the errno and the file name PyAV appends."""
    text = getattr(exc, "strerror", None) or str(exc)
    return text.split(": '")[0].strip() or type(exc).__name__


@contextlib.contextmanager
def opened(path: str | os.PathLike):
    """The file opened as a PyAV container; one line naming the file when it is not media."""

    try:
        container = av.open(file_url(path), mode="r")
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise DeepvizError(f"cannot decode audio ({_reason(exc)})", path) from None
    try:
        yield container
    finally:
        container.close()


def _seconds(container, stream) -> float | None:
    """The stream's duration, else the container's; None when neither says."""
    if stream is not None and stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / 1_000_000  # AV_TIME_BASE
    return None


def probe(path: str | os.PathLike) -> MediaInfo:
    """Duration and stream facts of a media file; all None when it cannot be read as media."""
    try:
        with opened(path) as c:
            audio = c.streams.audio[0] if c.streams.audio else None
            video = c.streams.video[0] if c.streams.video else None
            rate = video.average_rate if video is not None else None
            return MediaInfo(
                duration=_seconds(c, audio) if audio is not None else _seconds(c, video),
                audio_codec=audio.codec_context.name if audio is not None else None,
                sample_rate=audio.codec_context.sample_rate if audio is not None else None,
                channels=audio.codec_context.channels if audio is not None else None,
                video_codec=video.codec_context.name if video is not None else None,
                width=video.codec_context.width if video is not None else None,
                height=video.codec_context.height if video is not None else None,
                fps=float(Fraction(rate)) if rate else None,
                audio_streams=len(c.streams.audio),
            )
    except DeepvizError:
        return MediaInfo(None, None, None, None, None, None, None, None, 0)


def read_tags(path: str | os.PathLike) -> dict[str, str]:
    """A media file's global tags (title, artist, comment, …), keys in lower case."""
    try:
        with opened(path) as c:
            return {str(k).lower(): str(v) for k, v in c.metadata.items()}
    except DeepvizError:
        return {}


def _audio_stream(container, stream: int, path):
    """The chosen audio stream, or one line saying why there is none."""
    n = len(container.streams.audio)
    if n == 0:
        raise DeepvizError("no audio stream in this file", path)
    if stream >= n:
        plural = "s" if n > 1 else ""
        raise DeepvizError(
            f"--audio-stream {stream}: the file has {n} audio stream{plural} (0 is the first)", path
        )
    return container.streams.audio[stream]


def check_length(seconds: float | None, path, limit: float = MAX_SECONDS) -> None:
    if seconds is not None and seconds > limit:
        raise DeepvizError(
            f"the track is {seconds / 3600:.1f} h long; deepviz takes tracks up to "
            f"{limit / 3600:g} h",
            path,
        )


def _frames(container, s, path) -> Iterator:
    """Decoded frames of stream `s`; a damaged packet is skipped, as the ffmpeg command does."""

    try:
        for packet in container.demux(s):
            try:
                yield from packet.decode()
            except av.error.InvalidDataError:
                continue
    except av.error.FFmpegError as exc:  # a truncated file ends the stream where it breaks
        if isinstance(exc, av.error.InvalidDataError | av.error.EOFError):
            return
        raise DeepvizError(f"cannot decode audio ({_reason(exc)})", path) from None


def _mono(frames: Iterator, sr: int) -> Iterator[np.ndarray]:
    """Frames resampled to float32 at `sr` Hz, channels averaged (as librosa does)."""

    resampler, layout = None, None
    for frame in frames:
        key = (frame.layout.name, frame.sample_rate, frame.format.name)
        if key != layout:  # a stream may change layout or rate midway: start a new resampler
            if resampler is not None:
                yield from (f.to_ndarray().mean(axis=0) for f in resampler.resample(None))
            resampler, layout = av.AudioResampler(format="fltp", rate=sr), key
        for out in resampler.resample(frame):
            yield out.to_ndarray().mean(axis=0)
    if resampler is not None:
        yield from (f.to_ndarray().mean(axis=0) for f in resampler.resample(None))


def audio_chunks(
    path: str | os.PathLike, stream: int = 0, sr: int = SAMPLE_RATE, limit: float = MAX_SECONDS
) -> Iterator[np.ndarray]:
    """Audio stream `stream` of `path` as mono float32 chunks at `sr` Hz, never the whole track."""
    with opened(path) as c:
        s = _audio_stream(c, stream, path)
        check_length(_seconds(c, s), path, limit)
        pending, held, total = [], 0, 0
        for y in _mono(_frames(c, s, path), sr):
            y = np.nan_to_num(y.astype(np.float32, copy=False), nan=0.0, posinf=0.0, neginf=0.0)
            pending.append(y)
            held += len(y)
            total += len(y)
            check_length(total / sr, path, limit)  # a file whose header did not say
            if held >= CHUNK_SAMPLES:
                yield np.concatenate(pending)
                pending, held = [], 0
        if pending:
            yield np.concatenate(pending)
        if total == 0:
            raise DeepvizError("no audio samples decoded (empty or silent stream)", path)
