"""A headless OpenGL context through EGL (no display needed)."""

from __future__ import annotations

import os

import moderngl

from deepviz.core.errors import DeepvizError, first_line

Viewport = tuple[int, int, int, int]  # x, y (lower-left, GL convention), width, height


def _load_triton_first() -> None:
    """Load triton's LLVM before Mesa's: the other way round the process crashes (segfault).

    Mesa's llvmpipe and triton (which torch imports through torch._dynamo, e.g. via
    torchvision.ops) each carry an LLVM; triton loaded after Mesa's has crashed every time here.
    """
    try:
        import triton  # noqa: F401  # lazy: only to load its LLVM before Mesa's
    except Exception:  # not installed (CPU-only torch) or broken: nothing to protect
        pass


SOFTWARE = ("llvmpipe", "softpipe", "swrast", "lavapipe")  # Mesa's CPU rasterizers
MAX_DEVICES = 16  # EGL devices tried for a GPU when the first one is a CPU rasterizer


def is_software(gl_renderer: str) -> bool:
    """Whether GL_RENDERER names one of Mesa's CPU rasterizers rather than a GPU."""
    return any(s in gl_renderer.lower() for s in SOFTWARE)


def _open(index: int | None = None) -> moderngl.Context:
    kwargs = {} if index is None else {"device_index": index}
    return moderngl.create_standalone_context(backend="egl", require=330, **kwargs)


def create_context() -> moderngl.Context:
    """A standalone OpenGL 3.3+ context on EGL, on a GPU when EGL lists one (else Mesa's
    llvmpipe), or a one-line error saying why there is none. GLCONTEXT_DEVICE_INDEX=N picks
    EGL's device N instead."""
    _load_triton_first()
    try:
        ctx = _open()
    except Exception as exc:
        raise DeepvizError(
            f"no headless OpenGL available through EGL ({first_line(exc)}); install Mesa's EGL "
            "(e.g. Debian: libegl1 libegl-mesa0 libgl1-mesa-dri) or a GPU driver with EGL"
        ) from None
    if "GLCONTEXT_DEVICE_INDEX" in os.environ or not is_software(ctx.info["GL_RENDERER"]):
        return ctx
    # EGL lists the GPUs and Mesa's software device in no set order: look past the first.
    for index in range(1, MAX_DEVICES):
        try:
            other = _open(index)
        except Exception:  # no device `index`: the list has ended
            break
        if not is_software(other.info["GL_RENDERER"]):
            ctx.release()
            return other
        other.release()
    return ctx
