"""The frame that panels draw into: one framebuffer, a viewport per panel, overlays, one readback."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import moderngl
import numpy as np

from deepviz.scenes.gl import Viewport
from deepviz.scenes.shaders import Shader, ShaderProgram

OVERLAY = Shader("fullscreen.vert.glsl", "overlay.frag.glsl", ("u_image", "u_rect"))
STRIP = Shader("fullscreen.vert.glsl", "strip.frag.glsl", ("u_values", "u_rect"))


class Canvas:
    """A width × height RGBA framebuffer (with depth if asked), multisampled when `samples` > 1.

    Per frame: `begin()`, each scene draws into `fbo` within its viewport, `draw_overlays()` blends
    the images added with `add_overlay` (labels, drawn once), then `read()` resolves once and
    returns RGB24 rows top to bottom.
    """

    def __init__(
        self, ctx: moderngl.Context, width: int, height: int, samples: int = 0, depth: bool = False
    ):
        self.ctx, self.width, self.height = ctx, width, height
        self.samples = min(samples, ctx.max_samples) if samples > 1 else 0
        size = (width, height)
        # A depth buffer only for scenes that test depth: on llvmpipe an attached one slows every
        # pass even with the depth test off (a 15 s VIZ-REAL render at 720p: 14.3 → 13.5 s).
        self.fbo = ctx.framebuffer(
            color_attachments=[ctx.renderbuffer(size, 4, samples=self.samples)],
            depth_attachment=ctx.depth_renderbuffer(size, samples=self.samples) if depth else None,
        )
        self.resolved = (
            ctx.framebuffer(color_attachments=[ctx.renderbuffer(size, 4)]) if self.samples else None
        )
        self.overlays: list[tuple[moderngl.Texture, Viewport]] = []
        self._overlay_prog: ShaderProgram | None = None
        self._overlay_vao = None
        self._strip_prog: ShaderProgram | None = None
        self._strip_vao = None

    def panel_viewport(self, x: int, y_top: int, w: int, h: int) -> Viewport:
        """A region given with its top-left corner in image coordinates → a GL viewport."""
        return (x, self.height - y_top - h, w, h)

    def begin(self) -> None:
        self.fbo.use()
        self.fbo.viewport = (0, 0, self.width, self.height)
        self.fbo.clear(0.0, 0.0, 0.0, 1.0, depth=1.0)  # (depth: only if there is a buffer)

    def add_overlay(self, rgba: np.ndarray, x: int, y_top: int) -> None:
        """Blend `rgba` ((h, w, 4) uint8, straight alpha, rows top down) at (x, y_top) each frame."""
        h, w = rgba.shape[:2]
        img = rgba.astype(np.float32) / 255.0
        img[..., :3] *= img[..., 3:]  # premultiplied: blending then needs no division
        tex = self.ctx.texture((w, h), 4, np.ascontiguousarray(img[::-1]).tobytes(), dtype="f4")
        tex.filter = (moderngl.NEAREST, moderngl.NEAREST)
        self.overlays.append((tex, self.panel_viewport(x, y_top, w, h)))
        if self._overlay_prog is None:
            self._overlay_prog = ShaderProgram.build(self.ctx, "overlay", OVERLAY)
            self._overlay_vao = self.ctx.vertex_array(self._overlay_prog.prog, [])

    @contextlib.contextmanager
    def _blended(self) -> Iterator[None]:
        """Premultiplied-alpha blending over the frame, with the full viewport restored after."""
        self.fbo.use()
        self.ctx.disable(moderngl.DEPTH_TEST | moderngl.CULL_FACE)
        self.ctx.enable(moderngl.BLEND)
        self.ctx.blend_func = moderngl.ONE, moderngl.ONE_MINUS_SRC_ALPHA
        try:
            yield
        finally:
            self.ctx.disable(moderngl.BLEND)
            self.fbo.viewport = (0, 0, self.width, self.height)

    def draw_overlays(self) -> None:
        if not self.overlays:
            return
        with self._blended():
            for tex, viewport in self.overlays:
                self.fbo.viewport = viewport  # only the overlay's own pixels are shaded
                tex.use(0)
                self._overlay_prog.set(u_image=0, u_rect=tuple(float(v) for v in viewport))
                self._overlay_vao.render(moderngl.TRIANGLES, vertices=3)

    def draw_strip(self, viewport: Viewport, values: np.ndarray) -> None:
        """Ten thin bars with `values` (in [0, 1]) in `viewport`, blended over the frame."""
        if self._strip_prog is None:
            self._strip_prog = ShaderProgram.build(self.ctx, "strip", STRIP)
            self._strip_vao = self.ctx.vertex_array(self._strip_prog.prog, [])
        bars = np.zeros(10, np.float32)
        bars[: min(10, len(values))] = np.clip(values[:10], 0.0, 1.0)
        with self._blended():
            self.fbo.viewport = viewport
            rect = tuple(float(v) for v in viewport)
            self._strip_prog.set(u_values=bars.tobytes(), u_rect=rect)
            self._strip_vao.render(moderngl.TRIANGLES, vertices=3)

    def _source(self) -> moderngl.Framebuffer:
        if self.resolved is None:
            return self.fbo
        self.ctx.copy_framebuffer(self.resolved, self.fbo)
        return self.resolved

    def read(self) -> bytes:
        """Resolve (if multisampled) and read the whole frame: RGB24, rows top to bottom."""
        data = self._source().read(components=3, alignment=1)
        rows = np.frombuffer(data, dtype=np.uint8).reshape(self.height, self.width, 3)
        return rows[::-1].tobytes()  # one copy, flipped on the way

    def read_into(self, buffer: bytearray) -> None:
        """The frame as GL holds it: RGBA, rows bottom to top, into `buffer` (no copy, no flip:
        the encoder flips it for free, with negative strides)."""
        self._source().read_into(buffer, components=4, alignment=1)

    def release(self) -> None:
        for tex, _ in self.overlays:
            tex.release()
        for prog, vao in (
            (self._overlay_prog, self._overlay_vao),
            (self._strip_prog, self._strip_vao),
        ):
            if prog is not None:
                vao.release()
                prog.release()
        for obj in (self.fbo, self.resolved):
            if obj is not None:
                obj.release()
