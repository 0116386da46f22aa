"""The scene registry: each scene class registers itself; its modules are imported on first use."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deepviz.scenes.base import Scene

SCENE_MODULES = ("deepviz.scenes.bar", "deepviz.scenes.real")  # the order `deepviz scenes` lists
_SCENES: dict[str, type[Scene]] = {}


def register(cls: type[Scene]) -> type[Scene]:
    """Class decorator: make the scene available under `cls.name`."""
    if _SCENES.get(cls.name, cls) is not cls:
        raise ValueError(f"two scenes are named {cls.name!r}")
    _SCENES[cls.name] = cls
    return cls


def all_scenes() -> dict[str, type[Scene]]:
    """Every registered scene, name → class."""
    for module in SCENE_MODULES:
        importlib.import_module(module)
    return dict(_SCENES)


def scene_names() -> tuple[str, ...]:
    return tuple(all_scenes())


def get_scene(name: str) -> type[Scene]:
    scenes = all_scenes()
    if name not in scenes:
        raise KeyError(f"unknown scene {name!r}; one of {', '.join(scenes)}")
    return scenes[name]
