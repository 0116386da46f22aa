"""`deepviz render` of one track: checked before any work, rendered, its curves dumped."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from deepviz.core.console import SILENT, Console
from deepviz.core.errors import DeepvizError
from deepviz.core.files import check_output_path
from deepviz.core.options import RunOptions

if TYPE_CHECKING:
    from deepviz.renderer.options import OverlayOptions, VideoOptions
from deepviz.app.plan import PlanOptions
from deepviz.app.planner import Planner
from deepviz.extract.audio import check_input_file
from deepviz.extract.decode import probe
from deepviz.mapping.curves import write_curves
from deepviz.mapping.export import curve_format
from deepviz.renderer.encoder import check_format
from deepviz.renderer.render import Panel, frame_range, render_panels
from deepviz.renderer.sequence import check_sequence, is_sequence
from deepviz.renderer.titles import check_dressing, overlays_for
from deepviz.scenes import create_context


def single_job(audio: str, output: str | None, overwrite: bool, start: float) -> tuple[Path, Path]:
    """(input, output) of a one-file render, checked before any work."""

    check_input_file(audio)
    name = Path(audio).with_suffix(".mp4").name
    if output and (output.endswith(("/", os.sep)) or Path(output).is_dir()):  # a folder: put it in
        Path(output).mkdir(parents=True, exist_ok=True)
        output = str(Path(output) / name)

    if output and is_sequence(output):
        out = check_sequence(output, overwrite)
    else:
        out = check_output_path(output or name, overwrite, "video")
    check_format(out)
    if start:  # a probe is cheap; extraction is not
        length = probe(audio).duration
        if length is not None and start >= length:
            raise DeepvizError(f"--start {start:g}s is past the end ({length:.2f}s)", audio)
    if out.resolve() == Path(audio).resolve():
        raise DeepvizError("output would overwrite the input audio", out)
    return Path(audio), out


@dataclass(frozen=True)
class RenderOptions:
    """What decides the videos of `deepviz render` and `batch` besides their inputs and output:
    how a track becomes curves, the video, the overlays, how the command runs, and where the
    curves of a single track are dumped."""

    plan: PlanOptions
    video: VideoOptions
    run: RunOptions
    overlay: OverlayOptions | None = None
    dump_params: str | None = None


def render_track(
    audio: str, output: str | None, opts: RenderOptions, console: Console = SILENT
) -> None:
    """`deepviz render` of one file: checked before any work, then rendered."""
    plan, run, dump_params = opts.plan, opts.run, opts.dump_params
    video = opts.video.effective()
    check_dressing(video, None, (plan.scene,), console)  # the logo: overlays_for, below
    if dump_params:
        curve_format(dump_params, None)
        check_output_path(dump_params, run.overwrite, "curve file")
    src, out = single_job(audio, output, run.overwrite, video.start)
    overlays = overlays_for(opts.overlay, src, video.width, video.height)  # a bad logo: first
    gl = create_context()  # before the slow part: no EGL is an error at once
    planner = Planner(plan, console, prefetch=src)
    curves = planner.curves(src)
    render_panels(
        [Panel(curves, plan.scene, plan.seed)],
        src,
        out,
        video,
        run.quiet,
        gl,
        overwrite=run.overwrite,
        metadata=planner.provenance(video),
        audio_stream=plan.audio_stream,
        overlays=overlays,
    )
    if dump_params:  # only once the video is there: a failed render leaves neither
        frames = frame_range(curves, video.start, video.duration)
        write_curves(curves, dump_params, slice(frames.start, frames.stop), run.overwrite)
    console.say(f"wrote {out}")
