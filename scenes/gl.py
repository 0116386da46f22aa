"""A headless OpenGL context through EGL (no display needed)."""

from __future__ import annotations

import moderngl

from deepviz.errors import DeepvizError


def create_context() -> moderngl.Context:
    """A standalone OpenGL 3.3+ context on EGL, or a one-line error saying why there is none."""
    try:
        return moderngl.create_standalone_context(backend="egl", require=330)
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DeepvizError(
            f"no headless OpenGL available through EGL ({reason}); install Mesa's EGL "
            "(e.g. Debian: libegl1 libegl-mesa0 libgl1-mesa-dri) or a GPU driver with EGL"
        ) from None
