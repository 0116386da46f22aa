"""A track's style statistics: the channel means and standard deviations of the network's
convolutional activations (each max-pool's input), averaged over the track.

These are the statistics that neural style transfer calls an image's style (Gatys et al.; Huang &
Belongie's AdaIN): what textures and timbres a patch holds, not where they are. Averaged over a
track they describe its sound as a whole, far better than the mean of the 10-d code does, and a
reference fit places tracks, and their sections, by them (`mapping.place`). Memory: one vector
per segment (a few hundred values).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


class StyleStatistics:
    """Context manager: while inside, every forward pass of `model` keeps each patch's statistics;
    `mean()` is the track's style vector, `segments()` each segment's (None before any patch)."""

    def __init__(self, model: nn.Module):
        self.pools = [m for m in model.modules() if isinstance(m, nn.MaxPool2d)]
        self._handles: list = []
        self._batch: list[torch.Tensor] = []
        self._rows: list[np.ndarray] = []  # (patches, s) float32 per forward pass
        self.total: np.ndarray | None = None
        self.count = 0

    def _take(self, module: nn.Module, inputs: tuple[torch.Tensor, ...], output) -> None:
        x = inputs[0].float().flatten(2)  # (N, C, H·W) after the conv's ReLU
        self._batch.append(torch.cat([x.mean(2), x.std(2)], dim=1))

    def __enter__(self) -> StyleStatistics:
        self._handles = [p.register_forward_hook(self._take) for p in self.pools]
        return self

    def __exit__(self, *exc) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def collect(self) -> None:
        """Add the statistics of the forward pass just made to the sums."""
        if not self._batch:
            return
        stats = torch.cat(self._batch, dim=1).double().cpu().numpy()
        self._batch = []
        self.total = stats.sum(0) if self.total is None else self.total + stats.sum(0)
        self.count += len(stats)
        self._rows.append(stats.astype(np.float32))

    def mean(self) -> np.ndarray | None:
        """(d,) float32: the track's style vector (2 × the channels of every pooled conv)."""
        return None if self.total is None else (self.total / self.count).astype(np.float32)

    def segments(self) -> np.ndarray | None:
        """(n, d) float32: each patch's (segment's) style vector, in order; sections of a track
        are found and placed by them (`mapping.sections`)."""
        return np.concatenate(self._rows) if self._rows else None
