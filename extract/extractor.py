"""From an audio file (or patches) to one feature vector per 0.96 s segment."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable

import numpy as np
import torch

from deepviz.core.errors import DeepvizError
from deepviz.extract.audio import check_input_file
from deepviz.extract.cache import file_digest
from deepviz.extract.checkpoint import Checkpoint, load_checkpoint, resolve_checkpoint
from deepviz.extract.decode import audio_chunks
from deepviz.extract.features import SAMPLE_RATE, TrackFeatures
from deepviz.extract.stream import TrackAnalysis
from deepviz.extract.style import StyleStatistics

# Below this many parameters a network stays on the CPU under `auto`: the default one (0.54 M)
# runs at 0.4 ms a patch on 2 cores (1.5 s for an hour of audio), less than CUDA takes to start.
SMALL_NETWORK = 5_000_000


def is_small(model: torch.nn.Module) -> bool:
    """Fewer than SMALL_NETWORK parameters: quicker on the CPU than CUDA is to start."""
    return sum(p.numel() for p in model.parameters()) < SMALL_NETWORK


def resolve_device(name: str = "auto", model: torch.nn.Module | None = None) -> torch.device:
    """auto → cuda when available, else cpu; with `model`, a small network stays on the cpu."""
    if name == "auto":
        if model is not None and is_small(model):
            return torch.device("cpu")
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise DeepvizError("--device cuda was asked for, but torch sees no CUDA GPU")
    if name not in ("cpu", "cuda") and not name.startswith("cuda:"):
        raise DeepvizError(f"unknown device {name!r} (auto, cpu or cuda)")
    return torch.device(name)


class FeatureExtractor:
    def __init__(
        self,
        model: str | os.PathLike | Checkpoint | None = None,
        device: str = "auto",
        layer: str | None = None,
        batch_size: int = 64,
    ):
        self.checkpoint = (
            model if isinstance(model, Checkpoint) else load_checkpoint(resolve_checkpoint(model))
        )
        self.layer = self.checkpoint.check_layer(layer)
        self.batch_size = batch_size
        model = self.checkpoint.build_model()
        self.device = resolve_device(device, model)
        self.model = model.to(self.device).eval()

    @property
    def model_id(self) -> str:
        layer = f":{self.layer}" if self.layer else ""
        return f"{self.checkpoint.name}{layer}"

    @functools.cached_property
    def cache_key(self) -> str | None:
        """Names the exact network and layer (a digest of the checkpoint file), for the cache."""
        path = self.checkpoint.meta.get("path")
        if not path:
            return None  # a checkpoint built in memory: nothing stable to name it by
        digest = file_digest(path)
        return f"{self.checkpoint.name}-{digest}-{self.layer or 'code'}"

    def features_of_patches(
        self, patches: np.ndarray, style: StyleStatistics | None = None
    ) -> np.ndarray:
        """(n, 64, 96) raw MFCC patches → (n, d) float32 features, batched, in inference mode;
        with `style` (entered on this model), their style statistics are added to its sums."""
        out = []
        with torch.inference_mode():
            for i in range(0, len(patches), self.batch_size):
                x = torch.from_numpy(np.ascontiguousarray(patches[i : i + self.batch_size]))
                x = self.checkpoint.scaler.transform(x.to(self.device, torch.float32)).unsqueeze(1)
                f = (
                    self.model.features(x)
                    if self.layer is None
                    else self.model.features(x, self.layer)
                )
                out.append(f.float().flatten(1).cpu().numpy())
                if style is not None:
                    style.collect()
        return np.concatenate(out).astype(np.float32)

    def extract_chunks(self, chunks: Iterable[np.ndarray], sr: int = SAMPLE_RATE) -> TrackFeatures:
        """Features of a track given as mono chunks, one 30.72 s block in memory at a time."""
        analysis = TrackAnalysis(sr)
        with StyleStatistics(self.model) as style:
            values = [self.features_of_patches(p, style) for p in analysis.patches(chunks)]
        return analysis.track_features(values, self.model_id, style.mean(), style.segments())

    def extract_audio(self, y: np.ndarray, sr: int = SAMPLE_RATE) -> TrackFeatures:
        return self.extract_chunks([y], sr)

    def extract(self, path: str | os.PathLike, stream: int = 0) -> TrackFeatures:
        return self.extract_chunks(audio_chunks(check_input_file(path), stream))
