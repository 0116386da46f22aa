"""`deepviz train` and `deepviz models`: options in, the training session called (torch on use)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from click.core import ParameterSource

from deepviz.cli.options import debug_option, options_from, run_options
from deepviz.core.console import Console
from deepviz.core.options import RunOptions
from deepviz.training.options import CorpusOptions, TrainConfig, TrainJob


def _given(ctx: click.Context) -> set[str]:
    """The options the user typed (not left at their defaults)."""
    return {
        name
        for name in ctx.params
        if ctx.get_parameter_source(name) not in (ParameterSource.DEFAULT, None)
    }


@click.command()
@options_from(TrainJob, "job")
@options_from(TrainConfig, "cfg")
@options_from(CorpusOptions, "corpus")
@run_options
def train(job: TrainJob, cfg: TrainConfig, corpus: CorpusOptions, run: RunOptions):
    """Train a feature network on FMA (or a synthesized corpus) and write a .dvz checkpoint.

    \b
    deepviz train --arch vgg16 --fma-audio fma_medium --fma-metadata fma_metadata -o vgg16.dvz
    deepviz train --arch ae-shared --fma-audio fma_small --fma-metadata fma_metadata -o ae.dvz
    deepviz train --arch alexnet --synth 60 -o alex.dvz
    deepviz train ... -o vgg16.dvz --resume vgg16.dvz      # after an interruption
    deepviz train --recipe default -o extract/weights/default.dvz -y
    """
    # lazy: the command's work loads when it runs; --help and option errors answer at once
    from deepviz.training.session import run_training

    given = _given(click.get_current_context())
    run_training(job, corpus, cfg, run, given, Console(quiet=run.quiet))


@click.command()
@click.argument("files", nargs=-1, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of text.")
@debug_option
def models(files, as_json):
    """List the built-in model and the given checkpoints: layers, size, training summary."""
    # lazy: the command's work loads when it runs; --help and option errors answer at once
    from deepviz.extract.checkpoint import default_checkpoint_path
    from deepviz.training.summary import describe, model_lines

    default = default_checkpoint_path()
    rows: list[dict] = []
    if default.is_file():
        rows.append(describe(default, builtin=True))
    else:
        rows.append({"name": "default", "path": str(default), "builtin": True, "missing": True})
    rows += [describe(Path(f)) for f in files]
    if as_json:
        click.echo(json.dumps(rows, indent=1))
        return
    click.echo("\n\n".join("\n".join(model_lines(r)) for r in rows))
