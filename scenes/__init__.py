"""Stage 4: scenes drawn headlessly with moderngl on an EGL context, 10 parameters each."""

from deepviz.scenes.base import Param, Scene
from deepviz.scenes.gl import create_context

__all__ = ["Param", "Scene", "create_context", "get_scene", "SCENES"]


def _registry() -> dict[str, type[Scene]]:
    from deepviz.scenes.bar import BarScene
    from deepviz.scenes.real import RealScene

    return {cls.name: cls for cls in (BarScene, RealScene)}


def get_scene(name: str) -> type[Scene]:
    scenes = _registry()
    if name not in scenes:
        raise KeyError(f"unknown scene {name!r}; one of {', '.join(scenes)}")
    return scenes[name]


def __getattr__(name):  # SCENES is built lazily so that importing the package stays cheap
    if name == "SCENES":
        return _registry()
    raise AttributeError(name)
