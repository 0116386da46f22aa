"""The render loop: per frame, update every panel's scene, draw it into its viewport of one
framebuffer, read the frame back once and stream it into the encoder. A plain render is one panel."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import moderngl
import numpy as np
from PIL import Image

from deepviz.core.console import progress_bar
from deepviz.core.errors import DeepvizError
from deepviz.mapping.timeline import frame_count
from deepviz.renderer.encoder import QUEUED_FRAMES, EncodeSpec, VideoWriter, choose_encoder
from deepviz.renderer.labels import grid_shape, label_image
from deepviz.renderer.options import QUALITIES, VideoOptions
from deepviz.renderer.titles import scene_style
from deepviz.scenes import create_context, get_scene
from deepviz.scenes.canvas import Canvas
from deepviz.scenes.readback import choose_readback, open_reader

if TYPE_CHECKING:
    from deepviz.mapping.curves import Curves


@dataclass
class Panel:
    """One picture in the frame: a scene driven by curves, with an optional label."""

    curves: Curves
    scene: str
    seed: int = 0
    label: str | None = None
    palette: str | None = None  # None: the video's --palette


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
    lay: Layout,
    frames: range,
    audio_path: str | os.PathLike,
    out: str | os.PathLike,
    video: VideoOptions,
    quiet: bool = False,
    overwrite: bool = True,
    metadata: dict[str, str] | None = None,
    audio_stream: int = 0,
) -> Path:
    """Stream the layout's frames into `out` with that section of the audio; progress bar.
    Without `overwrite`, a file that appears at `out` meanwhile is kept."""
    suffix = Path(out).suffix.lower()
    h264, renderer = suffix in (".mp4", ".mov", ".mkv"), lay.ctx.info["GL_RENDERER"]
    encoder = choose_encoder(video.encoder, renderer) if h264 else "x264"  # the others: no choice
    preset, crf, extra = video.codec_settings(suffix)
    nvenc = QUALITIES[video.quality].nvenc if encoder == "nvenc" else None
    drawn = video.drawn()  # a draft's frames come smaller: ffmpeg scales them up
    mode = choose_readback(video.readback, renderer, drawn.size, suffix not in (".gif", ".png"))
    reader = open_reader(lay.canvas, mode, fallback=video.readback == "auto")
    fps = lay.panels[0].curves.fps
    try:
        spec = EncodeSpec(
            drawn.width,
            drawn.height,
            fps,
            crf=crf,
            preset=preset,
            pix_fmt=reader.pix_fmt,
            flip=reader.flip,
            scale_to=video.size,
            extra=tuple(extra),
            nvenc=None if nvenc is None else tuple(nvenc),
            audio=audio_path,
            audio_start=frames.start / fps,
            audio_duration=len(frames) / fps,
            audio_stream=audio_stream,
            metadata=metadata,
        )
        writer = VideoWriter(out, spec, replace=overwrite)
        # Frames go to ffmpeg on a thread while the next one is drawn; three buffers: one drawn,
        # one queued, one being written.
        ring = [bytearray(reader.frame_bytes) for _ in range(QUEUED_FRAMES + 2)]
        bar = progress_bar(
            total=len(frames), unit="frame", desc=f"rendering {Path(out).name}", disable=quiet
        )
        with writer, bar:
            for buffer in reader.stream(lay.draw, frames, ring):
                writer.write(buffer)
                bar.update(1)
    finally:
        reader.release()
    return Path(out)


class Layout:
    """Panels in a grid on one canvas: their scenes, viewports, labels and parameter strips."""

    def __init__(
        self,
        ctx: moderngl.Context,
        panels: Sequence[Panel],
        video: VideoOptions,
        grid: tuple[int, int] | None = None,
        show_params: bool = False,
        overlays: Sequence[tuple[np.ndarray, int, int]] = (),
    ):
        cols, rows = grid or grid_shape(len(panels))
        pw, ph = (video.width // cols) // 2 * 2, (video.height // rows) // 2 * 2
        self.ctx, self.panels, self.dt = ctx, list(panels), 1.0 / panels[0].curves.fps
        self.scenes = []
        styles = {
            name: scene_style(name, video.background, pw, ph)
            for name in {p.palette or video.palette for p in panels}
        }
        try:
            for p in panels:
                style = styles[p.palette or video.palette]
                self.scenes.append(get_scene(p.scene)(ctx, pw, ph, video.samples, p.seed, style))
            samples = max(s.samples for s in self.scenes)
            depth = any(s.depth for s in self.scenes)
            self.canvas = Canvas(ctx, video.width, video.height, samples, depth)
        except BaseException:
            self.release()
            raise
        corners = [((k % cols) * pw, (k // cols) * ph) for k in range(len(panels))]
        self.viewports = [self.canvas.panel_viewport(x, y, pw, ph) for x, y in corners]
        strip = max(4, ph // 14)
        self.strips = [(x, y, pw, strip) for x, y, _, _ in self.viewports] if show_params else []
        for p, (x, y) in zip(panels, corners):
            if p.label:
                rgba, dx, dy = label_image(p.label, pw, ph)
                self.canvas.add_overlay(rgba, x + dx, y + dy)
        for rgba, x, y in overlays:  # title, artist, logo: over the whole frame
            self.canvas.add_overlay(rgba, x, y)

    def _at(self, panel: Panel, i: int) -> int:
        return min(i, len(panel.curves.values) - 1)  # a shorter track holds its last frame

    def update(self, i: int) -> None:
        for scene, panel in zip(self.scenes, self.panels):
            j = self._at(panel, i)
            scene.update(panel.curves.values[j], self.dt if i else 0.0, **panel.curves.extras_at(j))

    def draw(self, i: int) -> None:
        """Frame i: every panel updated and drawn, labels and strips on top."""
        self.update(i)
        self.canvas.begin()
        for scene, viewport in zip(self.scenes, self.viewports):
            scene.draw(self.canvas.fbo, viewport)
        self.canvas.draw_overlays()
        for panel, strip in zip(self.panels, self.strips):
            self.canvas.draw_strip(strip, panel.curves.values[self._at(panel, i)])

    def frame(self, i: int) -> bytes:
        """Frame i as RGB24 rows top to bottom (stills, tests)."""
        self.draw(i)
        return self.canvas.read()

    def release(self) -> None:
        for scene in self.scenes:
            scene.release()
        if hasattr(self, "canvas"):
            self.canvas.release()


def render_panels(
    panels: Sequence[Panel],
    audio_path: str | os.PathLike,
    out: str | os.PathLike,
    video: VideoOptions,
    quiet: bool = False,
    ctx: moderngl.Context | None = None,
    lead: int = 0,
    overwrite: bool = True,
    metadata: dict[str, str] | None = None,
    audio_stream: int = 0,
    **layout,
) -> Path:
    """Render the panels into `out`, muxed with the audio, on the timeline of panel `lead` (whose
    track the audio is). `layout`: `grid=(cols, rows)`, `show_params=True`."""
    first = panels[lead].curves
    frames = frame_range(first, video.start, video.duration)
    drawn = video.drawn()
    if drawn.size != video.size:  # a draft: titles and logo drawn at the frames' size too
        layout["overlays"] = [
            shrunk(o, video.width / drawn.width) for o in layout.get("overlays", ())
        ]
    with _layout(ctx, panels, drawn, layout) as lay:
        for i in range(frames.start):  # replay state such as the orbit angle: updates, no drawing
            lay.update(i)
        return encode_frames(
            lay, frames, audio_path, out, video, quiet, overwrite, metadata, audio_stream
        )


def shrunk(overlay: tuple[np.ndarray, int, int], factor: float) -> tuple[np.ndarray, int, int]:
    """An overlay (rgba, x, y_top) for a frame `factor` times smaller."""

    rgba, x, y = overlay
    h, w = rgba.shape[:2]
    size = (max(1, round(w / factor)), max(1, round(h / factor)))
    small = np.asarray(Image.fromarray(rgba).resize(size, Image.Resampling.LANCZOS))
    return small, round(x / factor), round(y / factor)


def render_still(
    panels: Sequence[Panel],
    t: float,
    video: VideoOptions,
    ctx: moderngl.Context | None = None,
    lead: int = 0,
    **layout,
) -> np.ndarray:
    """The frame at second `t` as an (h, w, 3) uint8 image: the state up to t, nothing encoded."""
    first = panels[lead].curves
    i = min(int(round(t * first.fps)), len(first.values) - 1)
    if t < 0 or t > first.duration:
        raise DeepvizError(f"--still {t:g}s is outside the track ({first.duration:.2f}s)")
    with _layout(ctx, panels, video, layout) as lay:
        for k in range(i):
            lay.update(k)
        data = lay.frame(i)
    return np.frombuffer(data, np.uint8).reshape(video.height, video.width, 3)


@contextlib.contextmanager
def _layout(ctx, panels, video, layout):
    own_ctx = ctx is None
    ctx = ctx or create_context()
    lay = None
    try:
        lay = Layout(ctx, panels, video, **layout)
        yield lay
    finally:
        if lay is not None:
            lay.release()
        if own_ctx:
            ctx.release()
