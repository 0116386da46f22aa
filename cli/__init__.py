"""The `deepviz` command line: click alone. Each command module declares options and calls the
application layer (`deepviz.app`); nothing here computes."""

from __future__ import annotations

import warnings

import click

from deepviz import __version__
from deepviz.cli.group import DeepvizGroup

# Command name → ("module:attribute", the first paragraph of its help): a command's module is
# imported when it runs; `deepviz --help` lists the summaries without importing any.
COMMANDS = {
    "render": (
        "deepviz.cli.render:render",
        "Render AUDIO (any format ffmpeg reads) to an MP4 visualization with its sound.",
    ),
    "still": (
        "deepviz.cli.render:still",
        "The frame of AUDIO's video at second T, as a PNG: a preview before a long render.",
    ),
    "demo": (
        "deepviz.cli.render:demo",
        "Render the bundled demo track with the embedded default model.",
    ),
    "info": (
        "deepviz.cli.render:info",
        "How a deepviz video was made: version, model and its hash, mapping, fit and its hash, "
        "seed.",
    ),
    "batch": (
        "deepviz.cli.batch:batch",
        "Render every audio file of INPUTS (files and folders, searched recursively) with one "
        "shared fit, in parallel; run it again to finish an interrupted batch.",
    ),
    "compare": (
        "deepviz.cli.compare:compare",
        "Panels side by side in one video (or a still): one track under several options, or "
        "several tracks under one shared fit. Features are extracted once per track and model.",
    ),
    "fit": (
        "deepviz.cli.mapping:fit",
        "Fit a mapping on all segments of many files/folders (a reference set) and save it as "
        "JSON.",
    ),
    "params": (
        "deepviz.cli.mapping:params",
        "Write the per-frame parameter curves of AUDIO (after interpolation and smoothing), no "
        "video.",
    ),
    "analyze": (
        "deepviz.cli.mapping:analyze",
        "Feature statistics and each mapping's dynamics and separability, as a report folder.",
    ),
    "scenes": (
        "deepviz.cli.mapping:scenes",
        "List the scenes and their parameters (ranges, and priority from most to least dynamic), "
        "and the built-in palettes.",
    ),
    "train": (
        "deepviz.cli.training:train",
        "Train a feature network on FMA (or a synthesized corpus) and write a .dvz checkpoint.",
    ),
    "models": (
        "deepviz.cli.training:models",
        "List the built-in model and the given checkpoints: layers, size, training summary.",
    ),
}


@click.group(
    cls=DeepvizGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="deepviz")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Turn music into visualization videos driven by deep-learning audio features.

    \b
    deepviz render song.mp3 -o song.mp4 --scene real --size 1280x720 --fps 30
    deepviz render song.ogg -o bars.mp4 --scene bar --smoothing 0.3 --seed 7
    deepviz demo                      # the bundled demo track → demo.mp4
    """
    ctx.meta["debug"] = debug
    if not debug:
        warnings.filterwarnings("ignore", category=UserWarning)
