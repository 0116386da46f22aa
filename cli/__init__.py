"""The `deepviz` command line: click alone. Each command module declares options and calls the
application layer (`deepviz.app`); nothing here computes."""

from __future__ import annotations

import warnings

import click

from deepviz import __version__
from deepviz.cli.group import DeepvizGroup

# Command name → "module:attribute", imported when the command runs (or --help lists it).
COMMANDS = {
    "render": "deepviz.cli.render:render",
    "still": "deepviz.cli.render:still",
    "demo": "deepviz.cli.render:demo",
    "info": "deepviz.cli.render:info",
    "batch": "deepviz.cli.batch:batch",
    "compare": "deepviz.cli.compare:compare",
    "fit": "deepviz.cli.mapping:fit",
    "params": "deepviz.cli.mapping:params",
    "analyze": "deepviz.cli.mapping:analyze",
    "scenes": "deepviz.cli.mapping:scenes",
    "train": "deepviz.cli.training:train",
    "models": "deepviz.cli.training:models",
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
