"""Stage 4: scenes drawn headlessly with moderngl on an EGL context, 10 parameters each.

Scenes register themselves (`@register`) when their module is imported; `SCENES` (name → class)
is the one list, and the command line takes its choices from it.
"""

from deepviz.scenes.base import Param, Scene
from deepviz.scenes.gl import create_context
from deepviz.scenes.registry import all_scenes, get_scene, register, scene_names

__all__ = ["Param", "Scene", "SCENES", "create_context", "get_scene", "register", "scene_names"]


def __getattr__(name: str):  # SCENES is filled on first use, so importing the package stays cheap
    if name == "SCENES":
        return all_scenes()
    raise AttributeError(name)
