"""`deepviz fit`, `params` and `scenes`: the mapping side, options in and the pipeline called."""

from __future__ import annotations

from collections.abc import Callable

import click

from deepviz.app.plan import PlanOptions
from deepviz.cli.options import debug_option, inputs_and_output, options_from, run_options
from deepviz.core.console import Console
from deepviz.core.options import RunOptions
from deepviz.mapping.export import FORMATS

FIT_ONLY = (
    "scene",
    "fit_path",
    "param_order",
    "fps",
    "smoothing",
    "motion",
    "sections",
)  # no timeline


def fma_metadata_option(help: str) -> Callable:
    """--fma-metadata DIR: FMA's metadata folder, for the tracks' genres."""
    return click.option("--fma-metadata", default=None, metavar="DIR", help=help)


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", required=True, metavar="FILE.json", help="Where to save the fit.")
@options_from(PlanOptions, "plan", exclude=FIT_ONLY, defaults={"method": "kmeans-pca"})
@click.option(
    "--place",
    type=click.Choice(("none", "genres")),
    default="none",
    show_default=True,
    help="genres: also place each track by its style statistics, along the directions "
    "that tell the genres apart (the first folder below each input, or FMA's "
    "genre_top): the default look's kind of fit.",
)
@fma_metadata_option("With --place genres: genres from FMA's tracks.csv instead of folders.")
@click.option(
    "--center-on",
    multiple=True,
    metavar="PATH",
    help="With --place genres: music (files or folders, any genre) on which the places "
    "are centred and scaled, so that the music you render spreads over the whole "
    "range; it does not choose the directions. Repeatable.",
)
@run_options
def fit(inputs, output, plan: PlanOptions, place, fma_metadata, center_on, run: RunOptions):
    """Fit a mapping on all segments of many files/folders (a reference set) and save it as JSON.

    \b
    deepviz fit ./Rock ./Electronic -o reference.json --mapping kmeans-pca
    deepviz fit ./Rock ./Jazz ./Folk -o placed.json --mapping pca --place genres
    deepviz render song.mp3 -o song.mp4 --fit reference.json
    """
    # lazy: the command's work loads when it runs; --help and option errors answer at once
    from deepviz.app.fit import fit_files

    fit_files(inputs, output, plan, run, Console(quiet=run.quiet), place, fma_metadata, center_on)


@click.command()
@click.argument("audio")
@click.option(
    "-o",
    "--output",
    default=None,
    metavar="FILE|-",
    help="Per-frame parameter curves (CSV: frame,time,<names>; JSON; or --format); "
    "- writes to standard output.",
)
@click.option(
    "--format",
    "fmt",
    default=None,
    type=click.Choice(FORMATS),
    help="csv, json, ae (After Effects keyframe data: one Slider Control per "
    "parameter), deforum (schedule strings) [default: from the extension].",
)
@click.option(
    "--units", is_flag=True, help="Values in the scene's units (see `deepviz scenes`), not [0, 1]."
)
@click.option("--start", default=0.0, type=float, metavar="T", help="From this second.")
@click.option("--duration", default=None, type=float, metavar="D", help="This many seconds.")
@options_from(PlanOptions, "plan")
@click.option("--stats", is_flag=True, help="Print each parameter's mean and std.")
@run_options
def params(audio, output, fmt, units, start, duration, plan: PlanOptions, stats, run: RunOptions):
    """Write the per-frame parameter curves of AUDIO (after interpolation and smoothing), no video.

    These are the values a render draws; import them into Blender, After Effects or Deforum.

    \b
    deepviz params song.mp3 -o song.csv
    deepviz params song.mp3 -o sliders.txt --format ae --units
    deepviz params song.mp3 -o - --format deforum --start 30 --duration 10
    """
    # lazy: the command's work loads when it runs; --help and option errors answer at once
    from deepviz.app.params import export_params

    export_params(
        audio, output, fmt, units, (start, duration), stats, plan, run, Console(quiet=run.quiet)
    )


@click.command()
@inputs_and_output(
    "inputs",
    "FOLDER",
    "The report folder: index.html, stats.json and the figures.",
)
@fma_metadata_option("Label tracks by FMA's genre_top (tracks.csv) instead of their folders.")
@click.option(
    "--compare-mappings",
    is_flag=True,
    help="Evaluate all five methods, fitted per track and on the whole set.",
)
@options_from(PlanOptions, "plan")
@run_options
def analyze(inputs, output, fma_metadata, compare_mappings, plan: PlanOptions, run: RunOptions):
    """Feature statistics and each mapping's dynamics and separability, as a report folder.

    Genres are the first folder below each input folder (or FMA's genre_top with --fma-metadata).

    \b
    deepviz analyze ./Rock ./Electronic ./Folk -o report/ --mapping pca
    deepviz analyze ./fma_medium --fma-metadata fma_metadata -o report/ --compare-mappings
    """
    # lazy: the command's work loads when it runs; --help and option errors answer at once
    from deepviz.app.analyze import analyze_tracks
    from deepviz.mapping.report import aims_table

    doc = analyze_tracks(
        inputs, output, plan, run, fma_metadata, compare_mappings, Console(quiet=run.quiet)
    )
    click.echo(aims_table(doc["mappings"]))


@click.command()
@debug_option
def scenes():
    """List the scenes and their parameters (ranges, and priority from most to least dynamic),
    and the built-in palettes."""
    # lazy: the command's work loads when it runs; --help and option errors answer at once
    from deepviz.scenes import SCENES
    from deepviz.scenes.palettes import PALETTES, hex_of

    for name, cls in SCENES.items():
        click.echo(f"{name}: {cls.description}")
        click.echo(f"  {'parameter':<11}{'range':<22}{'priority':<10}meaning")
        for p in cls.params:
            rank = cls.priority.index(p.name) + 1
            span = f"{p.low:g} to {p.high:g} {p.unit}".strip()
            click.echo(f"  {p.name:<11}{span:<22}{rank:<10}{p.description}")
        click.echo("")
    click.echo('palettes (--palette NAME, or a JSON file: docs/usage.md, "Palettes"):')
    for name, palette in PALETTES.items():
        stops = " ".join(hex_of(c) for c in palette.stops) or "the hue sweep; plain RGB parameters"
        click.echo(f"  {name:<11}{stops}")
