"""The `deepviz` command line: the group, one-line errors, and the commands' registration.

Commands live by what they serve: cli_render.py (render, demo, compare), cli_mapping.py (fit,
params, scenes), cli_training.py (train, models). Each only declares options and calls the pipeline.
"""

from __future__ import annotations

import sys
import warnings

import click

from deepviz import __version__
from deepviz.errors import DeepvizError
from deepviz.interrupts import Interrupted, check, clean_up, handle_termination


class QuietIfClosed:
    """stderr that goes quiet when its reader is gone (`deepviz … 2>&1 | head`): progress and
    notes are not worth aborting a render for."""

    def __init__(self, stream):
        self._stream, self._closed = stream, False

    def write(self, text: str) -> int:
        if not self._closed:
            try:
                return self._stream.write(text)
            except (BrokenPipeError, OSError, ValueError):
                self._closed = True
        return len(text)

    def flush(self) -> None:
        if not self._closed:
            try:
                self._stream.flush()
            except (BrokenPipeError, OSError, ValueError):
                self._closed = True

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


class DeepvizGroup(click.Group):
    """Prints a DeepvizError as one line and exits 1; `--debug` shows the traceback instead.
    A bad option is one line too (`deepviz: error: --size: …`, exit 2), not click's four."""

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.UsageError as exc:
            where = ""
            missing = isinstance(exc, click.MissingParameter)
            if isinstance(exc, click.BadParameter) and exc.param is not None and not missing:
                where = f"{exc.param.opts[-1] if exc.param.opts else exc.param.name}: "
            message = exc.message if where else exc.format_message()
            hint = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
            click.echo(f"deepviz: error: {where}{message}{hint}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"deepviz: error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("deepviz: interrupted", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context):
        handle_termination()
        if not isinstance(sys.stderr, QuietIfClosed):
            sys.stderr = QuietIfClosed(sys.stderr)
        try:
            try:
                return super().invoke(ctx)
            except DeepvizError:
                check()  # an interruption that a callback swallowed (and its fallout) comes first
                raise
        except DeepvizError as exc:
            self._fail(ctx, f"deepviz: error: {exc}", 1)
        except KeyboardInterrupt as exc:
            clean_up()  # whatever the interruption cut short
            code = 128 + exc.signum if isinstance(exc, Interrupted) else 130
            self._fail(ctx, "deepviz: interrupted", code)
        except OSError as exc:  # a file system refusal we did not foresee: still one line
            where = f"{exc.filename}: " if exc.filename else ""
            self._fail(ctx, f"deepviz: error: {where}{exc.strerror or exc}", 1)

    @staticmethod
    def _fail(ctx: click.Context, line: str, code: int) -> None:
        if ctx.meta.get("debug"):
            raise  # noqa: PLE0704 — re-raise the exception being handled, with its traceback
        click.echo(line, err=True)
        sys.exit(code)


@click.group(cls=DeepvizGroup, context_settings={"help_option_names": ["-h", "--help"]})
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


def _register() -> None:
    from deepviz import cli_batch, cli_mapping, cli_render, cli_training

    for module in (cli_render, cli_batch, cli_mapping, cli_training):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
