"""Look files: a set of render options in TOML (`--look look.toml`, `--save-look look.toml`).

Keys are the options' long names (`scene = "bar"`, `palette = "neon"`, `size = "vertical"`,
`mapping = "pca"`, `smoothing = 0.4`, `no-title = true`); the command line overrides them.
Relative paths in a look (palette, background, logo, fit, model files) are relative to the file.
Plain Python here: the command line (cli_options.py) checks each value as it checks the option.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from deepviz.core.errors import DeepvizError
from deepviz.core.files import read_small_file
from deepviz.core.options import cli_fields

MAX_LOOK_BYTES = 256 * 1024
# Options of one track or one machine, not of a look: never saved (a look may still set them).
NOT_SAVED = {"start", "duration", "preview", "audio_stream", "device", "title", "artist",
             "readback"}  # fmt: skip
PATH_KEYS = {"palette": ".json", "background": "", "logo": "", "fit": "", "model": ".dvz"}
KEYWORDS = {"fit": ("reference", "track", "batch"), "model": ("default",)}


def option_name(flags: tuple[str, ...]) -> str:
    """An option's name in a look: its long flag without the dashes."""
    return next((f for f in flags if f.startswith("--")), flags[-1]).lstrip("-")


def look_keys(classes) -> dict[str, str]:
    """Look key → dataclass field name, for every option of the options dataclasses `classes`."""
    return {option_name(spec.flags): f.name for cls in classes for f, spec in cli_fields(cls)}


def _resolve(key: str, value: object, folder: Path) -> object:
    """A relative file path in a look, made relative to the look's folder."""
    if key not in PATH_KEYS or not isinstance(value, str) or value in KEYWORDS.get(key, ()):
        return value
    if not value.lower().endswith(PATH_KEYS[key]) or os.path.isabs(value):
        return value
    return str(folder / value)


def read_look(path: str | os.PathLike, known: set[str]) -> dict[str, object]:
    """The options a look file sets (key → value as written), keys checked against `known`."""
    raw = read_small_file(path, MAX_LOOK_BYTES, "look file")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DeepvizError(f"not a TOML look file ({exc})", path) from None
    looks: dict[str, object] = {}
    for key, value in data.items():
        name = key.replace("_", "-")
        if name not in known:
            raise DeepvizError(
                f"{key!r} is not a render option (a look sets options such as "
                "scene, palette, size, mapping, smoothing, pulse, title)",
                path,
            )
        if not isinstance(value, (str, int, float, bool)):
            raise DeepvizError(f"{key}: a look's values are strings, numbers or true/false", path)
        looks[name] = _resolve(name, value, Path(path).resolve().parent)
    return looks


def _toml_value(key: str, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):  # a frame size
        return json.dumps("x".join(map(str, value)))
    if isinstance(value, (int, float)):
        return repr(value)
    if key in PATH_KEYS and value not in KEYWORDS.get(key, ()) and os.path.exists(value):
        value = os.path.abspath(value)  # a saved look works from any folder
    return json.dumps(value, ensure_ascii=False)


def look_text(instances, offered: set[str]) -> str:
    """A look file (TOML) holding the look options of the options dataclass `instances` whose
    field names are in `offered` (the options of the command that saves it)."""
    lines = [
        "# A deepviz look: deepviz render song.mp3 --look THIS.toml (options given on the",
        "# command line win). Keys are the options' long names; see deepviz render --help.",
    ]
    for obj in instances:
        for f, spec in cli_fields(type(obj)):
            value = getattr(obj, f.name)
            if f.name in NOT_SAVED or f.name not in offered or value is None:
                continue
            key = option_name(spec.flags)
            lines.append(f"{key} = {_toml_value(key, value)}")
    return "\n".join(lines) + "\n"
