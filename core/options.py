"""Options declared once, as dataclass fields: default, flags, help, and the checks of the value.

The pipeline's option dataclasses (`PlanOptions`, `VideoOptions`, `TrainConfig`, …) declare their
fields with `option(...)`; the command line (cli_options.py) turns each field into a click option
and hands the command one instance. Plain Python here: no click, no torch.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from deepviz.core.errors import DeepvizError


@dataclass(frozen=True)
class OptionSpec:
    """How a field appears on the command line."""

    flags: tuple[str, ...]
    help: str = ""
    choices: Sequence[str] | Callable[[], Sequence[str]] | None = None  # a callable: looked up late
    low: float | None = None  # numeric range, inclusive unless *_open
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    metavar: str | None = None
    parse: Callable[[str], Any] | None = None  # text → value; raises ValueError with the reason
    flag: bool = False
    kind: type | None = None  # int, float or str when the default (None) does not tell
    show_default: bool = True


def option(default: Any, *flags: str, **spec: Any) -> Any:
    """A dataclass field that is also a command-line option (see OptionSpec for `spec`)."""
    return field(default=default, metadata={"cli": OptionSpec(tuple(flags), **spec)})


def cli_fields(cls: type) -> list[tuple[dataclasses.Field, OptionSpec]]:
    """The fields of an options dataclass that are command-line options, in declaration order."""
    return [(f, f.metadata["cli"]) for f in dataclasses.fields(cls) if "cli" in f.metadata]


def check_range(name: str, value: float, spec: OptionSpec) -> float:
    """`value` if finite and inside the spec's range, else a DeepvizError naming the option."""
    if isinstance(value, float) and not math.isfinite(value):
        raise DeepvizError(f"{name}: must be a finite number, got {value}")
    low_ok = spec.low is None or (value > spec.low if spec.low_open else value >= spec.low)
    high_ok = spec.high is None or (value < spec.high if spec.high_open else value <= spec.high)
    if not (low_ok and high_ok):
        lo = "-∞" if spec.low is None else f"{spec.low:g}"
        hi = "∞" if spec.high is None else f"{spec.high:g}"
        bracket = ("(" if spec.low_open else "[") + f"{lo}, {hi}" + (")" if spec.high_open else "]")
        raise DeepvizError(f"{name}: {value:g} is not in {bracket}")
    return value


SIZE_PRESETS = {"720p": (1280, 720), "1080p": (1920, 1080), "1440p": (2560, 1440),
                "4k": (3840, 2160), "vertical": (1080, 1920), "square": (1080, 1080)}  # fmt: skip


def parse_size(text: str) -> tuple[int, int]:
    """'1280x720' → (1280, 720): even numbers within 16–7680 × 16–4320; or a preset name:
    720p, 1080p, 1440p, 4k, vertical (1080x1920, for phones), square (1080x1080)."""
    if str(text).lower() in SIZE_PRESETS:
        return SIZE_PRESETS[str(text).lower()]
    try:
        w, h = (int(v) for v in str(text).lower().split("x"))
    except ValueError:
        names = ", ".join(SIZE_PRESETS)
        raise ValueError(
            f"{text!r} is not WIDTHxHEIGHT (e.g. 1280x720) or one of {names}"
        ) from None
    if not (16 <= w <= 7680 and 16 <= h <= 7680) or w % 2 or h % 2:
        raise ValueError(f"{text}: width and height must be even and 16–7680")
    return w, h


def parse_widths(text: str) -> tuple[int, ...]:
    """'8,16,32,64' → (8, 16, 32, 64), all positive."""
    try:
        widths = tuple(int(v) for v in str(text).split(","))
    except ValueError:
        raise ValueError(f"{text!r} is not a comma-separated list of integers") from None
    if not widths or min(widths) < 1:
        raise ValueError(f"{text!r}: widths must be positive")
    return widths


HELP = {  # the options' help, as `--help` shows it
    "overwrite": "Replace the output if it exists.",
    "quiet": "No progress output.",
    "debug": "Show full tracebacks on errors.",
}


@dataclass
class RunOptions:
    """How a command runs, whatever it does."""

    overwrite: bool = option(False, "-y", "--overwrite", flag=True, help=HELP["overwrite"])
    quiet: bool = option(False, "-q", "--quiet", flag=True, help=HELP["quiet"])
    debug: bool = option(False, "--debug", flag=True, help=HELP["debug"])


def coerce(cls: type, name: str, text: str) -> Any:
    """The value of option field `name` of `cls` written as `text`, checked as the command line
    checks it (choices, parser, range); a DeepvizError names the option."""
    fld = next((f for f in dataclasses.fields(cls) if f.name == name), None)
    if fld is None or "cli" not in fld.metadata:
        raise DeepvizError(f"{cls.__name__} has no option {name!r}")
    spec: OptionSpec = fld.metadata["cli"]
    flag = spec.flags[-1]
    if spec.choices is not None:
        choices = spec.choices() if callable(spec.choices) else spec.choices
        if text not in choices:
            raise DeepvizError(f"{flag}: {text!r} is not one of {', '.join(choices)}")
        return text
    if spec.parse is not None:
        try:
            return spec.parse(text)
        except ValueError as exc:
            raise DeepvizError(f"{flag}: {exc}") from None
    kind = spec.kind or type(fld.default)
    if kind in (int, float):
        try:
            number = kind(text)
        except ValueError:
            raise DeepvizError(f"{flag}: {text!r} is not a valid {kind.__name__}") from None
        return check_range(flag, number, spec)
    return text
