"""The render loop: per frame, update the scene, draw, and stream the pixels into the encoder."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import moderngl
from tqdm import tqdm

from deepviz.errors import DeepvizError
from deepviz.mapping.timeline import frame_count
from deepviz.renderer.encoder import VideoWriter
from deepviz.renderer.plan import Curves
from deepviz.scenes import create_context, get_scene


@dataclass
class VideoOptions:
    width: int = 1280
    height: int = 720
    fps: float = 30.0
    crf: int = 18
    preset: str = "medium"
    samples: int = 4
    seed: int = 0
    start: float = 0.0
    duration: float | None = None


def frame_range(curves: Curves, start: float, duration: float | None) -> range:
    """The frames of the section [start, start + duration) of the track."""
    first = int(round(start * curves.fps))
    if start < 0 or first >= len(curves.values):
        raise DeepvizError(f"--start {start:g}s is outside the track ({curves.duration:.2f}s)")
    if duration is not None and duration <= 0:
        raise DeepvizError(f"--duration must be positive, got {duration:g}")
    n = len(curves.values) - first
    if duration is not None:
        n = min(n, frame_count(duration, curves.fps))
    return range(first, first + n)


def encode_frames(
    draw: Callable[[int], bytes],
    frames: range,
    fps: float,
    audio_path: str | os.PathLike,
    out: str | os.PathLike,
    opts: VideoOptions,
    quiet: bool = False,
) -> Path:
    """Stream `draw(i)` for each frame i into `out` with that section of the audio; progress bar."""
    with (
        VideoWriter(
            out,
            opts.width,
            opts.height,
            fps,
            audio=audio_path,
            audio_start=frames.start / fps,
            audio_duration=len(frames) / fps,
            crf=opts.crf,
            preset=opts.preset,
        ) as writer,
        tqdm(
            total=len(frames),
            unit="frame",
            desc=f"rendering {Path(out).name}",
            disable=quiet,
            dynamic_ncols=True,
        ) as bar,
    ):
        for i in frames:
            writer.write(draw(i))
            bar.update(1)
    return Path(out)


def render_video(
    curves: Curves,
    scene_name: str,
    audio_path: str | os.PathLike,
    out: str | os.PathLike,
    opts: VideoOptions,
    quiet: bool = False,
    ctx: moderngl.Context | None = None,
) -> Path:
    """Render the frames of `curves` with scene `scene_name` into `out`, muxed with the audio."""
    frames = frame_range(curves, opts.start, opts.duration)
    dt = 1.0 / curves.fps
    own_ctx = ctx is None
    ctx = ctx or create_context()
    scene = get_scene(scene_name)(
        ctx, opts.width, opts.height, samples=opts.samples, seed=opts.seed
    )

    def draw(i: int) -> bytes:
        scene.update(curves.values[i], dt if i else 0.0)
        return scene.frame()

    try:
        # replay state such as the orbit angle up to the section's start: updates, no drawing
        for i in range(frames.start):
            scene.update(curves.values[i], dt if i else 0.0)
        return encode_frames(draw, frames, curves.fps, audio_path, out, opts, quiet)
    finally:
        scene.release()
        if own_ctx:
            ctx.release()
