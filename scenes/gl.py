"""A headless OpenGL context through EGL (no display needed)."""

from __future__ import annotations

import moderngl

from deepviz.errors import DeepvizError


def _load_triton_first() -> None:
    """Load triton's LLVM before Mesa's: the other way round the process crashes (segfault).

    Mesa's llvmpipe and triton (which torch imports through torch._dynamo, e.g. via
    torchvision.ops) each carry an LLVM; triton loaded after Mesa's has crashed every time here.
    """
    try:
        import triton  # noqa: F401
    except Exception:  # not installed (CPU-only torch) or broken: nothing to protect
        pass


def create_context() -> moderngl.Context:
    """A standalone OpenGL 3.3+ context on EGL, or a one-line error saying why there is none."""
    _load_triton_first()
    try:
        return moderngl.create_standalone_context(backend="egl", require=330)
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DeepvizError(
            f"no headless OpenGL available through EGL ({reason}); install Mesa's EGL "
            "(e.g. Debian: libegl1 libegl-mesa0 libgl1-mesa-dri) or a GPU driver with EGL"
        ) from None
