"""Side-by-side comparison videos: one track, several mappings, one labelled panel each."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import moderngl
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from deepviz.renderer.plan import Curves
from deepviz.renderer.render import VideoOptions, encode_frames, frame_range
from deepviz.scenes import create_context, get_scene


@dataclass
class Panel:
    label: str
    curves: Curves


def grid_shape(n: int) -> tuple[int, int]:
    """(columns, rows) of the most square grid holding n panels, wider than tall."""
    cols = math.ceil(math.sqrt(n))
    return cols, math.ceil(n / cols)


def panel_size(width: int, height: int, n: int) -> tuple[int, int]:
    cols, rows = grid_shape(n)
    return (width // cols) // 2 * 2, (height // rows) // 2 * 2


def label_overlay(text: str, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """The label drawn once with Pillow: (RGB, alpha) arrays the size of a panel."""
    img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    size = max(8, height // 14)
    while True:  # shrink until the label fits the panel's width
        font = ImageFont.load_default(size=size)
        box = draw.textbbox((0, 0), text, font=font)
        pad = max(2, size // 3)
        if box[2] - box[0] + 4 * pad <= width or size <= 8:
            break
        size -= 1
    draw.rounded_rectangle(
        (pad, pad, pad * 3 + box[2] - box[0], pad * 3 + box[3] - box[1]),
        radius=pad,
        fill=(0, 0, 0, 150),
    )
    draw.text((pad * 2 - box[0], pad * 2 - box[1]), text, font=font, fill=(255, 255, 255, 235))
    rgba = np.asarray(img, dtype=np.float32) / 255.0
    return rgba[..., :3], rgba[..., 3:]


def render_comparison(
    panels: list[Panel],
    scene_name: str,
    audio_path: str | os.PathLike,
    out: str | os.PathLike,
    opts: VideoOptions,
    quiet: bool = False,
    ctx: moderngl.Context | None = None,
) -> Path:
    """Render every panel's curves with the same scene, tiled into one video with the audio."""
    first = panels[0].curves
    frames = frame_range(first, opts.start, opts.duration)
    dt = 1.0 / first.fps
    cols, _ = grid_shape(len(panels))
    pw, ph = panel_size(opts.width, opts.height, len(panels))
    own_ctx = ctx is None
    ctx = ctx or create_context()
    scene_cls = get_scene(scene_name)
    scenes = [scene_cls(ctx, pw, ph, samples=opts.samples, seed=opts.seed) for _ in panels]
    labels = [label_overlay(p.label, pw, ph) for p in panels]
    canvas = np.zeros((opts.height, opts.width, 3), dtype=np.uint8)

    def draw(i: int) -> bytes:
        for k, (scene, panel, (rgb, alpha)) in enumerate(zip(scenes, panels, labels)):
            scene.update(panel.curves.values[i], dt if i else 0.0)
            img = np.frombuffer(scene.frame(), np.uint8).reshape(ph, pw, 3)
            y, x = (k // cols) * ph, (k % cols) * pw
            canvas[y : y + ph, x : x + pw] = img * (1 - alpha) + 255 * rgb * alpha
        return canvas.tobytes()

    try:
        for i in range(frames.start):  # replay state up to the section's start
            for scene, panel in zip(scenes, panels):
                scene.update(panel.curves.values[i], dt if i else 0.0)
        return encode_frames(draw, frames, first.fps, audio_path, out, opts, quiet)
    finally:
        for scene in scenes:
            scene.release()
        if own_ctx:
            ctx.release()
