"""`deepviz compare`: options in, the comparison called, nothing else."""

from __future__ import annotations

import click

from deepviz.app.plan import PlanOptions
from deepviz.cli.options import inputs_and_output, look_options, options_from, run_options
from deepviz.core.console import Console
from deepviz.core.options import RunOptions
from deepviz.renderer.options import VideoOptions


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
@inputs_and_output(
    "audio",
    "FILE.mp4|FILE.png",
    "The video, or with --still the picture.",
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
    # lazy: the command's work loads when it runs; --help and option errors answer at once
    from deepviz.app.compare import CompareOptions
    from deepviz.app.compare import compare as run_compare

    opts = CompareOptions(vary, mappings, grid, not no_labels, show_params, still, audio_index)
    run_compare(audio, output, plan, video, run, opts, Console(quiet=run.quiet))
