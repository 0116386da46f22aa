"""`deepviz render`, `demo` and `compare`: options in, the pipeline called, nothing else."""

from __future__ import annotations

import click

from deepviz.cli_options import options_from, run_options, stderr
from deepviz.options import RunOptions
from deepviz.pipeline import PlanOptions, compare_mappings, render_tracks
from deepviz.renderer.options import VideoOptions


@click.command()
@click.argument("audio", nargs=-1, required=True)
@click.option("-o", "--output", default=None, metavar="FILE.mp4|FOLDER",
              help="Output video [default: the audio's name with .mp4, in this folder]; with "
              "several inputs or a folder of audio, the folder the videos go to.")  # fmt: skip
@options_from(PlanOptions, "plan")
@options_from(VideoOptions, "video")
@click.option("--dump-params", default=None, type=click.Path(dir_okay=False),
              help="Also write the per-frame parameters the video uses (.csv or .json).")  # fmt: skip
@run_options
def render(audio, output, plan: PlanOptions, video: VideoOptions, dump_params, run: RunOptions):
    """Render AUDIO (any format ffmpeg reads) to an MP4 visualization with its sound.

    AUDIO may also be several files or folders (searched recursively): each file becomes
    OUTPUT/<name>.mp4; a file that fails is reported and the others still render.
    """
    render_tracks(audio, output, plan, video, run, dump_params, stderr(not run.quiet), stderr())


@click.command()
@click.option("-o", "--output", default="demo.mp4", show_default=True, help="The video to write.")
@options_from(PlanOptions, "plan", exclude=("model", "layer", "device", "fit_path"))
@options_from(VideoOptions, "video", defaults={"preset": "veryfast"})
@run_options
def demo(output, plan: PlanOptions, video: VideoOptions, run: RunOptions):
    """Render the bundled demo track with the embedded default model."""
    from deepviz.renderer.assets import demo_track

    render_tracks([str(demo_track())], output, plan, video, run, None, stderr(not run.quiet))


@click.command()
@click.argument("audio")
@click.option("-o", "--output", required=True, metavar="FILE.mp4", help="The video to write.")
@click.option("--mappings", default="deterministic,random,pca,kmeans,kmeans-pca,kmeans-pca:minmax",
              show_default=True, metavar="SPECS",
              help="Comma-separated METHOD[:SCALING[:SCALE_BY]], one panel each.")  # fmt: skip
@options_from(PlanOptions, "plan", exclude=("method", "scaling", "scale_by", "fit_path"),
              defaults={"scene": "bar"})  # fmt: skip
@options_from(VideoOptions, "video")
@run_options
def compare(audio, output, mappings, plan: PlanOptions, video: VideoOptions, run: RunOptions):
    """Side-by-side video of one track under several mappings, each panel labelled.

    \b
    deepviz compare song.mp3 -o methods.mp4
    deepviz compare song.mp3 -o scalers.mp4 --mappings pca:standard,pca:minmax --scene real
    """
    compare_mappings(audio, output, mappings, plan, video, run, stderr(not run.quiet), stderr())


COMMANDS = (render, demo, compare)
