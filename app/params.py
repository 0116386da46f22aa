"""`deepviz params`: a track's per-frame parameters in an editor's format, and their stats."""

from __future__ import annotations

from typing import TYPE_CHECKING

from deepviz.core.console import SILENT, Console
from deepviz.core.errors import DeepvizError
from deepviz.core.files import check_output_path
from deepviz.core.options import RunOptions

if TYPE_CHECKING:
    pass
import math

from deepviz.app.plan import PlanOptions
from deepviz.app.planner import Planner
from deepviz.mapping import curve_stats
from deepviz.mapping.export import curve_format, export_curves
from deepviz.renderer.render import frame_range


def export_params(
    audio: str,
    output: str | None,
    fmt: str | None,
    units: bool,
    section: tuple,
    stats: bool,
    plan: PlanOptions,
    run: RunOptions,
    console: Console = SILENT,
) -> None:
    """`deepviz params`: the curves of one track in an editor's format, and/or their stats."""

    if output is None and not stats:
        raise DeepvizError("nothing to do: give -o FILE (or -) and/or --stats")
    start, duration = section
    for name, value in (("--start", start), ("--duration", duration)):
        if value is not None and (not math.isfinite(value) or value < 0):
            raise DeepvizError(f"{name}: must be a finite number ≥ 0, got {value}")
    if output and output != "-":
        curve_format(output, fmt)
        check_output_path(output, run.overwrite, "curve file")
    planner = Planner(plan, console, prefetch=audio)
    curves = planner.curves(audio)
    try:
        frames = frame_range(curves, start, duration)
    except DeepvizError as exc:
        raise DeepvizError(exc.problem, audio) from None
    if output:
        params = planner.scene_cls.params if units else None
        export_curves(curves, output, fmt, slice(frames.start, frames.stop), params, run.overwrite)
        if output != "-":
            console.say(
                f"wrote {len(frames)} frames × {curves.values.shape[1]} parameters → {output}"
            )
    if stats:
        print(f"{'parameter':<12}{'mean':>8}{'std':>8}")
        for row in curve_stats(curves.values[frames.start : frames.stop], curves.names):
            print(f"{row['name']:<12}{row['mean']:>8.3f}{row['std']:>8.3f}")
