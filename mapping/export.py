"""Curves where editors read them: CSV, JSON, After Effects keyframe data (paste onto a layer with
one Slider Control per parameter), and Deforum/ComfyUI schedule strings (`0:(0.52), 1:(0.55)`)."""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from deepviz.core.errors import DeepvizError
from deepviz.core.files import atomic_path

FORMATS = ("csv", "json", "ae", "deforum")
BY_EXTENSION = {".csv": "csv", ".json": "json"}


def curve_format(path: str | os.PathLike, fmt: str | None) -> str:
    """The format asked for, else the one the extension names (CSV for `-`, standard output)."""
    if fmt is not None:
        return fmt
    if str(path) == "-":
        return "csv"
    found = BY_EXTENSION.get(Path(path).suffix.lower())
    if found is None:
        raise DeepvizError(
            f"unknown curve file type (use .csv or .json, or --format {'|'.join(FORMATS)})", path
        )
    return found


def curve_table(curves, frames: slice | None = None, params: Sequence | None = None):
    """(names, frame numbers, values): the parameters, then pulse and level, then the section
    number, per frame; `params` (the scene's Param list): values in the scene's units instead of
    [0, 1]."""
    sl = frames or slice(0, len(curves.values))
    idx = np.arange(len(curves.values))[sl]
    values = curves.values.astype(np.float64)
    if params is not None:
        values = np.column_stack([p.low + v * (p.high - p.low) for p, v in zip(params, values.T)])
    vals = np.column_stack([values, *curves.extras.values(), curves.section_at()])[sl]
    return [*curves.names, *curves.extras, "section"], idx, vals


def as_csv(names, idx, vals, fps: float, **_) -> str:
    out = io.StringIO()
    out.write(",".join(["frame", "time", *names]) + "\n")
    whole = [name == "section" for name in names]
    for i, row in zip(idx, vals):
        cells = (f"{v:.0f}" if w else f"{v:.6f}" for v, w in zip(row, whole))
        out.write(f"{i},{i / fps:.6f}," + ",".join(cells) + "\n")
    return out.getvalue()


def as_json(names, idx, vals, fps: float, duration: float = 0.0, **_) -> str:
    return json.dumps(
        {
            "fps": fps,
            "duration": duration,
            "names": names,
            "frames": idx.tolist(),
            "times": (idx / fps).round(6).tolist(),
            "values": np.round(vals, 6).tolist(),
        }
    )


def as_ae(names, idx, vals, fps: float, size=(1920, 1080), **_) -> str:
    """After Effects keyframe data: one Slider Control block per parameter, in order (the layer
    needs that many Slider Control effects); frames are relative to the paste point."""
    lines = [
        "Adobe After Effects 8.0 Keyframe Data",
        "",
        f"\tUnits Per Second\t{fps:g}",
        f"\tSource Width\t{size[0]}",
        f"\tSource Height\t{size[1]}",
        "\tSource Pixel Aspect Ratio\t1",
        "\tComp Pixel Aspect Ratio\t1",
        "",
    ]
    for k in range(1, len(names) + 1):  # Slider Control #k holds names[k - 1]
        lines += [
            f"Effects\tSlider Control #{k}\tSlider #2",
            "\tFrame\t",
            *(f"\t{i - idx[0]}\t{v:.6f}" for i, v in zip(idx, vals[:, k - 1])),
            "",
        ]
    return "\n".join([*lines, "End of Keyframe Data", ""]).replace("\n", "\r\n")


def as_deforum(names, idx, vals, **_) -> str:
    """One schedule string per parameter, each after a `# name` line, for Deforum or ComfyUI."""
    blocks = []
    for k, name in enumerate(names):
        schedule = ", ".join(f"{i - idx[0]}:({v:.4f})" for i, v in zip(idx, vals[:, k]))
        blocks.append(f"# {name}\n{schedule}\n")
    return "\n".join(blocks)


WRITERS = {"csv": as_csv, "json": as_json, "ae": as_ae, "deforum": as_deforum}


def export_curves(
    curves,
    path: str | os.PathLike,
    fmt: str | None = None,
    frames: slice | None = None,
    params: Sequence | None = None,
    replace: bool = True,
) -> None:
    """Write the curves to `path` (`-`: standard output) in `fmt`, atomically."""

    fmt = curve_format(path, fmt)
    names, idx, vals = curve_table(curves, frames, params)
    text = WRITERS[fmt](names, idx, vals, fps=curves.fps, duration=curves.duration)
    if str(path) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        with atomic_path(path, replace) as tmp:
            tmp.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:  # the disk filled up, the folder went away: name the target
        raise DeepvizError(f"cannot write the curves ({exc.strerror or exc})", path) from None
