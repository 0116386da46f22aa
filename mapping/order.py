"""Which mapping component drives which scene parameter, and per-parameter curve statistics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from deepviz.core.errors import DeepvizError
from deepviz.mapping.options import ACROSS_ONLY, METHODS, check_choice


def parse_order(names: Sequence[str], order: Sequence[str], what: str) -> list[int]:
    """Indices into `names` of the names in `order`, which must hold each name exactly once."""
    unknown = [n for n in order if n not in names]
    duplicate = sorted(n for n, c in Counter(order).items() if c > 1)
    missing = [n for n in names if n not in order]
    problems = [
        f"{label} {', '.join(found)}"
        for label, found in (("unknown", unknown), ("duplicate", duplicate), ("missing", missing))
        if found
    ]
    if problems:
        raise DeepvizError(
            f"{what} must name each of {', '.join(names)} once: {'; '.join(problems)}"
        )
    return [list(names).index(n) for n in order]


def resolve_order(
    names: Sequence[str], priority: Sequence[str], method: str, param_order: str | None
) -> list[int]:
    """For each mapping component k, the index into the parameter `names` that it drives.

    Default: `priority` (parameter names, most dynamic first) for pca and kmeans-pca, whose
    components come ordered by variance; the order of `names` otherwise.
    """
    check_choice("mapping method", method, METHODS)
    names = list(names)
    if param_order is not None:
        given = [n.strip() for n in param_order.split(",") if n.strip()]
        return parse_order(names, given, "--param-order")
    if method in ACROSS_ONLY:
        return parse_order(names, list(priority), "the scene's priority")
    return list(range(len(names)))


def apply_order(values: np.ndarray, order: Sequence[int]) -> np.ndarray:
    """(n, k) mapping components → (n, k) values in the scene's parameter order."""
    values = np.asarray(values)
    if values.ndim != 2 or values.shape[1] != len(order):
        raise DeepvizError(f"{len(order)} parameters to order, but the values are {values.shape}")
    out = np.empty_like(values)
    out[:, list(order)] = values
    return out


def curve_stats(curves: np.ndarray, names: Sequence[str]) -> list[dict[str, float | str]]:
    """Per-parameter mean and standard deviation of (frames, k) curves: the paper's descriptors."""
    curves = np.asarray(curves, dtype=np.float64)
    if curves.ndim != 2 or curves.shape[1] != len(names) or len(curves) == 0:
        raise DeepvizError(f"{len(names)} parameter names for curves of shape {curves.shape}")
    return [
        {"name": name, "mean": float(curves[:, j].mean()), "std": float(curves[:, j].std())}
        for j, name in enumerate(names)
    ]


class SceneOrder(NamedTuple):
    """What the mapping needs of a scene: its parameter names, their priority, a user's order
    (--param-order) and the order in which a placement's values drive them (`identity`)."""

    names: Sequence[str]
    priority: Sequence[str]
    param_order: str | None = None
    identity: Sequence[str] | None = None
