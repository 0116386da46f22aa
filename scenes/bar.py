"""VIZ-BAR: 10 bars side by side, bar i's length = parameter i."""

from __future__ import annotations

import moderngl
import numpy as np

from deepviz.scenes.base import Param, Scene
from deepviz.scenes.gl import Viewport
from deepviz.scenes.palettes import Palette
from deepviz.scenes.registry import register
from deepviz.scenes.shaders import Shader

PEAK_HOLD = 0.35  # seconds a peak marker stays at its maximum
PEAK_FALL = 0.6  # then falls at this many full lengths per second
QUIET_GAIN = 0.12  # bar length at the quietest level, as a share of the parameter's
HIT_LIFT = 0.08  # a full hit lengthens the bars by this share
BASE, MAXLEN, REACH = 0.22, 0.66, 0.12  # as in bargeom.glsl (screen heights)


def palette(t: np.ndarray) -> np.ndarray:
    """The spectrum palette: a hue sweep across the bars, no dim blue (float32, (n, 3))."""
    hue = 0.86 - 0.86 * np.asarray(t, np.float32)[:, None]
    rgb = np.clip(np.abs(np.mod(hue * 6.0 + np.array([0.0, 4.0, 2.0]), 6.0) - 3.0) - 1.0, 0, 1)
    rgb = 0.28 + 0.72 * rgb  # mix(1, rgb, 0.72)
    dim = np.clip(0.5 - rgb @ np.array([0.3, 0.59, 0.11]), 0.0, 1.0)[:, None]
    return (rgb + (1.0 - rgb) * dim).astype(np.float32)


PALETTE = palette(np.arange(10) / 9.0)
BACKDROP = ((0.010, 0.012, 0.030), (0.055, 0.050, 0.110), (0.05, 0.045, 0.09))  # low, high, pool
IMAGE_DIM = 0.5  # a background image is darkened to this share, so the bars stay readable


def bar_colours(palette: Palette) -> np.ndarray:
    """The ten bars' colours: the palette's gradient across them (spectrum: the hue sweep)."""
    return palette.gradient(np.arange(10) / 9.0) if palette.stops else PALETTE


def backdrop_colours(palette: Palette) -> tuple[tuple[float, ...], ...]:
    """(bottom, top, light pool) of the backdrop's gradient: the palette's background colour."""
    if palette.background is None:
        return BACKDROP
    top = np.asarray(palette.background)
    return tuple(tuple(float(c) for c in v) for v in (top * 0.2, top, top * 0.9))


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
            (
                "u_resolution",
                "u_origin",
                "u_values",
                "u_peaks",
                "u_pulse",
                "u_background",
                "u_colors",
            ),
            ("bargeom.glsl",),
        ),
        "background": Shader(
            "fullscreen.vert.glsl",
            "barbg.frag.glsl",
            ("u_resolution", "u_colors", "u_low", "u_high", "u_pool", "u_image", "u_has_image"),
            ("bargeom.glsl",),
            {"IMAGE_DIM": f"{IMAGE_DIM:.3f}"},
        ),
        "backdrop": Shader(
            "fullscreen.vert.glsl", "barback.frag.glsl", ("u_origin", "u_background")
        ),
    }
    antialiased = True  # the shader antialiases its own edges: multisampling would only cost time

    def setup(self) -> None:
        """The bars' vertex arrays, colours, static backdrop and peak markers."""
        ctx = self.ctx
        self.vao = ctx.vertex_array(self.programs["bars"].prog, [])
        self.backdrop_vao = ctx.vertex_array(self.programs["backdrop"].prog, [])
        self.colors = bar_colours(self.style.palette)
        self.background = self._static_background()
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

    def _static_background(self) -> moderngl.Texture:
        """What never moves, drawn once into a float texture the size of the panel."""
        tex = self.ctx.texture((self.width, self.height), 4, dtype="f2")
        fbo = self.ctx.framebuffer(color_attachments=[tex])
        vao = self.ctx.vertex_array(self.programs["background"].prog, [])
        image = self._image_texture()
        image.use(4)
        fbo.use()
        low, high, pool = backdrop_colours(self.style.palette)
        self.uniforms(
            "background",
            u_resolution=(float(self.width), float(self.height)),
            u_colors=self.colors.tobytes(),
            u_low=low,
            u_high=high,
            u_pool=pool,
            u_image=4,
            u_has_image=float(self.style.background is not None),
        )
        vao.render(moderngl.TRIANGLES, vertices=3)
        for obj in (vao, fbo, image):
            obj.release()
        return tex

    def _image_texture(self) -> moderngl.Texture:
        """The style's background image (the panel's size) as a texture; 1×1 black without."""
        image = self.style.background
        if image is None:
            return self.ctx.texture((1, 1), 3, bytes(3))
        if image.shape != (self.height, self.width, 3) or image.dtype != np.uint8:
            raise ValueError(
                f"a background for a {self.width}x{self.height} panel is "
                f"{self.height}x{self.width}x3 uint8, got {image.shape}"
            )
        return self.ctx.texture((self.width, self.height), 3, np.ascontiguousarray(image[::-1]))

    def reach(self) -> tuple[int, int, int, int]:
        """The part of the panel (x, y, w, h in pixels) that bars, glow, peaks and reflections
        can touch this frame; the rest is the static backdrop."""
        w, h = self.width, self.height
        width = min(w / h * 0.86, 1.6)  # bargeom.glsl's slots(), in screen heights
        x0 = 0.5 * (w / h - width)
        tallest = max(
            float(self.values.max()) * MAXLEN + REACH, float(self.peaks.max()) * MAXLEN + 0.03
        )
        left = max(0, int((x0 - REACH) * h) - 2)
        right = min(w, int(np.ceil((x0 + width + REACH) * h)) + 2)
        top = min(h, int(np.ceil((BASE + tallest) * h)) + 2)
        return left, 0, right - left, top

    def outside_reach(self) -> list[tuple[int, int, int, int]]:
        """The panel less the bars' reach, as up to three rectangles (x, y, w, h): above it, and
        left and right of it."""
        x, _, w, top = self.reach()
        rects = [
            (0, top, self.width, self.height - top),
            (0, 0, x, top),
            (x + w, 0, self.width - x - w, top),
        ]
        return [r for r in rects if r[2] > 0 and r[3] > 0]

    def draw(self, target: moderngl.Framebuffer, viewport: Viewport) -> None:
        ctx = self.ctx
        ctx.disable(moderngl.DEPTH_TEST | moderngl.CULL_FACE)
        target.use()
        target.viewport = viewport
        self.background.use(3)
        origin = (float(viewport[0]), float(viewport[1]))
        self.uniforms("backdrop", u_origin=origin, u_background=3)
        # The backdrop only where the bars' pass does not draw (it paints its reach whole, the
        # backdrop included): at 720p the frame's drawing 15.4 -> 12 CPU-ms.
        for x, y, w, h in self.outside_reach():
            ctx.scissor = (viewport[0] + x, viewport[1] + y, w, h)
            self.backdrop_vao.render(moderngl.TRIANGLES, vertices=3)
        self.uniforms(
            "bars",
            u_resolution=(float(self.width), float(self.height)),
            u_origin=origin,
            u_values=self.values.astype(np.float32).tobytes(),
            u_peaks=self.peaks.astype(np.float32).tobytes(),
            u_pulse=self.pulse,
            u_background=3,
            u_colors=self.colors.tobytes(),
        )
        x, y, w, h = self.reach()
        ctx.scissor = (viewport[0] + x, viewport[1] + y, w, h)
        self.vao.render(moderngl.TRIANGLES, vertices=3)
        ctx.scissor = None

    def release(self) -> None:
        self.vao.release()
        self.backdrop_vao.release()
        self.background.release()
        super().release()
