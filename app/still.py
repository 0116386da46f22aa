"""`deepviz still`: one frame as a PNG, nothing encoded."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from deepviz.core.console import SILENT, Console
from deepviz.core.errors import DeepvizError
from deepviz.core.files import check_output_path
from deepviz.core.options import RunOptions

if TYPE_CHECKING:
    from deepviz.renderer.options import OverlayOptions, VideoOptions
from PIL import Image

from deepviz.app.plan import PlanOptions
from deepviz.app.planner import Planner
from deepviz.core.files import atomic_path
from deepviz.extract.audio import check_input_file
from deepviz.renderer.render import Panel, render_still
from deepviz.renderer.titles import check_dressing, overlays_for
from deepviz.scenes import create_context


def still_frame(
    audio: str,
    output: str,
    at: float,
    plan: PlanOptions,
    video: VideoOptions,
    run: RunOptions,
    console: Console = SILENT,
    overlay: OverlayOptions | None = None,
) -> Path:
    """`deepviz still`: the frame at second `at` as a PNG, nothing encoded."""

    check_dressing(video, None, (plan.scene,), console)  # the logo: overlays_for, below
    check_input_file(audio)
    out = check_output_path(output, run.overwrite, "picture")
    if out.suffix.lower() != ".png":
        raise DeepvizError("a still is a .png", out)
    overlays = overlays_for(overlay, audio, video.width, video.height)
    gl = create_context()
    planner = Planner(plan, console, prefetch=audio)
    image = render_still(
        [Panel(planner.curves(audio), plan.scene, plan.seed)], at, video, gl, overlays=overlays
    )
    with atomic_path(out, run.overwrite) as tmp:
        Image.fromarray(image).save(tmp, format="PNG")
    console.say(f"wrote {out}")
    return out
