"""Finished frames out of GL for the encoder: RGBA as GL holds it, or NV12 converted in a shader
and read through two pixel buffer objects (on a GPU: 3/8 of the bytes, no conversion in ffmpeg,
and the read of one frame overlaps the drawing of the next). On llvmpipe the shader pass costs
more than the conversion it saves, so CPU renderers keep RGBA."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

import moderngl

from deepviz.core.errors import DeepvizError, first_line
from deepviz.scenes.canvas import Canvas
from deepviz.scenes.gl import is_software
from deepviz.scenes.shaders import Shader, ShaderProgram

NV12 = Shader("fullscreen.vert.glsl", "nv12.frag.glsl", ("u_frame", "u_size"))


def choose_readback(name: str, gl_renderer: str, size: tuple[int, int], video: bool) -> str:
    """rgba or nv12. auto: nv12 for a video (not a GIF or PNGs) of even size drawn on a GPU."""
    odd = size[0] % 2 or size[1] % 2  # NV12's chroma covers 2×2 pixels
    if name == "rgba" or (name == "auto" and (is_software(gl_renderer) or not video or odd)):
        return "rgba"
    if not video:
        raise DeepvizError("--readback nv12 is for videos: GIFs and PNGs are made from RGB")
    if odd:
        raise DeepvizError(f"--readback nv12 needs an even frame size, got {size[0]}x{size[1]}")
    return "nv12"


def open_reader(canvas: Canvas, mode: str, fallback: bool) -> FrameReader:
    """A reader in `mode`; with `fallback`, RGBA when the NV12 path cannot be set up here (a
    driver that lacks something it needs), else a one-line error."""
    try:
        return FrameReader(canvas, mode)
    except moderngl.Error as exc:
        if mode == "rgba" or not fallback:
            reason = first_line(exc, "a GL error")
            raise DeepvizError(f"--readback {mode} cannot be set up here ({reason})") from None
        return FrameReader(canvas, "rgba")


class FrameReader:
    """Streams a canvas's frames in `pix_fmt`, `flip`ped (rows bottom up) or not, as ffmpeg reads
    them: `stream(draw, frames, ring)` yields one filled buffer of `ring` per frame."""

    def __init__(self, canvas: Canvas, mode: str):
        self.canvas, self.mode = canvas, mode
        w, h = canvas.width, canvas.height
        self.pix_fmt, self.flip = ("nv12", False) if mode == "nv12" else ("rgba", True)
        self.frame_bytes = w * h * 3 // 2 if mode == "nv12" else w * h * 4
        self._gl: list = []
        if mode == "nv12":
            try:
                self._gpu_path(canvas.ctx, w, h)
            except BaseException:
                self.release()
                raise

    def _gpu_path(self, ctx: moderngl.Context, w: int, h: int) -> None:
        """The NV12 pass's textures, framebuffers, program and the two PBOs."""
        self.image = self._own(ctx.texture((w, h), 4))
        self.image_fbo = self._own(ctx.framebuffer(color_attachments=[self.image]))
        self.planes = self._own(
            ctx.framebuffer(color_attachments=[self._own(ctx.texture((w, h * 3 // 2), 1))])
        )
        self.pbos = [self._own(ctx.buffer(reserve=self.frame_bytes)) for _ in range(2)]
        self.prog = self._own(ShaderProgram.build(ctx, "nv12", NV12))
        self.vao = self._own(ctx.vertex_array(self.prog.prog, []))

    def _own(self, obj):
        self._gl.append(obj)
        return obj

    def stream(
        self, draw: Callable[[int], None], frames: Iterable[int], ring: Sequence[bytearray]
    ) -> Iterator[bytearray]:
        """Draw each frame and yield its bytes (nv12: one frame late, from the other PBO)."""
        k = -1
        for k, i in enumerate(frames):
            draw(i)
            if self.mode == "rgba":
                self.canvas.read_into(ring[k % len(ring)])
                yield ring[k % len(ring)]
                continue
            self._convert_into(self.pbos[k % 2])
            if k:
                yield self._take(k - 1, ring)
        if self.mode == "nv12" and k >= 0:
            yield self._take(k, ring)

    def _convert_into(self, pbo: moderngl.Buffer) -> None:
        """The canvas's frame (resolved) → NV12 planes → an asynchronous read into `pbo`."""
        ctx, (w, h) = self.canvas.ctx, (self.canvas.width, self.canvas.height)
        ctx.copy_framebuffer(self.image_fbo, self.canvas.fbo)
        self.planes.use()
        self.planes.viewport = (0, 0, w, h * 3 // 2)
        ctx.disable(moderngl.BLEND | moderngl.DEPTH_TEST | moderngl.CULL_FACE)
        self.image.use(0)
        self.prog.set(u_frame=0, u_size=(w, h))
        self.vao.render(moderngl.TRIANGLES, vertices=3)
        self.planes.read_into(pbo, components=1, alignment=1)

    def _take(self, k: int, ring: Sequence[bytearray]) -> bytearray:
        buffer = ring[k % len(ring)]
        self.pbos[k % 2].read_into(buffer)
        return buffer

    def release(self) -> None:
        for obj in reversed(self._gl):
            obj.release()
        self._gl.clear()
