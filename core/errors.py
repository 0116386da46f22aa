"""The one error type users see: a file and what is wrong with it, printed on one line."""

from __future__ import annotations

import os


class DeepvizError(Exception):
    """A user-facing error: printed as one line, `deepviz: <file>: <problem>`, exit code 1."""

    def __init__(self, problem: str, path: str | os.PathLike | None = None):
        self.problem = problem
        self.path = None if path is None else os.fspath(path)
        super().__init__(f"{self.path}: {problem}" if self.path else problem)


def first_line(exc: BaseException, default: str | None = None) -> str:
    """The first line of an exception's message (libraries' reports run to many lines); `default`,
    else the exception's type name, when it has none."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else default or type(exc).__name__
