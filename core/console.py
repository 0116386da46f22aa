"""One console for a command's output: progress bars, result lines and notes on stderr.

Progress for long work is tqdm's bar on a terminal, a plain line every few seconds in a log.

A log (stderr not a terminal: CI, `2> file`, a pipe) gets lines like
`rendering song.mp4: 450/900 frames (50 %), 24.1 frames/s, ETA 0:19`, not hundreds of carriage
returns. `--quiet` gives nothing at all.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from tqdm import tqdm

LOG_EVERY = 5.0  # seconds between two lines in a log


class LineProgress:
    """tqdm's small API (update, set_postfix, close, iteration, with) printing plain lines."""

    def __init__(self, iterable=None, total=None, desc="", unit="it", every=LOG_EVERY, **_):
        self.iterable = iterable
        self.total = total if total is not None else (len(iterable) if iterable is not None else 0)
        self.desc, self.unit, self.every = desc, unit, every
        self.n, self.start, self.postfix, self.printed = 0, time.monotonic(), "", -1
        self.last = self.start

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.start, 1e-9)
        rate = self.n / elapsed
        done = f"{self.n}/{self.total} {self.unit}s" if self.total else f"{self.n} {self.unit}s"
        pct = f" ({100 * self.n / self.total:.0f} %)" if self.total else ""
        eta = ""
        if self.total and rate > 0 and self.n < self.total:
            minutes, seconds = divmod(int((self.total - self.n) / rate), 60)
            eta = f", ETA {minutes}:{seconds:02d}"
        post = f" ({self.postfix})" if self.postfix else ""
        return f"{self.desc}: {done}{pct}, {rate:.2g} {self.unit}s/s{eta}{post}"

    def update(self, n: int = 1) -> None:
        self.n += n
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self.printed = self.n
            print(self.line(), file=sys.stderr, flush=True)

    def set_postfix(self, *args, **kwargs) -> None:
        pass

    def set_postfix_str(self, text: str = "", refresh: bool = True) -> None:
        self.postfix = text

    def set_description(self, desc: str = "", refresh: bool = True) -> None:
        self.desc = desc

    def close(self) -> None:
        if self.n and self.n != self.printed:
            print(self.line(), file=sys.stderr, flush=True)
        self.n = self.printed = 0

    def __iter__(self) -> Iterator:
        for item in self.iterable:
            yield item
            self.update(1)
        self.close()

    def __enter__(self) -> LineProgress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def progress_bar(iterable: Iterable | None = None, *, disable: bool = False, **kwargs):
    """tqdm on a terminal, LineProgress in a log, nothing when `disable` (--quiet)."""

    if disable or sys.stderr.isatty():
        return tqdm(iterable, disable=disable, dynamic_ncols=True, **kwargs)
    return LineProgress(iterable, **kwargs)


@dataclass(frozen=True)
class Console:
    """Where a command speaks: progress and result lines (hidden by --quiet), notes and warnings
    (shown unless `notes` is off), results meant for a pipe on stdout."""

    quiet: bool = False
    notes: bool = True

    def say(self, line: str) -> None:
        """A progress or result line (`wrote song.mp4`)."""
        if not self.quiet:
            print(line, file=sys.stderr, flush=True)

    def note(self, line: str) -> None:
        """A note or warning the user should see even with --quiet."""
        if self.notes:
            print(line, file=sys.stderr, flush=True)

    def out(self, line: str) -> None:
        """A result on stdout (a table a user may pipe on)."""
        print(line, flush=True)

    def progress(self, iterable: Iterable | None = None, **kwargs):
        """A progress bar, or none when quiet."""
        return progress_bar(iterable, disable=self.quiet or kwargs.pop("disable", False), **kwargs)


SILENT = Console(quiet=True, notes=False)  # for work inside another's: batch workers, tests
