"""The scene contract: 10 named parameters in [0, 1] in, pixels drawn into a viewport out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import moderngl
import numpy as np

from deepviz.scenes.canvas import Canvas
from deepviz.scenes.gl import Viewport
from deepviz.scenes.palettes import PALETTES, Palette
from deepviz.scenes.shaders import Shader, ShaderProgram


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


@dataclass(frozen=True)
class SceneStyle:
    """How a scene is dressed, apart from what the music drives: its palette and, for scenes
    that have a backdrop, an image behind it."""

    palette: Palette = PALETTES["spectrum"]
    background: np.ndarray | None = None  # (height, width, 3) uint8, rows top to bottom


class Scene:
    """Base class. Subclasses set `name`, `description`, `params` (the paper's order),
    `priority` (parameter names from most to least dynamic), `identity` (the parameters that
    best show which kind of music it is, first) and `shaders` (name → Shader), and
    implement `draw_into`; `update` advances state.

    Usage per frame: `scene.update(values, dt)` (advances state such as the camera's orbit angle;
    cheap, so a render that starts mid-track can replay the frames before its start), then
    `scene.draw(target, viewport)` draws into a region of a shared framebuffer (see `Canvas`).
    `scene.frame()` is the one-panel shortcut: RGB24 bytes, rows top to bottom.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    params: ClassVar[tuple[Param, ...]]
    priority: ClassVar[tuple[str, ...]]
    # The parameters that show where a track sits (a reference fit's placement), most telling
    # first; None: the paper's order.
    identity: ClassVar[tuple[str, ...] | None] = None
    shaders: ClassVar[dict[str, Shader]] = {}
    antialiased: ClassVar[bool] = False  # True: the shaders smooth their own edges (no MSAA)
    depth: ClassVar[bool] = False  # True: the scene tests depth (the canvas then has a buffer)

    def __init__(
        self,
        ctx: moderngl.Context,
        width: int,
        height: int,
        samples: int = 4,
        seed: int = 0,
        style: SceneStyle | None = None,
    ):
        self.ctx, self.width, self.height, self.seed = ctx, width, height, seed
        self.style = style or SceneStyle()
        self.samples = 0 if self.antialiased else samples
        self.values = np.full(len(self.params), 0.5, dtype=np.float32)
        self.pulse, self.level = 0.0, 1.0  # neutral: no hit, full level (the paper's picture)
        self.time = 0.0
        self.programs = {
            key: ShaderProgram.build(ctx, f"{self.name}.{key}", spec)
            for key, spec in self.shaders.items()
        }
        self._canvas = None
        self.setup()

    def setup(self) -> None:
        """A scene's own GL objects and state, once the base has built its programs."""

    @classmethod
    def param_names(cls) -> list[str]:
        return [p.name for p in cls.params]

    @classmethod
    def index(cls, name: str) -> int:
        """Position of parameter `name` (KeyError naming the scene for a misspelt one)."""
        for i, p in enumerate(cls.params):
            if p.name == name:
                return i
        raise KeyError(f"scene {cls.name!r} has no parameter {name!r}")

    def raw(self, *names: str) -> tuple[float, ...] | float:
        """Current values in [0, 1] of the named parameters (one name: a float)."""
        out = tuple(float(self.values[self.index(n)]) for n in names)
        return out[0] if len(out) == 1 else out

    def param(self, name: str) -> float:
        """Parameter `name` in its real units."""
        return self.params[self.index(name)].value(self.raw(name))

    def uniforms(self, program: str, **values) -> None:
        """Set uniforms of one of the scene's programs; an undeclared name raises KeyError."""
        self.programs[program].set(**values)

    def update(self, values: np.ndarray, dt: float, pulse: float = 0.0, level: float = 1.0) -> None:
        """Take this frame's parameter values and extra inputs, and advance time by dt seconds.

        `pulse` (≥ 0) is a hit: 0 between beats, up to about 1 in the frame of a strong onset;
        `level` in [0, 1] is the loudness (1: loud, or no loudness effect)."""
        self.values = np.clip(np.asarray(values, dtype=np.float32), 0.0, 1.0)
        self.pulse, self.level = max(0.0, float(pulse)), float(np.clip(level, 0.0, 1.0))
        self.time += dt

    def draw(self, target: moderngl.Framebuffer, viewport: Viewport) -> None:
        """Draw the current state into `viewport` of `target` (which the scene must not clear
        outside the viewport)."""
        raise NotImplementedError

    def frame(self) -> bytes:
        """The current state drawn alone: RGB24, rows top to bottom, width × height × 3."""

        if self._canvas is None:
            self._canvas = Canvas(self.ctx, self.width, self.height, self.samples, self.depth)
        self._canvas.begin()
        self.draw(self._canvas.fbo, (0, 0, self.width, self.height))
        return self._canvas.read()

    def release(self) -> None:
        for prog in self.programs.values():
            prog.release()
        if self._canvas is not None:
            self._canvas.release()
