"""Options dataclasses (declared once with `deepviz.core.options.option`) as click options.

`@options_from(PlanOptions, "plan")` adds one click option per field and hands the command one
`PlanOptions` instance as its `plan` argument.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable
from typing import Any

import click

from deepviz.app.plan import PlanOptions
from deepviz.cli.looks import look_keys, look_text, read_look
from deepviz.core.errors import DeepvizError
from deepviz.core.files import atomic_path, check_output_path
from deepviz.core.options import OptionSpec, RunOptions, check_range, cli_fields
from deepviz.renderer.options import OverlayOptions, VideoOptions


class Ranged(click.ParamType):
    """An int or float checked by `check_range`: finite and inside the declared range."""

    def __init__(self, kind: type, spec: OptionSpec):
        self.kind, self.spec = kind, spec
        self.name = kind.__name__

    def convert(self, value: Any, param, ctx) -> Any:
        if isinstance(value, self.kind) and not isinstance(value, bool):
            number = value
        else:
            try:
                number = self.kind(value)
            except (TypeError, ValueError):
                self.fail(f"{value!r} is not a valid {self.name}", param, ctx)
        try:
            return check_range(param.opts[-1] if param else "value", number, self.spec)
        except DeepvizError as exc:
            self.fail(exc.problem.split(": ", 1)[-1], param, ctx)


def _parsed(parse: Callable[[str], Any]) -> Callable:
    def callback(ctx, param, value):
        if value is None or not isinstance(value, str):
            return value
        try:
            return parse(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None

    return callback


def click_option(fld: dataclasses.Field, spec: OptionSpec, default: Any) -> Callable:
    """The click option of one dataclass field."""
    kw: dict[str, Any] = {"default": default, "help": spec.help, "metavar": spec.metavar}
    if spec.flag:
        return click.option(*spec.flags, fld.name, is_flag=True, help=spec.help)
    kind = spec.kind or type(default)
    if spec.choices is not None:
        choices = spec.choices() if callable(spec.choices) else spec.choices
        kw["type"] = click.Choice(list(choices))
    elif spec.parse is not None:
        kw["callback"] = _parsed(spec.parse)
        if isinstance(default, tuple):  # shown as the user would type it: 1280x720
            kw["default"] = "x".join(map(str, default))
    elif kind in (int, float):
        kw["type"] = Ranged(kind, spec)
    else:
        kw["type"] = str
    kw["show_default"] = spec.show_default and default is not None
    return click.option(*spec.flags, fld.name, **kw)


def options_from(
    cls: type,
    param: str,
    *,
    exclude: Iterable[str] = (),
    defaults: dict[str, Any] | None = None,
) -> Callable:
    """Decorator: the fields of options dataclass `cls` as click options, collected into `param`.

    Fields in `exclude` are not offered and keep their defaults; `defaults` overrides defaults.
    """
    exclude, defaults = set(exclude), dict(defaults or {})
    specs = [(f, s) for f, s in cli_fields(cls) if f.name not in exclude]

    def decorate(command: Callable) -> Callable:
        @functools.wraps(command)
        def collect(**kwargs):
            given = {f.name: kwargs.pop(f.name) for f, _ in specs}
            kwargs[param] = cls(**{**defaults, **given})
            return command(**kwargs)

        for f, spec in reversed(specs):
            collect = click_option(f, spec, defaults.get(f.name, f.default))(collect)
        return collect

    return decorate


def inputs_and_output(argument: str, metavar: str, help: str, required: bool = True) -> Callable:
    """Decorator: the command's inputs (one or more files or folders) and its -o/--output."""

    def decorate(command: Callable) -> Callable:
        output = click.option("-o", "--output", required=required, metavar=metavar, help=help)
        return click.argument(argument, nargs=-1, required=True)(output(command))

    return decorate


def run_options(command: Callable) -> Callable:
    """-y, -q and --debug, handed to the command as `run: RunOptions`."""

    @functools.wraps(command)
    def with_debug(**kwargs):
        if kwargs["run"].debug:
            click.get_current_context().meta["debug"] = True
        return command(**kwargs)

    return options_from(RunOptions, "run")(with_debug)


def debug_option(command: Callable) -> Callable:
    """--debug alone, for commands without outputs to protect (scenes, models)."""

    @functools.wraps(command)
    def with_debug(debug: bool, **kwargs):
        if debug:
            click.get_current_context().meta["debug"] = True
        return command(**kwargs)

    return click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")(with_debug)


def _look_classes() -> tuple[type, ...]:

    return PlanOptions, VideoOptions, OverlayOptions


def _apply_look(ctx: click.Context, param, path: str | None) -> str | None:
    """--look: the file's options become the command's defaults (the command line wins), each
    checked as the option itself is checked."""

    if path is None:
        return None
    flags = {flag: p for p in ctx.command.params for flag in p.opts}
    defaults, unused = {}, []
    for key, value in read_look(path, set(look_keys(_look_classes()))).items():
        option = flags.get(f"--{key}")
        if option is None:
            unused.append(key)
            continue
        try:
            option.process_value(ctx, value)
        except click.BadParameter as exc:
            raise DeepvizError(f"{key}: {exc.message}", path) from None
        defaults[option.name] = value
    if unused:
        click.echo(
            f"deepviz: note: {path}: not options of deepviz {ctx.command.name}, not used: "
            f"{', '.join(unused)}",
            err=True,
        )
    ctx.default_map = {**(ctx.default_map or {}), **defaults}
    return path


def look_options(command: Callable) -> Callable:
    """--look FILE and --save-look FILE; innermost of the options decorators (it sees the
    command's option dataclasses)."""

    @functools.wraps(command)
    def with_look(look: str | None, save_look: str | None, **kwargs):

        if save_look:  # checked before the work, written once the command has succeeded
            check_output_path(save_look, kwargs["run"].overwrite, "look file")
        result = command(**kwargs)
        if save_look:  # the options this command has (a still has no encoder settings)
            offered = {p.name for p in click.get_current_context().command.params}
            saved = [v for v in kwargs.values() if isinstance(v, _look_classes())]
            with atomic_path(save_look, kwargs["run"].overwrite) as tmp:
                tmp.write_text(look_text(saved, offered), encoding="utf-8")
        return result

    saving = click.option(
        "--save-look",
        default=None,
        metavar="FILE.toml",
        help="Also write these options as a look file.",
    )(with_look)
    return click.option(
        "--look",
        default=None,
        metavar="FILE.toml",
        is_eager=True,
        callback=_apply_look,
        help="Options from a look file (TOML); the command line overrides them.",
    )(saving)
