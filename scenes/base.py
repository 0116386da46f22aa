"""The scene contract: 10 named parameters in [0, 1] in, RGB frames out."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import ClassVar

import moderngl
import numpy as np


@dataclass(frozen=True)
class Param:
    """One visual parameter: a value in [0, 1] maps linearly onto [low, high] in `unit`."""

    name: str
    description: str
    low: float = 0.0
    high: float = 1.0
    unit: str = ""

    def value(self, x: float) -> float:
        return self.low + float(x) * (self.high - self.low)


class Scene:
    """Base class. Subclasses set `name`, `description`, `params` (the paper's order) and
    `priority` (parameter names from most to least dynamic), and implement `update` and `draw`.

    Usage per frame: `scene.update(values, dt)` (advances state such as the camera's orbit angle;
    cheap, so a render that starts mid-track can replay the frames before its start), then
    `scene.frame()` → `bytes`, RGB24, rows top to bottom, width × height × 3.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    params: ClassVar[tuple[Param, ...]]
    priority: ClassVar[tuple[str, ...]]

    def __init__(
        self, ctx: moderngl.Context, width: int, height: int, samples: int = 4, seed: int = 0
    ):
        self.ctx, self.width, self.height, self.seed = ctx, width, height, seed
        samples = min(samples, ctx.max_samples)
        self.fbo_msaa = ctx.framebuffer(
            color_attachments=[ctx.renderbuffer((width, height), 4, samples=samples)],
            depth_attachment=ctx.depth_renderbuffer((width, height), samples=samples),
        )
        self.fbo = ctx.framebuffer(color_attachments=[ctx.renderbuffer((width, height), 4)])
        self.values = np.full(len(self.params), 0.5, dtype=np.float32)
        self.time = 0.0

    @classmethod
    def param_names(cls) -> list[str]:
        return [p.name for p in cls.params]

    def shader_source(self, filename: str) -> str:
        """Read a `.glsl` file that sits beside the scene's module (shipped as package data)."""
        return resources.files("deepviz.scenes").joinpath(filename).read_text()

    def update(self, values: np.ndarray, dt: float) -> None:
        """Take this frame's parameter values and advance time by dt seconds."""
        self.values = np.clip(np.asarray(values, dtype=np.float32), 0.0, 1.0)
        self.time += dt

    def draw(self) -> None:
        """Draw the current state into `self.fbo_msaa` (bound by `frame`)."""
        raise NotImplementedError

    def frame(self) -> bytes:
        """Draw, resolve the multisampling, and read back RGB24 top to bottom."""
        self.fbo_msaa.use()
        self.draw()
        self.ctx.copy_framebuffer(self.fbo, self.fbo_msaa)
        data = self.fbo.read(components=3, alignment=1)
        rows = np.frombuffer(data, dtype=np.uint8).reshape(self.height, self.width, 3)
        return rows[::-1].tobytes()  # one copy, flipped on the way

    def release(self) -> None:
        for obj in (self.fbo_msaa, self.fbo):
            obj.release()
