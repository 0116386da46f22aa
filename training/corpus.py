"""The synthesized corpus: seeded tracks of several styles, cut into MFCC patches with labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from deepviz.core.console import progress_bar
from deepviz.extract.audio import load_audio
from deepviz.extract.inputs import audio_files
from deepviz.extract.labels import genre_label
from deepviz.extract.stream import audio_patches
from deepviz.extract.synth import STYLES, synth_track


class PatchRows:
    """Chosen rows of a (memory-mapped) patch store; indexing reads only the rows asked for."""

    def __init__(self, store: np.ndarray, rows: np.ndarray):
        self.store, self.rows = store, np.asarray(rows, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def shape(self) -> tuple[int, ...]:
        return (len(self.rows), *self.store.shape[1:])

    def __getitem__(self, index) -> np.ndarray:
        return np.asarray(self.store[self.rows[index]])


@dataclass
class PatchSet:
    """MFCC patches with a label and a track id each (the unit of the train/val/test split)."""

    patches: np.ndarray | PatchRows  # (n, 64, 96) float32, in memory or memory-mapped
    labels: np.ndarray  # (n,) int64
    track_ids: np.ndarray  # (n,) int64
    label_names: list[str]
    split: np.ndarray | None = None  # (n,) 0 train, 1 validation, 2 test: a given split (FMA's)
    info: dict = field(default_factory=dict)  # where the data came from, tracks skipped, …

    def __len__(self) -> int:
        return len(self.patches)

    def subset(self, mask: np.ndarray) -> PatchSet:
        split = None if self.split is None else self.split[mask]
        return PatchSet(
            self.patches[mask],
            self.labels[mask],
            self.track_ids[mask],
            self.label_names,
            split,
            self.info,
        )

    def split_masks(self, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(train, val, test) masks: the given split, else 90/5/5 by track, seeded."""
        if self.split is None:
            return split_tracks(self.track_ids, seed=seed)
        return self.split == 0, self.split == 1, self.split == 2


def synth_corpus(
    n_tracks: int, duration: float = 30.0, seed: int = 0, progress: bool = True
) -> PatchSet:
    """`n_tracks` synthesized tracks, styles in turn, each cut into 0.96 s patches."""
    all_patches, labels, ids = [], [], []
    for i in progress_bar(range(n_tracks), desc="synthesizing", unit="track", disable=not progress):
        style = STYLES[i % len(STYLES)]
        y, _ = synth_track(seed * 100_003 + i, duration, style)
        p, _ = audio_patches(y)
        all_patches.append(p)
        labels += [STYLES.index(style)] * len(p)
        ids += [i] * len(p)
    return PatchSet(
        np.concatenate(all_patches).astype(np.float32),
        np.asarray(labels, dtype=np.int64),
        np.asarray(ids, dtype=np.int64),
        list(STYLES),
    )


def split_tracks(
    track_ids: np.ndarray, fractions=(0.9, 0.05, 0.05), seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boolean masks (train, val, test) splitting by track, seeded; val and test get ≥ 1 track."""
    tracks = np.unique(track_ids)
    rng = np.random.default_rng(seed)
    rng.shuffle(tracks)
    n = len(tracks)
    n_val = max(1, round(fractions[1] * n)) if n >= 3 else 0
    n_test = max(1, round(fractions[2] * n)) if n >= 3 else 0
    val, test = tracks[:n_val], tracks[n_val : n_val + n_test]
    train = tracks[n_val + n_test :]
    return np.isin(track_ids, train), np.isin(track_ids, val), np.isin(track_ids, test)


def folder_corpus(root: str, progress: bool = True, first_id: int = 0) -> PatchSet:
    """Every audio file under `root`'s style folders, labelled by its folder, as patches."""

    inputs = sorted(str(d) for d in Path(root).iterdir() if d.is_dir())
    files = audio_files(inputs)
    names = sorted({genre_label(f, inputs) for f in files})
    all_patches, labels, ids = [], [], []
    for k, path in enumerate(
        progress_bar(files, desc=f"reading {root}", unit="track", disable=not progress)
    ):
        p, _ = audio_patches(load_audio(path))
        all_patches.append(p)
        labels += [names.index(genre_label(path, inputs))] * len(p)
        ids += [first_id + k] * len(p)
    return PatchSet(
        np.concatenate(all_patches).astype(np.float32),
        np.asarray(labels, np.int64),
        np.asarray(ids, np.int64),
        names,
        info={"corpus": f"folders:{root}"},
    )


def join(a: PatchSet, b: PatchSet) -> PatchSet:
    """Two corpora as one: b's labels follow a's, its track ids are made distinct."""
    offset = int(a.track_ids.max()) + 1
    corpus = f"{a.info.get('corpus')}+{b.info.get('corpus')}"
    return PatchSet(
        np.concatenate([a.patches, b.patches]),
        np.concatenate([a.labels, b.labels + len(a.label_names)]),
        np.concatenate([a.track_ids, b.track_ids + offset]),
        list(a.label_names) + list(b.label_names),
        info={"corpus": corpus},
    )
