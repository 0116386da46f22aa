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
from deepviz.mapping.sections import find_sections, section_means, section_of
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
    sections: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=int))  # start segments

    def section_at(self) -> np.ndarray:
        """(frames,) each frame's section number (by the segment whose anchor it has passed)."""
        anchors = self.features.anchors
        passed = np.searchsorted(anchors, self.times, side="right") - 1
        return section_of(self.sections, len(anchors))[np.clip(passed, 0, len(anchors) - 1)]

    def extras_at(self, i: int) -> dict[str, float]:
        """Frame i's extra inputs of the scenes (pulse, level)."""
        return {k: float(v[i]) for k, v in self.extras.items()}

    @property
    def times(self) -> np.ndarray:
        return np.arange(len(self.values)) / self.fps


def in_scene_order(
    places: np.ndarray, names: Sequence[str], identity: Sequence[str] | None, order: Sequence[int]
) -> np.ndarray:
    """(m, k) places whose k-th value drives the scene's `identity[k]` → the mapping's component
    order (`order`), as the values come."""
    by_param = np.empty_like(places)
    by_param[:, [list(names).index(n) for n in (identity or names)]] = places
    return by_param[:, list(order)]


def track_sections(features: TrackFeatures, fitted: FittedMapping, enabled: bool = True):
    """Start segments of the track's sections, by the fit's placement of each segment's style;
    one section (0) when off, or when the fit or the features have nothing to find them by."""
    look, styles = fitted.look, features.segment_style
    if not enabled or fitted.place is None or look is None or styles is None:
        return np.zeros(1, dtype=int)
    return find_sections(fitted.places_of(styles), look.section_threshold)


def section_places(
    features: TrackFeatures, fitted: FittedMapping, scene: SceneOrder, order, starts
) -> np.ndarray | None:
    """(n, k) each segment's place, its section's (from the section's mean style; one section:
    the track's style); None when the fit has no placement (the values' means are used)."""
    if fitted.place is None:
        return None
    if len(starts) == 1:
        places = fitted.places_of(None if features.style is None else features.style[None])
    else:
        means = section_means(features.segment_style.astype(np.float64), starts)
        places = fitted.places_of(means[np.asarray(starts)])
    places = in_scene_order(places, scene.names, scene.identity, order)
    return places[section_of(starts, len(features.values))]


def segment_parameters(
    features: TrackFeatures,
    fitted: FittedMapping,
    scene: SceneOrder,
    motion: float = 0.0,
    sections: np.ndarray | None = None,
) -> np.ndarray:
    """(n_segments, k) parameters in the scene's order (`scene.names`), from a fitted mapping:
    each section at its place, moved by the track's own variation × the gain `motion`
    (`place_and_motion`); `sections`: their start segments (default: `track_sections`)."""
    names = scene.names
    ordered = fitted.options.method in ACROSS_ONLY  # components by variance: priority applies
    values = fitted.transform(features.values)
    if values.shape[1] != len(names):
        raise DeepvizError(
            f"the mapping gives {values.shape[1]} parameters, the scene needs {len(names)}"
        )
    order = resolve_order(names, scene.priority, fitted.options.method, scene.param_order)
    starts = track_sections(features, fitted) if sections is None else sections
    place = section_places(features, fitted, scene, order, starts)
    return apply_order(place_and_motion(values, motion, ordered, place, starts), order)


def curves_from_features(
    features: TrackFeatures, fitted: FittedMapping, scene: SceneOrder, timeline: TimelineOptions
) -> Curves:
    """Map one track's features and build its per-frame curves (no audio work)."""
    starts = track_sections(features, fitted, timeline.sections)
    params = segment_parameters(features, fitted, scene, timeline.motion, starts)
    fps = timeline.fps
    values = parameter_curves(params, features.anchors, features.duration, fps, timeline.smoothing)
    extras = frame_extras(features.envelopes, len(values), fps, timeline.pulse)
    curves = Curves(values, list(scene.names), fps, features.duration, features, params, extras)
    curves.sections = starts
    return curves


def write_curves(
    curves: Curves, path: str | os.PathLike, frames: slice | None = None, replace: bool = True
) -> None:
    """Per-frame values as CSV (`frame,time,<names>`) or JSON, chosen by the file's extension."""

    export_curves(curves, path, None, frames, None, replace)
