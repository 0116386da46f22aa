"""`deepviz fit`, `params` and `scenes`: the mapping side, options in and the pipeline called."""

from __future__ import annotations

from pathlib import Path

import click

from deepviz.cli_options import debug_option, options_from, run_options, stderr
from deepviz.errors import DeepvizError
from deepviz.options import RunOptions
from deepviz.pipeline import Planner, PlanOptions, fit_files

FIT_ONLY = ("scene", "fit_path", "param_order", "fps", "smoothing")  # no timeline in a fit


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", required=True, metavar="FILE.json", help="Where to save the fit.")
@options_from(PlanOptions, "plan", exclude=FIT_ONLY, defaults={"method": "kmeans-pca"})
@run_options
def fit(inputs, output, plan: PlanOptions, run: RunOptions):
    """Fit a mapping on all segments of many files/folders (a reference set) and save it as JSON.

    \b
    deepviz fit ./Rock ./Electronic -o reference.json --mapping kmeans-pca
    deepviz render song.mp3 -o song.mp4 --fit reference.json
    """
    fit_files(inputs, output, plan, run, stderr(not run.quiet), stderr())


@click.command()
@click.argument("audio")
@click.option("-o", "--output", default=None, metavar="FILE.csv|json",
              help="Per-frame parameter curves (CSV: frame,time,<names>; or JSON).")  # fmt: skip
@options_from(PlanOptions, "plan")
@click.option("--stats", is_flag=True, help="Print each parameter's mean and std.")
@run_options
def params(audio, output, plan: PlanOptions, stats, run: RunOptions):
    """Write the per-frame parameter curves of AUDIO (after interpolation and smoothing), no video.

    These are the values a render draws; import them into Blender or After Effects.
    """
    from deepviz.mapping import curve_stats
    from deepviz.mapping.curves import write_curves

    if output is None and not stats:
        raise DeepvizError("nothing to do: give -o FILE.csv|json and/or --stats")
    if output and Path(output).exists() and not run.overwrite:
        raise DeepvizError("already exists (use -y/--overwrite to replace it)", output)
    if output and Path(output).suffix.lower() not in (".csv", ".json"):
        raise DeepvizError("unknown curve file type (use .csv or .json)", output)
    curves = Planner(plan, stderr(not run.quiet), stderr()).curves(audio)
    if output:
        write_curves(curves, output, replace=run.overwrite)
        if not run.quiet:
            n, k = curves.values.shape
            click.echo(f"wrote {n} frames × {k} parameters → {output}", err=True)
    if stats:
        click.echo(f"{'parameter':<12}{'mean':>8}{'std':>8}")
        for row in curve_stats(curves.values, curves.names):
            click.echo(f"{row['name']:<12}{row['mean']:>8.3f}{row['std']:>8.3f}")


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", required=True, metavar="FOLDER",
              help="The report folder: index.html, stats.json and the figures.")  # fmt: skip
@click.option("--fma-metadata", default=None, metavar="DIR",
              help="Label tracks by FMA's genre_top (tracks.csv) instead of their folders.")  # fmt: skip
@click.option("--compare-mappings", is_flag=True,
              help="Evaluate all five methods, fitted per track and on the whole set.")  # fmt: skip
@options_from(PlanOptions, "plan")
@run_options
def analyze(inputs, output, fma_metadata, compare_mappings, plan: PlanOptions, run: RunOptions):
    """Feature statistics and each mapping's dynamics and separability, as a report folder.

    Genres are the first folder below each input folder (or FMA's genre_top with --fma-metadata).

    \b
    deepviz analyze ./Rock ./Electronic ./Folk -o report/ --mapping pca
    deepviz analyze ./fma_medium --fma-metadata fma_metadata -o report/ --compare-mappings
    """
    from deepviz.mapping.report import aims_table
    from deepviz.pipeline import analyze_tracks

    doc = analyze_tracks(inputs, output, plan, run, fma_metadata, compare_mappings,
                         stderr(not run.quiet), stderr())  # fmt: skip
    click.echo(aims_table(doc["mappings"]))


@click.command()
@debug_option
def scenes():
    """List the scenes and their parameters (ranges, and priority from most to least dynamic)."""
    from deepviz.scenes import SCENES

    for name, cls in SCENES.items():
        click.echo(f"{name}: {cls.description}")
        click.echo(f"  {'parameter':<11}{'range':<22}{'priority':<10}meaning")
        for p in cls.params:
            rank = cls.priority.index(p.name) + 1
            span = f"{p.low:g} to {p.high:g} {p.unit}".strip()
            click.echo(f"  {p.name:<11}{span:<22}{rank:<10}{p.description}")
        click.echo("")


COMMANDS = (fit, params, analyze, scenes)
