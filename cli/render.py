"""`deepviz render`, `demo` and `compare`: options in, the pipeline called, nothing else."""

from __future__ import annotations

import json

import click

from deepviz.app.batch.run import render_inputs
from deepviz.app.compare import CompareOptions
from deepviz.app.compare import compare as run_compare
from deepviz.app.info import video_provenance
from deepviz.app.plan import PlanOptions
from deepviz.app.render import render_track
from deepviz.app.still import still_frame
from deepviz.cli.options import debug_option, look_options, options_from, run_options
from deepviz.core.console import Console
from deepviz.core.options import RunOptions
from deepviz.renderer.assets import demo_track
from deepviz.renderer.options import OverlayOptions, VideoOptions


def track_options(command):
    """What decides a track's video, as options: plan, video, overlays (render and batch)."""
    for cls, name in ((OverlayOptions, "overlay"), (VideoOptions, "video"), (PlanOptions, "plan")):
        command = options_from(cls, name)(command)
    return command


@click.command()
@click.argument("audio", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    default=None,
    metavar="FILE.mp4|FOLDER",
    help="Output video [default: the audio's name with .mp4, in this folder]; with "
    "several inputs or a folder of audio, the folder the videos go to.",
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
    render_inputs(audio, output, plan, video, run, dump_params, Console(quiet=run.quiet), overlay)


@click.command()
@click.option("-o", "--output", default="demo.mp4", show_default=True, help="The video to write.")
@options_from(PlanOptions, "plan", exclude=("model", "layer", "device", "fit_path"))
@options_from(VideoOptions, "video")
@run_options
@look_options
def demo(output, plan: PlanOptions, video: VideoOptions, run: RunOptions):
    """Render the bundled demo track with the embedded default model."""

    console = Console(quiet=run.quiet, notes=False)
    render_track(str(demo_track()), output, plan, video, run, None, console)


def _grid(ctx, param, value):
    if value is None:
        return None
    try:
        cols, rows = (int(v) for v in value.lower().split("x"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not COLSxROWS, e.g. 3x2") from None
    if not (1 <= cols <= 16 and 1 <= rows <= 16):
        raise click.BadParameter(f"{value}: 1 to 16 columns and rows")
    return cols, rows


@click.command()
@click.argument("audio", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="FILE.mp4|FILE.png",
    help="The video, or with --still the picture.",
)
@click.option(
    "--vary",
    multiple=True,
    metavar="KEY=V1,V2,…",
    help="One panel per value of an option (mapping, scaling, scale-by, clusters, "
    "model, layer, fit, scene, smoothing, seed, param-order, motion, pulse, "
    "palette); several --vary make the cross product.",
)
@click.option(
    "--mappings",
    default=None,
    metavar="SPECS",
    help="Shorthand: comma-separated METHOD[:SCALING[:SCALE_BY]], one panel each "
    "[default without --vary: deterministic,random,pca,kmeans,kmeans-pca,"
    "kmeans-pca:minmax].",
)
@click.option(
    "--grid",
    default=None,
    metavar="COLSxROWS",
    callback=_grid,
    help="Force the grid [default: the most square, wider than tall].",
)
@click.option("--no-labels", is_flag=True, help="No label on the panels.")
@click.option("--show-params", is_flag=True, help="Ten live bars under each panel: its values.")
@click.option(
    "--still",
    default=None,
    type=float,
    metavar="T",
    help="Write the frame at second T as a PNG instead of a video.",
)
@click.option(
    "--audio",
    "audio_index",
    default=1,
    show_default=True,
    type=click.IntRange(1),
    help="With several tracks: whose audio (and length) the video has.",
)
@options_from(PlanOptions, "plan", defaults={"scene": "bar"})
@options_from(VideoOptions, "video")
@run_options
@look_options
def compare(
    audio,
    output,
    vary,
    mappings,
    grid,
    no_labels,
    show_params,
    still,
    audio_index,
    plan: PlanOptions,
    video: VideoOptions,
    run: RunOptions,
):
    """Panels side by side in one video (or a still): one track under several options, or
    several tracks under one shared fit. Features are extracted once per track and model.

    \b
    deepviz compare song.mp3 -o cmp.mp4 --vary mapping=deterministic,random,pca,kmeans,kmeans-pca
    deepviz compare song.mp3 -o cmp.mp4 --vary scaling=standard,minmax --vary scale-by=across,features
    deepviz compare song.mp3 -o cmp.mp4 --vary scene=bar,real --vary smoothing=0,0.5
    deepviz compare a.mp3 b.mp3 c.mp3 -o tracks.mp4 --fit reference.json
    deepviz compare song.mp3 -o grid.png --vary mapping=pca,kmeans --still 12.5
    """

    opts = CompareOptions(vary, mappings, grid, not no_labels, show_params, still, audio_index)
    run_compare(audio, output, plan, video, run, opts, Console(quiet=run.quiet))


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

    still_frame(audio, output, at, plan, video, run, Console(quiet=run.quiet), overlay)


@click.command()
@click.argument("video")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
@debug_option
def info(video, as_json):
    """How a deepviz video was made: version, model and its hash, mapping, fit and its hash, seed."""

    record = video_provenance(video)
    if as_json:
        click.echo(json.dumps(record, indent=1))
        return
    for key, value in record.items():
        click.echo(f"{key:<12}{json.dumps(value) if isinstance(value, dict) else value}")
