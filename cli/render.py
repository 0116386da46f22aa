"""`deepviz render`, `still`, `demo` and `info`: options in, the application called, nothing else."""

from __future__ import annotations

import json

import click

from deepviz.app.plan import PlanOptions
from deepviz.cli.options import (
    debug_option,
    inputs_and_output,
    look_options,
    options_from,
    run_options,
)
from deepviz.core.console import Console
from deepviz.core.options import RunOptions
from deepviz.renderer.options import OverlayOptions, VideoOptions


def track_options(command):
    """What decides a track's video, as options: plan, video, overlays (render and batch)."""
    for cls, name in ((OverlayOptions, "overlay"), (VideoOptions, "video"), (PlanOptions, "plan")):
        command = options_from(cls, name)(command)
    return command


@click.command()
@inputs_and_output(
    "audio",
    "FILE.mp4|FOLDER",
    "Output video [default: the audio's name with .mp4, in this folder]; with "
    "several inputs or a folder of audio, the folder the videos go to.",
    required=False,
)
@track_options
@click.option(
    "--dump-params",
    default=None,
    type=click.Path(dir_okay=False),
    help="Also write the per-frame parameters the video uses (.csv or .json).",
)
@run_options
@look_options
def render(
    audio,
    output,
    plan: PlanOptions,
    video: VideoOptions,
    overlay: OverlayOptions,
    dump_params,
    run: RunOptions,
):
    """Render AUDIO (any format ffmpeg reads) to an MP4 visualization with its sound.

    AUDIO may also be several files or folders (searched recursively): each file becomes
    OUTPUT/<name>.mp4; a file that fails is reported and the others still render.
    """
    # lazy: the command's work loads when it runs; --help and option errors answer at once
    from deepviz.app.batch.run import render_inputs
    from deepviz.app.render import RenderOptions

    opts = RenderOptions(plan, video, run, overlay, dump_params)
    render_inputs(audio, output, opts, Console(quiet=run.quiet))


@click.command()
@click.option("-o", "--output", default="demo.mp4", show_default=True, help="The video to write.")
@options_from(PlanOptions, "plan", exclude=("model", "layer", "device", "fit_path"))
@options_from(VideoOptions, "video")
@run_options
@look_options
def demo(output, plan: PlanOptions, video: VideoOptions, run: RunOptions):
    """Render the bundled demo track with the embedded default model."""
    # lazy: the command's work loads when it runs; --help and option errors answer at once
    from deepviz.app.render import RenderOptions, render_track
    from deepviz.renderer.assets import demo_track

    console = Console(quiet=run.quiet, notes=False)
    render_track(str(demo_track()), output, RenderOptions(plan, video, run), console)


@click.command()
@click.argument("audio")
@click.option("-o", "--output", required=True, metavar="FILE.png", help="The picture to write.")
@click.option("--at", "at", required=True, type=float, metavar="T", help="The second to show.")
@options_from(PlanOptions, "plan")
@options_from(
    VideoOptions,
    "video",
    exclude=("start", "duration", "crf", "preset", "preview", "quality", "encoder", "readback"),
)
@options_from(OverlayOptions, "overlay")
@run_options
@look_options
def still(
    audio,
    output,
    at,
    plan: PlanOptions,
    video: VideoOptions,
    overlay: OverlayOptions,
    run: RunOptions,
):
    """The frame of AUDIO's video at second T, as a PNG: a preview before a long render.

    \b
    deepviz still song.mp3 -o frame.png --at 42
    deepviz still song.mp3 -o frame.png --at 42 --scene bar --size vertical
    """
    # lazy: the command's work loads when it runs; --help and option errors answer at once
    from deepviz.app.still import still_frame

    still_frame(audio, output, at, plan, video, run, Console(quiet=run.quiet), overlay)


@click.command()
@click.argument("video")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
@debug_option
def info(video, as_json):
    """How a deepviz video was made: version, model and its hash, mapping, fit and its hash, seed."""
    # lazy: the command's work loads when it runs; --help and option errors answer at once
    from deepviz.app.info import video_provenance

    record = video_provenance(video)
    if as_json:
        click.echo(json.dumps(record, indent=1))
        return
    for key, value in record.items():
        click.echo(f"{key:<12}{json.dumps(value) if isinstance(value, dict) else value}")
