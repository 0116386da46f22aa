"""The Free Music Archive as training data: tracks.csv, the audio folders and a patch cache.

`tracks.csv` has a two-row header (then a `track_id` row); deepviz reads the columns
('set', 'subset') = small | medium | large (nested: small ⊂ medium ⊂ large), ('set', 'split') =
training | validation | test and ('track', 'genre_top'). Audio lies at
`fma_<subset>/<first 3 digits>/<id:06d>.mp3`. Each track is decoded once into MFCC patches that are
appended to a raw float32 store (memory-mapped when training) with a JSON-lines index, one line per
track done, so an interrupted preprocessing resumes where it stopped. Unreadable MP3s (FMA has a
few) are skipped, recorded and reported.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from deepviz.core.console import progress_bar
from deepviz.core.errors import DeepvizError
from deepviz.extract.audio import load_audio
from deepviz.extract.checkpoint import preprocessing_config
from deepviz.extract.features import N_MFCC, SEGMENT_FRAMES
from deepviz.extract.labels import FmaTrack, read_tracks, tracks_csv
from deepviz.extract.stream import audio_patches
from deepviz.training.corpus import PatchRows, PatchSet

SUBSETS = ("small", "medium", "large")
SPLITS = {"training": 0, "validation": 1, "test": 2}
PATCH_SHAPE = (N_MFCC, SEGMENT_FRAMES)

_decodes = 0  # audio files decoded by this process (the cache's tests read it)
_decodes_lock = threading.Lock()


def decode_count() -> int:
    """How many audio files this process has decoded for the FMA cache."""
    return _decodes


def select_tracks(tracks: list[FmaTrack], subset: str) -> list[FmaTrack]:
    """The tracks of `subset` (with those of the smaller subsets in it) that have a top genre."""
    if subset not in SUBSETS:
        raise DeepvizError(f"unknown FMA subset {subset!r} (small, medium or large)")
    level = SUBSETS.index(subset)
    return [
        t for t in tracks if t.subset in SUBSETS and SUBSETS.index(t.subset) <= level and t.genre
    ]


def audio_path(audio_dir: str | os.PathLike, track_id: int) -> Path:
    name = f"{track_id:06d}"
    return Path(audio_dir) / name[:3] / f"{name}.mp3"


def guess_subset(audio_dir: str | os.PathLike) -> str:
    """`fma_medium` → medium; small when the folder name does not say."""
    m = re.search(r"fma_(small|medium|large)", Path(audio_dir).resolve().name)
    return m.group(1) if m else "small"


def default_cache_dir(audio_dir: str | os.PathLike) -> Path:
    """`<audio>/.deepviz-cache` when the audio folder is writable, else `~/.cache/deepviz/fma`."""
    audio_dir = Path(audio_dir)
    if os.access(audio_dir, os.W_OK):
        return audio_dir / ".deepviz-cache"
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "deepviz" / "fma"


@dataclass
class PatchStore:
    """A folder of MFCC patches: `patches.f32` (rows of 64×96 float32) and `index.jsonl`."""

    root: Path
    entries: dict[int, dict] = field(default_factory=dict)  # track id → {row, n, size} or {error}

    @classmethod
    def open(cls, cache_dir: str | os.PathLike) -> PatchStore:
        """The store for today's preprocessing under `cache_dir` (created when missing)."""
        config = preprocessing_config()
        key = hashlib.sha1(json.dumps(config, sort_keys=True).encode()).hexdigest()[:10]
        root = Path(cache_dir) / f"mfcc-{key}"
        try:
            root.mkdir(parents=True, exist_ok=True)
            if not (root / "preprocessing.json").is_file():
                (root / "preprocessing.json").write_text(json.dumps(config, indent=1))
        except OSError as exc:
            raise DeepvizError(f"cannot write the patch cache ({exc.strerror})", root) from None
        store = cls(root)
        store._read_index()
        return store

    @property
    def data_path(self) -> Path:
        return self.root / "patches.f32"

    @property
    def index_path(self) -> Path:
        return self.root / "index.jsonl"

    @property
    def n_rows(self) -> int:
        return max((e["row"] + e["n"] for e in self.entries.values() if "row" in e), default=0)

    def _read_index(self) -> None:
        self.entries = {}
        if self.index_path.is_file():
            for line in self.index_path.read_text().splitlines():
                try:
                    e = json.loads(line)
                    self.entries[int(e["id"])] = e
                except (ValueError, KeyError, TypeError):
                    break  # a line cut short by an interruption: what follows is not trusted
        row_bytes = int(np.prod(PATCH_SHAPE)) * 4
        have = self.data_path.stat().st_size // row_bytes if self.data_path.is_file() else 0
        for tid in [t for t, e in self.entries.items() if e.get("row", 0) + e.get("n", 0) > have]:
            del self.entries[tid]  # an index line whose rows never reached the disk
        if have > self.n_rows:
            os.truncate(self.data_path, self.n_rows * row_bytes)  # rows written, index line not

    def is_current(self, track_id: int, size: int) -> bool:
        e = self.entries.get(track_id)
        return e is not None and e.get("size") == size

    @contextmanager
    def writing(self) -> Iterator:
        """Lock the store, then yield `add(track_id, size, patches | error)`."""
        with open(self.root / "lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                problem = "the patch cache is in use by another deepviz"
                raise DeepvizError(problem, self.root) from None
            self._read_index()
            with open(self.data_path, "ab") as data, open(self.index_path, "a") as index:

                def add(track_id: int, size: int, patches=None, error: str | None = None) -> None:
                    entry = {"id": track_id, "size": size}
                    if error is None:
                        patches = np.ascontiguousarray(patches, dtype="<f4")
                        entry.update(row=self.n_rows, n=len(patches))
                        data.write(patches.tobytes())
                        data.flush()  # the rows first, then the index line that vouches for them
                    else:
                        entry["error"] = error
                    index.write(json.dumps(entry) + "\n")
                    index.flush()
                    self.entries[track_id] = entry

                yield add

    def memmap(self) -> np.ndarray:
        if self.n_rows == 0:
            return np.zeros((0, *PATCH_SHAPE), np.float32)
        return np.memmap(self.data_path, dtype="<f4", mode="r", shape=(self.n_rows, *PATCH_SHAPE))


def _decode(path: Path) -> np.ndarray:
    global _decodes
    with _decodes_lock:
        _decodes += 1
    patches, _ = audio_patches(load_audio(path))
    return patches


def preprocess(
    store: PatchStore,
    tracks: list[tuple[int, Path]],
    jobs: int = 1,
    progress: bool = True,
) -> dict[int, str]:
    """Decode every (track id, mp3) not yet in `store` (or changed since) and append it.

    Returns the tracks whose file is missing (not recorded: they may turn up later).
    """
    todo, missing = [], {}
    for tid, path in tracks:
        if not path.is_file():
            missing[tid] = "no such file"
        elif not store.is_current(tid, size := path.stat().st_size):
            todo.append((tid, path, size))
    if not todo:
        return missing
    with store.writing() as add, ThreadPoolExecutor(max(1, jobs)) as pool:
        futures = {pool.submit(_decode, path): (tid, size) for tid, path, size in todo}
        bar = progress_bar(
            total=len(futures), desc="decoding FMA", unit="track", disable=not progress
        )
        try:
            for fut in as_completed(futures):
                tid, size = futures[fut]
                try:
                    add(tid, size, fut.result())
                except DeepvizError as exc:
                    add(tid, size, error=exc.problem)
                except Exception as exc:  # a file ffmpeg reads but the analysis chokes on
                    add(tid, size, error=f"{type(exc).__name__}: {exc}"[:200])
                bar.update(1)
        except BaseException:
            for f in futures:
                f.cancel()
            raise
        finally:
            bar.close()
    return missing


def _rows_of(store: PatchStore, tracks: list[FmaTrack], genres: list[str]):
    """(store rows, labels, track ids, split codes) of the tracks' cached patches."""
    rows, labels, ids, split = [], [], [], []
    for t in tracks:
        e = store.entries[t.track_id]
        rows.append(np.arange(e["row"], e["row"] + e["n"]))
        labels += [genres.index(t.genre)] * e["n"]
        ids += [t.track_id] * e["n"]
        split += [SPLITS.get(t.split, -1)] * e["n"]
    return rows, labels, ids, np.asarray(split, dtype=np.int64)


def load_fma(
    audio_dir: str | os.PathLike,
    metadata: str | os.PathLike,
    subset: str | None = None,
    fma_split: bool = False,
    seed: int = 0,
    cache_dir: str | os.PathLike | None = None,
    max_tracks: int | None = None,
    jobs: int = 1,
    progress: bool = True,
) -> PatchSet:
    """FMA `subset` as a PatchSet of memory-mapped patches labelled by top genre.

    The split is FMA's own with `fma_split`, else 90/5/5 by track seeded with `seed` (made by the
    training loop). `info["skipped"]` lists the tracks that could not be read, with the reason.
    """
    audio_dir = Path(audio_dir)
    if not audio_dir.is_dir():
        raise DeepvizError("no such FMA audio folder", audio_dir)
    subset = subset or guess_subset(audio_dir)
    chosen = sorted(select_tracks(read_tracks(metadata), subset), key=lambda t: t.track_id)
    if max_tracks:  # an even draw over the subset, seeded, for quick trials
        pick = np.random.default_rng(seed).permutation(len(chosen))[:max_tracks]
        chosen = [chosen[i] for i in sorted(pick)]
    if not chosen:
        raise DeepvizError(f"no track of subset {subset} with a top genre", tracks_csv(metadata))
    store = PatchStore.open(cache_dir or default_cache_dir(audio_dir))
    files = [(t.track_id, audio_path(audio_dir, t.track_id)) for t in chosen]
    skipped = preprocess(store, files, jobs, progress)
    for t in chosen:
        if t.track_id not in skipped and "error" in store.entries[t.track_id]:
            skipped[t.track_id] = store.entries[t.track_id]["error"]
    ok = [t for t in chosen if t.track_id not in skipped]
    if not ok:
        raise DeepvizError(
            f"none of the {len(chosen)} tracks of subset {subset} could be read here "
            f"(e.g. {audio_path(audio_dir, chosen[0].track_id)}: {skipped[chosen[0].track_id]})",
            audio_dir,
        )
    genres = sorted({t.genre for t in ok})
    rows, labels, ids, split = _rows_of(store, ok, genres)
    if fma_split and (split < 0).any():
        raise DeepvizError("some tracks lack FMA's split (set.split)", tracks_csv(metadata))
    info = {
        "corpus": f"fma:{subset}",
        "subset": subset,
        "split": "fma" if fma_split else "90/5/5 by track",
        "tracks_read": len(ok),
        "skipped": {str(k): v for k, v in sorted(skipped.items())},
        "cache": str(store.root),
    }
    return PatchSet(
        PatchRows(store.memmap(), np.concatenate(rows)),
        np.asarray(labels, dtype=np.int64),
        np.asarray(ids, dtype=np.int64),
        genres,
        split if fma_split else None,
        info,
    )
