"""The command group: one-line errors, interruptions, and commands loaded only when they run.

Lazy loading as in click's `examples/complex`: `deepviz render` imports the render command's
module (and through it the application layer) and nothing of training or batch.
"""

from __future__ import annotations

import importlib
import sys

import click

from deepviz.core.errors import DeepvizError
from deepviz.core.interrupts import Interrupted, check, clean_up, handle_termination


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
    A bad option is one line too (`deepviz: error: --size: …`, exit 2), not click's four.
    `lazy_commands` maps a command's name to ("module:attribute", its help's first paragraph):
    the module is imported on first use, and the list of commands needs none."""

    def __init__(self, *args, lazy_commands: dict[str, tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy_commands and name not in self.commands:
            module, attribute = self.lazy_commands[name][0].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their summaries, as click lists them, without importing them."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        rows = [
            (name, click.Command(name, help=self.summary(ctx, name)).get_short_help_str(limit))
            for name in names
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def summary(self, ctx: click.Context, name: str) -> str:
        """A command's help, first paragraph: from the table, else from the command itself."""
        if name in self.lazy_commands:
            return self.lazy_commands[name][1]
        return self.get_command(ctx, name).help or ""

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
