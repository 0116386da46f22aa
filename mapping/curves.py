"""A track's features → per-frame scene parameters (map → order → interpolate → smooth), and export."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from deepviz.core.errors import DeepvizError
from deepviz.mapping.export import export_curves
from deepviz.mapping.motion import place_and_motion
from deepviz.mapping.options import ACROSS_ONLY
from deepviz.mapping.order import SceneOrder, apply_order, resolve_order
from deepviz.mapping.pulse import frame_extras
from deepviz.mapping.timeline import TimelineOptions, parameter_curves

if TYPE_CHECKING:  # torch and sklearn load only where features are made and mappings fitted
    from deepviz.extract.extractor import TrackFeatures
    from deepviz.mapping.fitted import FittedMapping


@dataclass
class Curves:
    """Per-frame parameter values (frames, 10) in the scene's parameter order, for the whole track."""

    values: np.ndarray
    names: list[str]
    fps: float
    duration: float
    features: TrackFeatures
    segment_params: np.ndarray  # (n_segments, 10) before interpolation, scene order
    extras: dict[str, np.ndarray] = field(default_factory=dict)  # per frame: pulse, level

    def extras_at(self, i: int) -> dict[str, float]:
        """Frame i's extra inputs of the scenes (pulse, level)."""
        return {k: float(v[i]) for k, v in self.extras.items()}

    @property
    def times(self) -> np.ndarray:
        return np.arange(len(self.values)) / self.fps


def track_place(
    features: TrackFeatures,
    fitted: FittedMapping,
    names: Sequence[str],
    identity: Sequence[str] | None,
    order: Sequence[int],
) -> np.ndarray | None:
    """The track's place per mapping component, from the fit's placement (its k-th value drives
    the scene's `identity[k]`); None when the fit has no placement (the values' mean is used)."""
    place = fitted.place_of(features.style)
    if place is None:
        return None
    by_param = np.empty(len(names))
    by_param[[list(names).index(n) for n in (identity or names)]] = place
    return by_param[list(order)]


def segment_parameters(
    features: TrackFeatures, fitted: FittedMapping, scene: SceneOrder, motion: float = 0.0
) -> np.ndarray:
    """(n_segments, k) parameters in the scene's order (`scene.names`), from a fitted mapping;
    with `motion`, the track's own variation around its place spread to that std
    (`place_and_motion`)."""
    names = scene.names
    ordered = fitted.options.method in ACROSS_ONLY  # components by variance: priority applies
    values = fitted.transform(features.values)
    if values.shape[1] != len(names):
        raise DeepvizError(
            f"the mapping gives {values.shape[1]} parameters, the scene needs {len(names)}"
        )
    order = resolve_order(names, scene.priority, fitted.options.method, scene.param_order)
    place = track_place(features, fitted, names, scene.identity, order)
    return apply_order(place_and_motion(values, motion, ordered, place), order)


def curves_from_features(
    features: TrackFeatures, fitted: FittedMapping, scene: SceneOrder, timeline: TimelineOptions
) -> Curves:
    """Map one track's features and build its per-frame curves (no audio work)."""
    params = segment_parameters(features, fitted, scene, timeline.motion)
    fps = timeline.fps
    values = parameter_curves(params, features.anchors, features.duration, fps, timeline.smoothing)
    extras = frame_extras(features.envelopes, len(values), fps, timeline.pulse)
    return Curves(values, list(scene.names), fps, features.duration, features, params, extras)


def write_curves(
    curves: Curves, path: str | os.PathLike, frames: slice | None = None, replace: bool = True
) -> None:
    """Per-frame values as CSV (`frame,time,<names>`) or JSON, chosen by the file's extension."""

    export_curves(curves, path, None, frames, None, replace)
