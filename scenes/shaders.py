"""GLSL loading (version, #defines and shared files prepended) and programs with declared uniforms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources

import moderngl

VERSION = "#version 330\n"


@dataclass(frozen=True)
class Shader:
    """A program of a scene: its two stages, files prepended to the fragment stage, its uniforms."""

    vertex: str
    fragment: str
    uniforms: tuple[str, ...]
    includes: tuple[str, ...] = ()
    defines: dict[str, str] = field(default_factory=dict)


def shader_file(filename: str) -> str:
    """A `.glsl` file shipped beside the scene modules (package data)."""
    return resources.files("deepviz.scenes").joinpath(filename).read_text()


def shader_source(
    filename: str, includes: tuple[str, ...] = (), defines: Mapping[str, str] | None = None
) -> str:
    """The file with `#version`, the `#define`s and the included files prepended.

    Constants shared between Python and GLSL come in as defines, so they have one home (Python).
    """
    lines = [VERSION, *(f"#define {k} {v}\n" for k, v in (defines or {}).items())]
    return "".join(lines + [shader_file(name) for name in (*includes, filename)])


class ShaderProgram:
    """A moderngl program plus the uniforms its scene declares for it.

    Declaring a uniform the program does not have (misspelt, or optimised away because it is
    unused) raises when the program is built; setting an undeclared one raises when it is set.
    """

    def __init__(self, prog: moderngl.Program, name: str, uniforms: tuple[str, ...]):
        missing = [u for u in uniforms if u not in prog]
        if missing:
            prog.release()
            raise KeyError(f"program {name!r} has no uniform {', '.join(missing)}")
        self.prog, self.name, self.declared = prog, name, frozenset(uniforms)

    @classmethod
    def build(cls, ctx: moderngl.Context, name: str, spec: Shader) -> ShaderProgram:
        vertex = shader_source(spec.vertex, defines=spec.defines)
        fragment = shader_source(spec.fragment, spec.includes, spec.defines)
        prog = ctx.program(vertex_shader=vertex, fragment_shader=fragment)
        return cls(prog, name, spec.uniforms)

    def set(self, **values) -> None:
        for key, value in values.items():
            if key not in self.declared:
                raise KeyError(f"program {self.name!r} declares no uniform {key!r}")
            if isinstance(value, bytes):
                self.prog[key].write(value)
            else:
                self.prog[key].value = value

    def release(self) -> None:
        self.prog.release()
