"""A track's genre label: the folder it was found in, or FMA's genre_top by track id."""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from deepviz.core.errors import DeepvizError


def genre_label(path: Path, inputs: Sequence[str | os.PathLike]) -> str:
    """A file's genre: the first folder below the input folder it was found in (a file directly
    in it, or named directly: its own folder's name)."""
    for item in inputs:
        root = Path(item)
        if root.is_dir() and path.is_relative_to(root):
            parts = path.relative_to(root).parts
            return parts[0] if len(parts) > 1 else root.resolve().name
    return path.resolve().parent.name


_COLUMNS = {("set", "subset"): "subset", ("set", "split"): "split", ("track", "genre_top"): "genre"}


@dataclass(frozen=True)
class FmaTrack:
    track_id: int
    subset: str  # the smallest subset holding the track
    split: str  # training | validation | test
    genre: str  # genre_top; "" when the track has none


def tracks_csv(metadata: str | os.PathLike) -> Path:
    """`fma_metadata/` or the `tracks.csv` file itself."""
    path = Path(metadata)
    path = path / "tracks.csv" if path.is_dir() else path
    if not path.is_file():
        raise DeepvizError("no FMA tracks.csv here (give the fma_metadata folder)", path)
    return path


def read_tracks(metadata: str | os.PathLike) -> list[FmaTrack]:
    """Every track of FMA's tracks.csv with its subset, split and top genre."""
    path = tracks_csv(metadata)
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        try:
            top, sub, third = next(reader), next(reader), next(reader)
        except StopIteration:
            raise DeepvizError("not FMA's tracks.csv (too short for its header)", path) from None
        filled, last = [], ""
        for name in top:  # the first header row names each column's group
            last = name or last
            filled.append(last)
        where = {pair: i for i, pair in enumerate(zip(filled, sub, strict=False))}
        missing = [f"{a}.{b}" for a, b in _COLUMNS if (a, b) not in where]
        if missing or not third or third[0] != "track_id":
            what = f"no column {', '.join(missing)}" if missing else "no track_id row"
            raise DeepvizError(f"not FMA's tracks.csv ({what} in its header)", path)
        idx = {key: where[pair] for pair, key in _COLUMNS.items()}
        tracks = []
        for n, row in enumerate(reader, start=4):
            if not row:
                continue
            try:
                values = {k: row[i].strip() for k, i in idx.items()}
                tracks.append(FmaTrack(int(row[0]), **values))
            except (ValueError, IndexError):
                raise DeepvizError(f"row {n}: not a track row", path) from None
    return tracks
