"""Audio inputs: which files deepviz takes as audio, found in the folders a user names."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from deepviz.core.errors import DeepvizError
from deepviz.extract.decode import probe, read_tags

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

    return probe(path).audio_streams > 0


def _walk(folder: Path, skip: Path | None) -> Iterator[Path]:
    """Files under `folder`, sorted, without hidden folders (.venv, .git) or the folder `skip`."""
    for root, dirs, names in os.walk(folder):
        here = Path(root)
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".") and (skip is None or (here / d).resolve() != skip)
        )
        yield from (here / n for n in sorted(names))


def audio_files(
    inputs: Iterable[str | os.PathLike], pattern: str | None = None, skip: Path | None = None
) -> list[Path]:
    """Files named directly, plus the audio files found (recursively) in named folders; `pattern`
    (a glob on the name or the path below the folder) filters what folders give; `skip`: a
    folder never searched (a batch's own output folder)."""

    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = [
                p
                for p in _walk(path, skip)
                if p.is_file()
                and (
                    pattern is None
                    or fnmatch.fnmatch(p.name, pattern)
                    or fnmatch.fnmatch(str(p.relative_to(path)), pattern)
                )
                and is_audio_file(p)
            ]
            if not found:
                raise DeepvizError(
                    "no audio files in this folder" + (f" match {pattern}" if pattern else ""), path
                )
            files += found
        elif path.exists():
            files.append(path)
        else:
            raise DeepvizError("no such file or folder", path)
    return files
