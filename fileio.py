"""Files in and out: atomic output (a temporary file renamed at the end), checks of output paths,
and the discovery of audio inputs with their output names."""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from deepviz import interrupts
from deepviz.errors import DeepvizError


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
            raise DeepvizError("appeared while deepviz was writing it; kept it (use -y to replace)",
                               path)  # fmt: skip
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
        raise DeepvizError(f"the file name is too long ({len(out.name.encode())} bytes; at most "
                           f"{name_max - (longest - len(out.name.encode()))} here)", out)  # fmt: skip
    if not folder.is_dir():
        raise DeepvizError("the output folder does not exist", out)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DeepvizError("the output folder is not writable", out)
    return out


AUDIO_EXTENSIONS = frozenset(
    ".mp3 .wav .flac .ogg .oga .opus .m4a .aac .wma .aif .aiff .mka .webm .mp4".split()
)
VIDEO_EXTENSIONS = frozenset(".mp4 .mov .mkv .webm .m4v .avi".split())
NEVER_AUDIO = frozenset(  # never worth a probe: text, images, documents, deepviz's own files
    ".txt .md .rst .json .csv .tsv .toml .yaml .yml .xml .html .htm .css .js .py .sh .log .nfo "
    ".cue .m3u .m3u8 .pls .ini .cfg .db .sqlite .png .jpg .jpeg .gif .bmp .webp .tif .tiff .svg "
    ".pdf .doc .docx .zip .tar .gz .7z .rar .dvz .npz .part .lrc .sfv .md5 .torrent".split()
)


def made_by_deepviz(path: Path) -> bool:
    """A video that records deepviz's provenance: a batch never takes its own output as audio."""
    from deepviz.extract.decode import read_tags

    return read_tags(path).get("comment", "").startswith("deepviz ")


def is_audio_file(path: Path) -> bool:
    """Audio deepviz should take: the extension first (fast), else a probe for an audio stream."""
    ext = path.suffix.lower()
    if ext in NEVER_AUDIO or path.name.startswith("."):
        return False
    if ext in VIDEO_EXTENSIONS:
        return not made_by_deepviz(path)
    if ext in AUDIO_EXTENSIONS:
        return True
    from deepviz.extract.decode import probe

    return probe(path).audio_streams > 0


def _walk(folder: Path, skip: Path | None) -> Iterator[Path]:
    """Files under `folder`, sorted, without hidden folders (.venv, .git) or the folder `skip`."""
    for root, dirs, names in os.walk(folder):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and (skip is None or (here / d).resolve() != skip))  # fmt: skip
        yield from (here / n for n in sorted(names))


def audio_files(
    inputs: Iterable[str | os.PathLike], pattern: str | None = None, skip: Path | None = None
) -> list[Path]:
    """Files named directly, plus the audio files found (recursively) in named folders; `pattern`
    (a glob on the name or the path below the folder) filters what folders give; `skip`: a
    folder never searched (a batch's own output folder)."""
    import fnmatch

    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = [p for p in _walk(path, skip) if p.is_file() and (pattern is None or
                     fnmatch.fnmatch(p.name, pattern) or
                     fnmatch.fnmatch(str(p.relative_to(path)), pattern)) and is_audio_file(p)]  # fmt: skip
            if not found:
                raise DeepvizError("no audio files in this folder"
                                   + (f" match {pattern}" if pattern else ""), path)  # fmt: skip
            files += found
        elif path.exists():
            files.append(path)
        else:
            raise DeepvizError("no such file or folder", path)
    return files


def is_batch(inputs: Sequence[str | os.PathLike]) -> bool:
    """Several inputs, or a folder: one output per file, into a folder."""
    return len(inputs) > 1 or Path(inputs[0]).is_dir()


def mirrored_name(src: Path, inputs: Sequence[str | os.PathLike], suffix: str) -> Path:
    """The output's path below the output folder: the input folders' structure mirrored (under
    each folder's name when there are several inputs); a file named directly: its name."""
    for item in inputs:
        root = Path(item)
        if root.is_dir() and src.is_relative_to(root):
            rel = src.relative_to(root).with_suffix(suffix)
            return rel if len(inputs) == 1 else Path(root.resolve().name) / rel
    return Path(src.stem + suffix)


def batch_jobs(
    inputs: Sequence[str | os.PathLike], output: str | os.PathLike | None, suffix: str = ".mp4",
    pattern: str | None = None,
) -> list[tuple[Path, Path]]:  # fmt: skip
    """(input, output) pairs, the output folder mirroring the inputs' folders.

    Creates the folder; refuses a file as the folder and two inputs that would write one output.
    """
    folder = Path(output or ".")
    if folder.suffix.lower() == suffix:
        raise DeepvizError("with several inputs, -o names a folder", folder)
    if folder.exists() and not folder.is_dir():
        raise DeepvizError("is a file; with several inputs, -o names a folder", folder)
    files = audio_files(inputs, pattern, skip=folder.resolve())
    jobs = [(src, folder / mirrored_name(src, inputs, suffix)) for src in files]
    by_output: dict[Path, list[Path]] = {}
    for src, out in jobs:
        by_output.setdefault(out, []).append(src)
    for out, sources in by_output.items():
        if len(sources) > 1:
            raise DeepvizError(f"{' and '.join(map(str, sources))} would both write {out}")
    sources = {src.resolve() for src, _ in jobs}
    for src, out in jobs:
        if out.resolve() in sources:
            raise DeepvizError(f"the video of {src} would overwrite an input, {out}")
    folder.mkdir(parents=True, exist_ok=True)
    for _, out in jobs:
        out.parent.mkdir(parents=True, exist_ok=True)
    return jobs


def genre_label(path: Path, inputs: Sequence[str | os.PathLike]) -> str:
    """A file's genre: the first folder below the input folder it was found in (a file directly
    in it, or named directly: its own folder's name)."""
    for item in inputs:
        root = Path(item)
        if root.is_dir() and path.is_relative_to(root):
            parts = path.relative_to(root).parts
            return parts[0] if len(parts) > 1 else root.resolve().name
    return path.resolve().parent.name
