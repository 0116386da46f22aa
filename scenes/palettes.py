"""Palettes: the colours a scene draws with, while the music still drives every parameter.

A palette is a gradient of colour stops (VIZ-BAR samples it across its bars) and a path of three
colours each for VIZ-REAL's spheres and sky: the three colour parameters pull the colour along it
(sphR towards the first, sphG the second, sphB the third; their largest sets the brightness), so
every colour the music picks is one of the palette's. `spectrum`, the default, is the paper's picture:
plain RGB parameters and the hue sweep across the bars.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from deepviz.core.errors import DeepvizError
from deepviz.core.files import read_small_file

MAX_PALETTE_BYTES = 64 * 1024
FIELDS = ("name", "colors", "spheres", "sky", "background")
Colour = tuple[float, float, float]


@dataclass(frozen=True)
class Palette:
    """Colour stops for the bars, sphere and sky primaries, a backdrop colour (None: the scene's)."""

    name: str
    stops: tuple[Colour, ...] = ()  # empty: the scene's own colours (spectrum)
    spheres: tuple[Colour, Colour, Colour] | None = None
    sky: tuple[Colour, Colour, Colour] | None = None
    background: Colour | None = None

    def gradient(self, t: np.ndarray) -> np.ndarray:
        """The stops interpolated at positions t in [0, 1]: (n, 3) float32."""
        stops = np.asarray(self.stops, np.float64)
        x = np.linspace(0.0, 1.0, len(stops))
        t = np.clip(np.asarray(t, np.float64), 0.0, 1.0)
        return np.stack([np.interp(t, x, stops[:, c]) for c in range(3)], 1).astype(np.float32)

    def mix(self, which: str, rgb: tuple[float, ...]) -> tuple[float, float, float]:
        """VIZ-REAL's colour for parameters (r, g, b) in [0, 1]: mixed from the palette's three
        `which` ("spheres" or "sky") colours; spectrum: the parameters themselves."""
        path = getattr(self, which)
        if path is None:
            return tuple(float(v) for v in rgb)
        v = np.clip(np.asarray(rgb, np.float64), 0.0, 1.0)
        # A place on the path through the three colours (never an average of far-apart hues,
        # which goes grey): the parameters pull towards their colours, the strongest most.
        w = v * v / (v @ v) if v @ v > 1e-12 else np.full(3, 1.0 / 3.0)
        t = float(w @ np.array([0.0, 0.5, 1.0]))
        colour = Palette("path", path).gradient(np.array([t]))[0] * (0.25 + 0.75 * v.max())
        return tuple(float(c) for c in np.clip(colour, 0.0, 1.0))


def hex_colour(text: str) -> Colour:
    """'#ff8800' or '#f80' → (1.0, 0.53, 0.0); ValueError otherwise."""
    digits = text[1:] if isinstance(text, str) and text.startswith("#") else ""
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    if len(digits) != 6 or any(d not in "0123456789abcdefABCDEF" for d in digits):
        raise ValueError(f"{text!r} is not a colour (#rrggbb, #rgb or [r, g, b] in 0–255)")
    return tuple(int(digits[k : k + 2], 16) / 255.0 for k in (0, 2, 4))


def hex_of(colour: Colour) -> str:
    """(1.0, 0.53, 0.0) → '#ff8700'."""
    return "#" + "".join(f"{round(c * 255):02x}" for c in colour)


def _colour(value: object) -> Colour:
    if isinstance(value, list) and len(value) == 3:
        ok = all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in value)
        if ok and all(math.isfinite(c) and 0 <= c <= 255 for c in value):
            return tuple(float(c) / 255.0 for c in value)
    if isinstance(value, str):
        return hex_colour(value)
    raise ValueError(f"{str(value)[:40]!r} is not a colour (#rrggbb, #rgb or [r, g, b] in 0–255)")


def _colours(value: object, key: str, low: int, high: int) -> tuple[Colour, ...]:
    if not isinstance(value, list) or not low <= len(value) <= high:
        count = f"exactly {low}" if low == high else f"{low} to {high}"
        raise ValueError(f"{key}: a list of {count} colours")
    return tuple(_colour(v) for v in value)


def from_json(data: object, name: str) -> Palette:
    """A palette from parsed JSON; ValueError saying which field is wrong."""
    if not isinstance(data, dict):
        raise ValueError("a palette is a JSON object with a 'colors' list")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r}; a palette has {', '.join(FIELDS)}")
    if "colors" not in data:
        raise ValueError("no 'colors' list (2 to 16 colours)")
    label = data.get("name", name)
    if not isinstance(label, str) or not 0 < len(label) <= 64:
        raise ValueError("name: a string of 1 to 64 characters")
    stops = _colours(data["colors"], "colors", 2, 16)
    built = Palette(
        label,
        stops,
        *(_colours(data[k], k, 3, 3) if k in data else None for k in ("spheres", "sky")),
    )
    background = _colour(data["background"]) if "background" in data else None
    return with_defaults(built, background)


def with_defaults(p: Palette, background: Colour | None = None) -> Palette:
    """Fill what a palette leaves out from its stops: spheres from the gradient's ends and
    middle, the sky the other way round and darker, the backdrop from its darkest stop."""
    ends = p.gradient(np.array([0.0, 0.5, 1.0]))
    spheres = p.spheres or tuple(tuple(map(float, c)) for c in ends)
    sky = p.sky or tuple(tuple(map(float, c * 0.8)) for c in ends[::-1])
    if background is None:
        darkest = min(p.stops, key=lambda c: 0.3 * c[0] + 0.59 * c[1] + 0.11 * c[2])
        background = tuple(float(c) * 0.35 for c in darkest)
    return Palette(p.name, p.stops, spheres, sky, background)


def _p(name: str, stops: str, spheres: str, sky: str, background: str) -> Palette:
    def colours(text: str) -> tuple[Colour, ...]:
        return tuple(hex_colour(c) for c in text.split())

    return Palette(name, colours(stops), colours(spheres), colours(sky), hex_colour(background))


PALETTES = {
    "spectrum": Palette("spectrum"),
    "sunset": _p("sunset", "#ff2e63 #ff6b3d #ffa41b #ffd56b #b83dba", "#ff2e63 #ff8c42 #ffd56b",
                 "#4a1a6b #b83dba #ff6b3d", "#1c0a1e"),
    "neon": _p("neon", "#00f0ff #39ff14 #fff000 #ff2bd6 #8a2be2", "#00f0ff #ff2bd6 #39ff14",
               "#2a0a6e #8a2be2 #ff2bd6", "#05020f"),
    "mono": _p("mono", "#5a5a5a #9a9a9a #d0d0d0 #ffffff", "#8a8a8a #c8c8c8 #ffffff",
               "#404040 #808080 #c0c0c0", "#0a0a0a"),
    "ocean": _p("ocean", "#0096c7 #00b4d8 #48cae4 #90e0ef #caf0f8", "#caf0f8 #48cae4 #0096c7",
                "#03045e #0077b6 #00b4d8", "#021024"),
    "fire": _p("fire", "#9d0208 #d00000 #dc2f02 #f48c06 #ffba08", "#ffba08 #f48c06 #dc2f02",
               "#370617 #9d0208 #dc2f02", "#140303"),
}  # fmt: skip


def load_palette(spec: str | None) -> Palette:
    """A built-in palette by name, or a JSON file (docs/usage.md, "Palettes"); else a one-line
    DeepvizError."""
    if spec is None:
        return PALETTES["spectrum"]
    if spec in PALETTES:
        return PALETTES[spec]
    if not spec.lower().endswith(".json"):
        raise DeepvizError(
            f"--palette: {spec!r} is not a palette ({', '.join(PALETTES)}) or a .json file"
        )
    return read_palette(spec)


def read_palette(path: str | os.PathLike) -> Palette:
    """A palette JSON file, every field checked."""

    raw = read_small_file(path, MAX_PALETTE_BYTES, "palette file")
    try:
        return from_json(json.loads(raw), Path(path).stem)
    except (ValueError, RecursionError) as exc:
        raise DeepvizError(f"not a palette: {exc}", path) from None
