"""VIZ-BAR: 10 bars side by side, bar i's length = parameter i."""

from __future__ import annotations

import moderngl
import numpy as np

from deepviz.scenes.base import Param, Scene, Shader, Viewport
from deepviz.scenes.registry import register

PEAK_HOLD = 0.35  # seconds a peak marker stays at its maximum
PEAK_FALL = 0.6  # then falls at this many full lengths per second
QUIET_GAIN = 0.12  # bar length at the quietest level, as a share of the parameter's
HIT_LIFT = 0.08  # a full hit lengthens the bars by this share


@register
class BarScene(Scene):
    """Ten rounded, palette-coloured bars with glow, a floor reflection and falling peak markers.
    Bar i's length is parameter i times the loudness level; hits flash the bars and their glow.

    Priority is the natural order (bar0 first): the bars are interchangeable, so the most dynamic
    feature component simply drives the leftmost bar.
    """

    name = "bar"
    description = "10 bars side by side; bar i's length is parameter i"
    params = tuple(
        Param(f"bar{i}", f"length of bar {i}", 0.0, 1.0, "of full length") for i in range(10)
    )
    priority = tuple(f"bar{i}" for i in range(10))
    shaders = {
        "bars": Shader(
            "fullscreen.vert.glsl",
            "bar.frag.glsl",
            ("u_resolution", "u_origin", "u_values", "u_peaks", "u_pulse"),
        )
    }
    antialiased = True  # the shader antialiases its own edges: multisampling would only cost time

    def __init__(
        self, ctx: moderngl.Context, width: int, height: int, samples: int = 4, seed: int = 0
    ):
        super().__init__(ctx, width, height, samples, seed)
        self.vao = ctx.vertex_array(self.programs["bars"].prog, [])
        self.peaks = np.zeros(len(self.params), dtype=np.float32)
        self.hold = np.zeros(len(self.params), dtype=np.float32)

    def update(self, values: np.ndarray, dt: float, pulse: float = 0.0, level: float = 1.0) -> None:
        """Take the values, and let the peak markers hold, then fall towards the bars."""
        super().update(values, dt, pulse, level)
        # Loudness scales every bar (a quiet passage looks quiet), a hit lifts them a little.
        gain = (QUIET_GAIN + (1.0 - QUIET_GAIN) * self.level) * (1.0 + HIT_LIFT * self.pulse)
        self.values = np.clip(self.values * gain, 0.0, 1.0).astype(np.float32)
        self.hold = np.maximum(self.hold - dt, 0.0)
        falling = np.where(self.hold > 0.0, self.peaks, self.peaks - PEAK_FALL * dt)
        new_peak = self.values >= falling
        self.hold = np.where(new_peak, PEAK_HOLD, self.hold).astype(np.float32)
        self.peaks = np.maximum(falling, self.values).astype(np.float32)

    def draw(self, target: moderngl.Framebuffer, viewport: Viewport) -> None:
        self.ctx.disable(moderngl.DEPTH_TEST | moderngl.CULL_FACE)
        target.use()
        target.viewport = viewport
        self.uniforms(
            "bars",
            u_resolution=(float(self.width), float(self.height)),
            u_origin=(float(viewport[0]), float(viewport[1])),
            u_values=self.values.astype(np.float32).tobytes(),
            u_peaks=self.peaks.astype(np.float32).tobytes(),
            u_pulse=self.pulse,
        )
        self.vao.render(moderngl.TRIANGLES, vertices=3)

    def release(self) -> None:
        self.vao.release()
        super().release()
