"""Per-track features on disk, keyed by the file's content and the network: nothing is extracted
twice (render, params, fit, analyze and a batch's re-runs all share it).

Entries are `.npz` files of plain arrays, read with `allow_pickle=False`; a damaged entry is
ignored and rewritten. The folder is $DEEPVIZ_CACHE, else $XDG_CACHE_HOME/deepviz, else
~/.cache/deepviz (`features/` inside).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np

from deepviz.core.errors import DeepvizError
from deepviz.core.files import atomic_path
from deepviz.extract.features import Segmentation, TrackFeatures

# bump when the analysis changes what a track's features are (v2: per-block top_db; v3: style;
# v4: the onsets' hits; v5: each segment's style)
FORMAT = "v5"


def cache_root() -> Path:
    if os.environ.get("DEEPVIZ_CACHE"):
        return Path(os.environ["DEEPVIZ_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "deepviz"


def file_digest(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes (read in chunks), first 32 hex digits."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()[:32]


class FeatureCache:
    """Features by (file content, network) in `root/features/`."""

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root) if root is not None else cache_root() / "features"

    def entry(self, audio: str | os.PathLike, model_key: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", model_key)
        return self.root / FORMAT / safe / f"{file_digest(audio)}.npz"

    def load(self, entry: Path, model_id: str) -> TrackFeatures | None:
        """The cached features, or None when absent or unreadable."""
        try:
            with np.load(entry, allow_pickle=False) as z:
                values, starts, anchors = z["values"], z["starts"], z["anchors"]
                duration, env, style = float(z["duration"]), z["envelopes"], z["style"]
                segment_style = z["segment_style"]
        except (OSError, ValueError, KeyError):
            return None
        ok = values.ndim == 2 and len(values) == len(starts) == len(anchors) and len(values) > 0
        ok = ok and env.ndim == 2 and len(env) == 3 and np.isfinite(env).all()
        ok = ok and style.ndim == 1 and np.isfinite(style).all()
        ok = ok and segment_style.shape in ((0,), (len(values), style.size))
        ok = ok and bool(np.isfinite(segment_style).all())
        if not ok or not np.isfinite(values).all() or not np.isfinite(duration):
            return None
        style = style if style.size else None  # a network without convolutions has none
        segment_style = segment_style if segment_style.size else None
        segmentation = Segmentation(starts, anchors)
        return TrackFeatures(values, segmentation, duration, model_id, env, style, segment_style)

    def save(self, entry: Path, features: TrackFeatures) -> None:
        """Store atomically; a cache that cannot be written is skipped, not an error."""
        if features.envelopes is None:
            return  # nothing but plain arrays goes in (None would need a pickle)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(entry) as tmp, open(tmp, "wb") as f:
                np.savez(
                    f,
                    values=features.values,
                    starts=features.segmentation.starts,
                    anchors=features.segmentation.anchors,
                    duration=np.float64(features.duration),
                    envelopes=features.envelopes,
                    style=_or_empty(features.style),
                    segment_style=_or_empty(features.segment_style),
                )
        except (OSError, DeepvizError):
            pass


def _or_empty(array: np.ndarray | None) -> np.ndarray:
    """An array to store: None (a network without convolutions) as an empty one."""
    return np.zeros(0, np.float32) if array is None else array
