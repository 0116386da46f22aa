"""Options dataclasses (declared once with `deepviz.options.option`) as click options.

`@options_from(PlanOptions, "plan")` adds one click option per field and hands the command one
`PlanOptions` instance as its `plan` argument.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable
from typing import Any

import click

from deepviz.errors import DeepvizError
from deepviz.options import OptionSpec, RunOptions, check_range, cli_fields


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


def stderr(enabled: bool = True) -> Callable[[str], None]:
    """A function printing one line to stderr (or nothing when not `enabled`)."""
    if not enabled:
        return lambda line: None
    return lambda line: click.echo(line, err=True)
