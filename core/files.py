"""Files in and out: atomic output (a temporary file renamed at the end), checks of output paths,
and the discovery of audio inputs with their output names."""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from deepviz.core import interrupts
from deepviz.core.errors import DeepvizError


def umask() -> int:
    """The process's umask (reading it means setting it: set it back at once)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def clean_stale_parts(path: Path) -> None:
    """Remove temporary files for `path` left by a deepviz process that no longer runs (killed
    with SIGKILL, or a power cut): `.<stem>.<pid>.<random>.part<suffix>`."""
    folder = path.parent if str(path.parent) else Path(".")
    for part in folder.glob(f".{glob.escape(path.stem)}.*.part{glob.escape(path.suffix)}"):
        pid = part.name[len(path.stem) + 2 :].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            part.unlink(missing_ok=True)


def temp_path_for(path: str | os.PathLike) -> Path:
    """A new empty temporary file in `path`'s folder, named after it and this process (hidden,
    `.part`); stale ones of dead processes are removed first."""
    path = Path(path)
    try:
        clean_stale_parts(path)
        with interrupts.deferred():  # registered as soon as it exists
            fd, tmp = tempfile.mkstemp(
                prefix=f".{path.stem}.{os.getpid()}.",
                suffix=f".part{path.suffix}",
                dir=path.parent if str(path.parent) else ".",
            )
            interrupts.register(tmp, Path(tmp).unlink)
    except OSError as exc:
        raise DeepvizError(f"cannot write in this folder ({exc.strerror or exc})", path) from None
    os.close(fd)
    return Path(tmp)


def discard(tmp: Path) -> None:
    """Remove a temporary file that will not be committed."""
    tmp.unlink(missing_ok=True)
    interrupts.forget(str(tmp))


def commit(tmp: str | os.PathLike, path: str | os.PathLike, replace: bool = True) -> None:
    """Give `tmp` the usual permissions (0666 less the umask) and move it to `path`.

    Without `replace`, a file that appeared at `path` meanwhile (another render, another
    program) is kept and this is an error; with it, only a regular file is ever replaced."""
    os.chmod(tmp, 0o666 & ~umask())
    path = Path(path)
    if os.path.lexists(path):
        if not replace:
            raise DeepvizError(
                "appeared while deepviz was writing it; kept it (use -y to replace)", path
            )
        if not path.is_file() or path.is_symlink():
            raise DeepvizError("is not a regular file; deepviz replaces only files", path)
        os.replace(tmp, path)
        interrupts.forget(str(tmp))
        return
    try:
        os.link(tmp, path)  # fails if the name was taken in the meantime: never replaces
    except FileExistsError:
        raise DeepvizError("appeared while deepviz was writing it; kept it", path) from None
    except OSError:  # a file system without hard links
        os.replace(tmp, path)
    else:
        os.unlink(tmp)
    interrupts.forget(str(tmp))


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, replace: bool = True) -> Iterator[Path]:
    """Yield a temporary path to write; on success it becomes `path`, on error it is removed."""
    tmp = temp_path_for(path)
    try:
        yield tmp
        commit(tmp, path, replace)
    finally:
        discard(tmp)


def read_small_file(path: str | os.PathLike, limit: int, what: str) -> bytes:
    """The bytes of a user's small file (`what`: "look file", "palette file"), at most `limit`
    of them read; a one-line DeepvizError when it is missing, a folder or larger."""
    try:
        with open(path, "rb") as f:
            raw = f.read(limit + 1)
    except FileNotFoundError:
        raise DeepvizError(f"no such {what}", path) from None
    except IsADirectoryError:
        raise DeepvizError(f"is a folder, not a {what}", path) from None
    if len(raw) > limit:
        raise DeepvizError(f"too large for a {what} (over {limit // 1024} KiB)", path)
    return raw


def check_output_path(out: str | os.PathLike, overwrite: bool, what: str = "file") -> Path:
    """Fail early, before any work, if `out` cannot be written (or exists and `overwrite` is off)."""
    out = Path(out)
    if out.is_dir():
        raise DeepvizError(f"is a folder; give a name for the {what}", out)
    if os.path.lexists(out) and (not out.is_file() or out.is_symlink()):
        raise DeepvizError("is not a regular file; deepviz replaces only files", out)
    if out.exists() and not overwrite:
        raise DeepvizError("already exists (use -y/--overwrite to replace it)", out)
    folder = out.parent if str(out.parent) else Path(".")
    longest = len(f".{out.stem}.{os.getpid()}.12345678.part{out.suffix}".encode())
    try:
        name_max = os.pathconf(folder if folder.is_dir() else ".", "PC_NAME_MAX")
    except (OSError, ValueError):
        name_max = 255
    if longest > name_max:
        raise DeepvizError(
            f"the file name is too long ({len(out.name.encode())} bytes; at most "
            f"{name_max - (longest - len(out.name.encode()))} here)",
            out,
        )
    if not folder.is_dir():
        raise DeepvizError("the output folder does not exist", out)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DeepvizError("the output folder is not writable", out)
    return out
