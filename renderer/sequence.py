"""PNG sequences for editors: `-o frames/%05d.png` writes one PNG per frame into a folder, which
appears only when complete (written under a hidden temporary name, then renamed)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from deepviz.core.errors import DeepvizError
from deepviz.core.files import umask

FRAME_NUMBER = re.compile(r"%0?[1-9]?d")


def is_sequence(out: str | os.PathLike) -> bool:
    """A .png output whose name holds a frame number pattern (%d, %05d)."""
    return Path(out).suffix.lower() == ".png" and bool(FRAME_NUMBER.search(Path(out).name))


def check_sequence(out: str | os.PathLike, overwrite: bool) -> Path:
    """Before any work: one pattern in the name; the folder absent, empty, or (with -y) holding
    only PNG files; its parent writable."""
    out = Path(out)
    if len(FRAME_NUMBER.findall(out.name)) != 1 or "%" in FRAME_NUMBER.sub("", out.name):
        raise DeepvizError(
            "a PNG sequence needs one frame number pattern, e.g. frames/%05d.png", out
        )
    folder = out.parent if str(out.parent) not in ("", ".") else None
    if folder is None:
        raise DeepvizError(
            "a PNG sequence goes into a folder of its own, e.g. frames/%05d.png", out
        )
    if folder.exists():
        entries = list(folder.iterdir()) if folder.is_dir() else None
        if entries is None:
            raise DeepvizError("is not a folder", folder)
        if entries and not overwrite:
            raise DeepvizError("already holds files (use -y/--overwrite to replace them)", folder)
        if any(p.suffix.lower() != ".png" or not p.is_file() for p in entries):
            raise DeepvizError(
                "holds other files than PNG frames; deepviz replaces only those", folder
            )
    parent = folder.parent if str(folder.parent) else Path(".")
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise DeepvizError("cannot create the folder here", folder)
    return out


def temp_folder(folder: Path) -> Path:
    """A hidden temporary folder beside `folder`, named after it and this process."""
    return Path(
        tempfile.mkdtemp(
            prefix=f".{folder.name}.{os.getpid()}.",
            suffix=".part",
            dir=folder.parent if str(folder.parent) else ".",
        )
    )


def commit_folder(tmp: Path, folder: Path, replace: bool) -> None:
    """Move the finished frames into place: the folder becomes the temporary one."""
    os.chmod(tmp, 0o777 & ~umask())
    if folder.exists():
        if any(folder.iterdir()) and not replace:
            raise DeepvizError("files appeared while deepviz was writing; kept them", folder)
        shutil.rmtree(folder)
    os.rename(tmp, folder)
