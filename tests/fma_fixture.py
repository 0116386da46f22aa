"""A miniature FMA in a folder: short synthesized MP3s, FMA's tracks.csv layout, one broken MP3."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from deepviz.extract.audio import write_audio
from deepviz.extract.synth import synth_track

# FMA's tracks.csv: 52 columns under 4 groups, index column first (pandas' two-row header).
FMA_COLUMNS = {
    "album": "comments date_created date_released engineer favorites id information listens "
    "producer tags title tracks type",
    "artist": "active_year_begin active_year_end associated_labels bio comments date_created "
    "favorites id latitude location longitude members name related_projects tags website "
    "wikipedia_page",
    "set": "split subset",
    "track": "bit_rate comments composer date_created date_recorded duration favorites genre_top "
    "genres genres_all information interest language_code license listens lyricist number "
    "publisher tags title",
}
HEADER = [(group, name) for group, names in FMA_COLUMNS.items() for name in names.split()]
GENRES = {"Electronic": "electronic", "Rock": "rock", "Folk": "acoustic", "Hip-Hop": "hiphop"}
BROKEN_ID = 1666


def encode_mp3(y: np.ndarray, path: Path, sr: int = 44100) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_audio(y, path, sr, args=("-c:a", "libmp3lame", "-b:a", "96k"))
    return path


def track_rows(n_per_genre: int = 6) -> list[dict]:
    """Track ids with subset, split and genre: every genre in small, medium and large."""
    rows, tid = [], 2
    subsets = ["small", "small", "small", "medium", "medium", "large"]
    splits = ["training", "training", "validation", "test", "training", "training"]
    for g in GENRES:
        for i in range(n_per_genre):
            rows.append({"id": tid, "genre": g, "subset": subsets[i % 6], "split": splits[i % 6]})
            tid += 3 if i % 2 else 997  # ids spread over several <first 3 digits> folders
    rows.append({"id": 5, "genre": "", "subset": "small", "split": "training"})  # no genre_top
    rows.append({"id": BROKEN_ID, "genre": "Rock", "subset": "small", "split": "training"})
    return rows


def write_tracks_csv(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([""] + [g for g, _ in HEADER])
        w.writerow([""] + [n for _, n in HEADER])
        w.writerow(["track_id"] + [""] * len(HEADER))
        for r in rows:
            values = {
                ("set", "subset"): r["subset"],
                ("set", "split"): r["split"],
                ("track", "genre_top"): r["genre"],
                ("track", "title"): f"Track {r['id']}, take 2",  # a comma inside quotes
                ("artist", "bio"): "<p>Line one\nline two</p>",  # a newline inside quotes
                ("track", "duration"): "2",
                ("track", "genres"): "[15]",
            }
            w.writerow([r["id"]] + [values.get(col, "") for col in HEADER])
    return path


def make_fma(root: Path, duration: float = 1.5, n_per_genre: int = 6) -> dict:
    """`root/fma_small/…/<id>.mp3` for every listed track, `root/fma_metadata/tracks.csv`."""
    rows = track_rows(n_per_genre)
    audio = root / "fma_small"
    for k, r in enumerate(rows):
        path = audio / f"{r['id']:06d}"[:3] / f"{r['id']:06d}.mp3"
        if r["id"] == BROKEN_ID:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x10" + bytes(range(256)) * 8)
            continue
        style = GENRES.get(r["genre"], "ambient")
        y, _ = synth_track(1000 + k, duration, style)
        encode_mp3(y, path)
    meta = write_tracks_csv(root / "fma_metadata" / "tracks.csv", rows)
    return {"audio": audio, "metadata": meta.parent, "rows": rows}
