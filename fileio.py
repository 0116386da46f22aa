"""Atomic output: write to a temporary file beside the target, rename it into place at the end."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from deepviz.errors import DeepvizError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def temp_path_for(path: str | os.PathLike) -> Path:
    """A new empty temporary file in `path`'s folder, named after it (hidden, `.part`)."""
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.stem}.",
            suffix=f".part{path.suffix}",
            dir=path.parent if str(path.parent) else ".",
        )
    except OSError as exc:
        raise DeepvizError(f"cannot write in this folder ({exc.strerror or exc})", path) from None
    os.close(fd)
    return Path(tmp)


def commit(tmp: str | os.PathLike, path: str | os.PathLike) -> None:
    """Give `tmp` the usual permissions (0666 less the umask) and rename it to `path`."""
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, path)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path to write; on success it becomes `path`, on error it is removed."""
    tmp = temp_path_for(path)
    try:
        yield tmp
        commit(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def check_output_path(out: str | os.PathLike, overwrite: bool, what: str = "file") -> Path:
    """Fail early, before any work, if `out` cannot be written (or exists and `overwrite` is off)."""
    out = Path(out)
    if out.is_dir():
        raise DeepvizError(f"is a folder; give a name for the {what}", out)
    if out.exists() and not overwrite:
        raise DeepvizError("already exists (use -y/--overwrite to replace it)", out)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise DeepvizError("the output folder does not exist", out)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DeepvizError("the output folder is not writable", out)
    return out
