"""`deepviz batch`: options in, the batch engine called, nothing else."""

from __future__ import annotations

import click

from deepviz.app.batch.options import BatchOptions
from deepviz.app.plan import PlanOptions
from deepviz.cli.options import inputs_and_output, look_options, options_from, run_options
from deepviz.cli.render import track_options
from deepviz.core.console import Console
from deepviz.core.options import RunOptions
from deepviz.renderer.options import OverlayOptions, VideoOptions


@click.command()
@inputs_and_output(
    "inputs",
    "FOLDER",
    "Where the videos go (mirroring the input folders), with fit.json, "
    "manifest.json, summary.json/.csv and contact-sheet.png.",
)
@options_from(BatchOptions, "batch")
@track_options
@run_options
@look_options
def batch(
    inputs,
    output,
    batch: BatchOptions,
    plan: PlanOptions,
    video: VideoOptions,
    overlay: OverlayOptions,
    run: RunOptions,
):
    """Render every audio file of INPUTS (files and folders, searched recursively) with one
    shared fit, in parallel; run it again to finish an interrupted batch.

    \b
    deepviz batch ./Electronic -o videos/ --scene real --mapping kmeans --jobs 2
    deepviz batch ./FMA/Rock ./FMA/Folk -o videos/ --fit reference.json
    deepviz batch ./library -o videos/ --executor dask --scheduler tcp://host:8786
    """
    # lazy: the command's work loads when it runs; --help and option errors answer at once
    from deepviz.app.batch.run import batch_plan, run_batch
    from deepviz.app.render import RenderOptions

    opts = RenderOptions(batch_plan(plan), video, run, overlay)
    run_batch(inputs, output, opts, batch, Console(quiet=run.quiet))
