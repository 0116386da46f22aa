"""A video writer: raw RGB frames stream into ffmpeg's stdin (MP4, MOV, MKV, WebM or GIF, by the
output's extension); the result appears only when complete."""

from __future__ import annotations

import contextlib
import functools
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from deepviz.core import interrupts
from deepviz.core.errors import DeepvizError
from deepviz.core.files import commit, temp_path_for
from deepviz.extract.ffmpeg import ffmpeg_exe, file_url, last_error_line
from deepviz.renderer.sequence import commit_folder, is_sequence, temp_folder
from deepviz.scenes.gl import is_software

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
    ".png": ("image2", None),  # a PNG sequence: -o frames/%05d.png (renderer/sequence.py)
}
X264_SPEED = {"ultrafast": 8, "superfast": 7, "veryfast": 6, "faster": 5, "fast": 4,
              "medium": 3, "slow": 2, "slower": 1, "veryslow": 0}  # x264 preset → VP9 cpu-used  # fmt: skip


def check_format(out: str | os.PathLike) -> str:
    """The output's extension if deepviz writes it, else a DeepvizError naming those it does."""
    suffix = Path(out).suffix.lower()
    if suffix == ".png" and not is_sequence(out):
        raise DeepvizError(
            "a PNG sequence needs a frame number pattern, e.g. frames/%05d.png "
            "(one picture: deepviz still)",
            out,
        )
    if suffix not in FORMATS:
        raise DeepvizError(
            f"deepviz writes {', '.join(FORMATS)} videos, not {suffix or 'this'}", out
        )
    return suffix


def video_codec_args(
    suffix: str,
    crf: int,
    preset: str,
    extra: Sequence[str] = (),
    nvenc: Sequence[str] | None = None,
) -> list[str]:
    """H.264 for mp4/mov/mkv (x264 with `extra` arguments, or h264_nvenc with `nvenc`'s), VP9 for
    webm (x264's crf and preset carried over), a GIF palette."""
    if suffix == ".png":
        return ["-c:v", "png", "-pix_fmt", "rgb24"]
    if suffix == ".gif":  # one palette for the whole loop, ordered dither: small, stable files
        return [
            "-vf",
            "split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=bayer",
            "-loop",
            "0",
        ]
    if suffix == ".webm":
        return [
            "-c:v",
            "libvpx-vp9",
            "-pix_fmt",
            "yuv420p",
            "-b:v",
            "0",
            "-crf",
            str(min(63, crf + 13)),
            "-row-mt",
            "1",
            "-cpu-used",
            str(X264_SPEED[preset]),
        ]
    if nvenc is not None:
        # NV12 is NVENC's own input: the GPU readback's frames go in without a conversion
        return ["-c:v", "h264_nvenc", "-pix_fmt", "nv12", *nvenc, "-b:v", "0"]
    return ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", preset, "-crf", str(crf), *extra]


@functools.cache  # once per process: a batch renders many files, and CUDA starts slowly
def _nvenc_probe() -> str | None:
    """None when this ffmpeg can encode with h264_nvenc here, else why not."""
    cmd = [
        ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-f",
        "lavfi",
        "-i",
        "color=s=256x144:d=0.1",
        "-frames:v",
        "1",
        "-c:v",
        "h264_nvenc",
        "-f",
        "null",
        "-",
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if proc.returncode == 0:
        return None
    # the encoder's own first word says why (no libcuda, no capable device, …); the rest is
    # ffmpeg's threads shutting down
    own = [
        ln.split("] ", 1)[-1] for ln in proc.stderr.splitlines() if ln.startswith("[h264_nvenc @")
    ]
    return own[0].strip() if own else last_error_line(proc.stderr)


def choose_encoder(name: str, gl_renderer: str) -> str:
    """x264 or nvenc. auto: nvenc when the frames come from a GPU (not Mesa's software
    rasterizers) and h264_nvenc works there (datacentre GPUs such as the H100 have no NVENC)."""
    if name == "x264":
        return "x264"

    if name == "auto" and is_software(gl_renderer):
        return "x264"
    why = _nvenc_probe()
    if why is None:
        return "nvenc"
    if name == "nvenc":
        raise DeepvizError(f"--encoder nvenc: h264_nvenc cannot encode here ({why})")
    return "x264"


def filtered(args: list[str], first: str) -> list[str]:
    """Codec arguments with the video filter `first` before any they have (a vertical flip is
    free in ffmpeg: negative strides)."""
    if "-vf" in args:
        k = args.index("-vf") + 1
        return [*args[:k], f"{first},{args[k]}", *args[k + 1 :]]
    return ["-vf", first, *args]


@dataclass(frozen=True)
class EncodeSpec:
    """What ffmpeg makes of the raw frames on its stdin: their size, rate and layout, the codec's
    settings, the section of the audio muxed in, and the metadata written."""

    width: int
    height: int
    fps: float
    crf: int = 18
    preset: str = "medium"
    pix_fmt: str = "rgb24"
    flip: bool = False  # rows bottom to top, as GL reads them
    scale_to: tuple[int, int] | None = None  # the video's size when frames come smaller
    extra: tuple[str, ...] = ()  # codec arguments of the quality profile
    nvenc: tuple[str, ...] | None = None  # NVENC's arguments instead of x264's
    audio: str | os.PathLike | None = None
    audio_start: float = 0.0
    audio_duration: float | None = None
    audio_stream: int = 0
    audio_bitrate: str | None = None
    metadata: dict[str, str] | None = None


def encode_command(out: Path, spec: EncodeSpec) -> list[str]:
    """ffmpeg's arguments: raw frames on stdin + a section of the audio → `out`, in the format
    its extension names (FORMATS)."""
    suffix = check_format(out)
    muxer, sound = FORMATS[suffix]
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    cmd += ["-f", "rawvideo", "-pix_fmt", spec.pix_fmt, "-s", f"{spec.width}x{spec.height}"]
    cmd += ["-r", fps_rational(spec.fps), "-i", "pipe:0"]
    if spec.audio is not None and sound is not None:
        if spec.audio_start:
            cmd += ["-ss", f"{spec.audio_start:.6f}"]
        if spec.audio_duration is not None:
            cmd += ["-t", f"{spec.audio_duration:.6f}"]
        cmd += ["-i", file_url(spec.audio), "-map", "0:v:0", "-map", f"1:a:{spec.audio_stream}"]
        cmd += ["-c:a", sound[0], "-b:a", spec.audio_bitrate or sound[1]]
    codec = video_codec_args(suffix, spec.crf, spec.preset, spec.extra, spec.nvenc)
    if spec.scale_to is not None and spec.scale_to != (spec.width, spec.height):
        codec = filtered(codec, f"scale={spec.scale_to[0]}:{spec.scale_to[1]}:flags=bilinear")
    cmd += filtered(codec, "vflip") if spec.flip else codec
    for key, value in (spec.metadata or {}).items():
        cmd += ["-metadata", f"{key}={value}"]
    if muxer in ("mp4", "mov"):
        cmd += ["-movflags", "+faststart"]
    if muxer == "image2":  # files numbered by the track's frame, as `params` numbers them
        cmd += ["-start_number", str(round(spec.audio_start * spec.fps))]
    return cmd + ["-f", muxer, file_url(out)]


QUEUED_FRAMES = 1  # frames waiting for the writer thread: overlap without an unbounded queue
ABORT_WAIT = 5.0  # seconds an abort waits for the writer thread (ffmpeg is dead: it drains at once)
BITS_PER_PIXEL = {"rgb24": 24, "rgba": 32, "rgb0": 32, "nv12": 12}


class VideoWriter:
    """Context manager: `write(frame)` per frame; on success the temp file is renamed to `out`.

    A thread feeds ffmpeg while the caller draws the next frame; `write` returns once the frame is
    queued, so the caller must not reuse that buffer until QUEUED_FRAMES + 1 more writes.
    On any error or Ctrl-C ffmpeg is stopped and the temporary file removed: no partial output.
    """

    def __init__(self, out: str | os.PathLike, spec: EncodeSpec, replace: bool = True):
        self.out, self.replace = Path(out), replace
        self.frame_bytes = spec.width * spec.height * BITS_PER_PIXEL[spec.pix_fmt] // 8
        self._stderr = tempfile.TemporaryFile()
        self.frames, self._broken = 0, False
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUED_FRAMES)
        self._thread = threading.Thread(target=self._pump, name="ffmpeg-writer", daemon=True)
        with interrupts.deferred():  # ffmpeg's pid is on record before an interruption can land
            self.folder = temp_folder(self.out.parent) if is_sequence(self.out) else None
            self.tmp = self.folder / self.out.name if self.folder else temp_path_for(self.out)
            cmd = encode_command(self.tmp, spec)
            try:
                self.proc = subprocess.Popen(
                    cmd, stdin=subprocess.PIPE, stderr=self._stderr, stdout=subprocess.DEVNULL
                )
            except OSError as exc:  # ffmpeg could not start: leave nothing behind
                self._discard()
                self._stderr.close()
                raise DeepvizError(
                    f"cannot start ffmpeg ({exc.strerror or exc})", self.out
                ) from None
            self._thread.start()
            interrupts.register(self._key, self.abort)  # stop ffmpeg first, then remove its file
        interrupts.check()

    @property
    def _key(self) -> str:
        return str(self.folder or self.tmp)

    def _pump(self) -> None:
        """The writer thread: frames from the queue into ffmpeg's stdin, until None."""
        while (frame := self._queue.get()) is not None:
            if self._broken:
                continue  # keep taking frames so that the caller never blocks on a dead ffmpeg
            try:
                self.proc.stdin.write(frame)
            except (BrokenPipeError, OSError, ValueError):
                self._broken = True

    def _fail(self) -> None:
        self._stop()
        self.proc.wait()
        raise DeepvizError(f"ffmpeg stopped: {self._error()}", self.out) from None

    def write(self, frame: bytes | bytearray | memoryview) -> None:
        if len(frame) != self.frame_bytes:
            raise ValueError(f"frame has {len(frame)} bytes, expected {self.frame_bytes}")
        if self._broken:
            self._fail()
        interrupts.check()
        self._put(frame)
        self.frames += 1

    def _put(self, item: bytes | bytearray | memoryview | None) -> None:
        """Queue `item` for the writer thread. An interruption raised inside the queue's locks
        could leave them broken (and the writer waiting forever), so signals wait for each try;
        the tries are short, so Ctrl-C still stops a render whose ffmpeg has stalled."""
        while True:
            with interrupts.deferred():
                try:
                    self._queue.put(item, timeout=0.1)
                    return
                except queue.Full:
                    pass

    def _stop(self, timeout: float | None = None) -> None:
        """End the writer thread (waits for the queued frames; at most `timeout` seconds)."""
        if not self._thread.is_alive():
            return
        if timeout is None:
            self._put(None)
        else:
            with contextlib.suppress(queue.Full):
                self._queue.put(None, timeout=timeout)
        self._thread.join(timeout)

    def _error(self) -> str:
        self._stderr.seek(0)
        return last_error_line(self._stderr.read().decode(errors="replace"))

    def close(self) -> Path:
        self._stop()
        if self._broken:
            self._fail()
        try:
            self.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        if self.proc.wait() != 0:
            raise DeepvizError(f"ffmpeg failed: {self._error()}", self.out)
        if self.folder is not None:
            commit_folder(self.folder, self.out.parent, self.replace)
            interrupts.forget(self._key)
            self.folder = None
        else:
            commit(self.tmp, self.out, self.replace)
        return self.out

    def _discard(self) -> None:
        interrupts.forget(self._key)
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
        else:
            self.tmp.unlink(missing_ok=True)

    def abort(self) -> None:
        """Stop ffmpeg and remove its output; a second Ctrl-C waits until this is done."""
        with interrupts.deferred():
            if self.proc.poll() is None:
                self.proc.kill()  # a writer blocked on the pipe fails, and the thread drains
                self.proc.wait()
            self._broken = True
            self._stop(ABORT_WAIT)
            self._discard()

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.close()
        finally:
            if exc_type is not None or self.tmp.exists() or self.folder is not None:
                self.abort()
            self._stderr.close()
