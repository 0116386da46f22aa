"""From an audio file to per-frame scene parameters: extract → map → interpolate → smooth."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from deepviz.errors import DeepvizError
from deepviz.extract.audio import load_audio
from deepviz.extract.extractor import FeatureExtractor, TrackFeatures
from deepviz.fileio import atomic_path
from deepviz.mapping import MappingOptions, apply_order, fit_mapping, load_mapping, resolve_order
from deepviz.mapping.timeline import parameter_curves
from deepviz.scenes.base import Scene


@dataclass
class Curves:
    """Per-frame parameter values (frames, 10) in the scene's parameter order, for the whole track."""

    values: np.ndarray
    names: list[str]
    fps: float
    duration: float
    features: TrackFeatures
    segment_params: np.ndarray  # (n_segments, 10) before interpolation, scene order

    @property
    def times(self) -> np.ndarray:
        return np.arange(len(self.values)) / self.fps


def segment_parameters(
    features: TrackFeatures,
    scene_cls: type[Scene],
    options: MappingOptions,
    fit_path: str | os.PathLike | None = None,
    param_order: str | None = None,
) -> np.ndarray:
    """(n_segments, 10) parameters in the scene's order: the mapping fitted on the track or loaded."""
    n_params = len(scene_cls.params)
    if fit_path is not None:
        fitted = load_mapping(fit_path)
        fitted.check(features.model_id, features.values.shape[1], path=fit_path)
        method = fitted.options.method
    else:
        fitted = fit_mapping(features.values, options, features.model_id)
        method = options.method
    values = fitted.transform(features.values)
    if values.shape[1] != n_params:
        raise DeepvizError(
            f"the mapping gives {values.shape[1]} parameters, the scene needs {n_params}"
        )
    return apply_order(values, resolve_order(scene_cls, method, param_order))


def plan_curves(
    audio: str | os.PathLike | np.ndarray,
    scene_cls: type[Scene],
    extractor: FeatureExtractor,
    options: MappingOptions,
    fps: float,
    smoothing: float,
    fit_path: str | os.PathLike | None = None,
    param_order: str | None = None,
) -> Curves:
    y = audio if isinstance(audio, np.ndarray) else load_audio(audio)
    features = extractor.extract_audio(y)
    return curves_from_features(features, scene_cls, options, fps, smoothing, fit_path, param_order)


def curves_from_features(
    features: TrackFeatures,
    scene_cls: type[Scene],
    options: MappingOptions,
    fps: float,
    smoothing: float,
    fit_path: str | os.PathLike | None = None,
    param_order: str | None = None,
) -> Curves:
    """Map one track's features and build its per-frame curves (no audio work)."""
    params = segment_parameters(features, scene_cls, options, fit_path, param_order)
    values = parameter_curves(params, features.anchors, features.duration, fps, smoothing)
    return Curves(values, scene_cls.param_names(), fps, features.duration, features, params)


def write_curves(curves: Curves, path: str | os.PathLike, frames: slice | None = None) -> None:
    """Per-frame values as CSV (`frame,time,<names>`) or JSON, chosen by the file's extension."""
    import json
    from pathlib import Path

    path = Path(path)
    sl = frames or slice(0, len(curves.values))
    idx = np.arange(len(curves.values))[sl]
    vals = curves.values[sl]
    with atomic_path(path) as tmp:
        if path.suffix.lower() == ".json":
            doc = {
                "fps": curves.fps,
                "duration": curves.duration,
                "names": curves.names,
                "frames": idx.tolist(),
                "times": (idx / curves.fps).round(6).tolist(),
                "values": np.round(vals.astype(np.float64), 6).tolist(),
            }
            tmp.write_text(json.dumps(doc))
        elif path.suffix.lower() == ".csv":
            with open(tmp, "w") as f:
                f.write(",".join(["frame", "time", *curves.names]) + "\n")
                for i, row in zip(idx, vals):
                    f.write(f"{i},{i / curves.fps:.6f}," + ",".join(f"{v:.6f}" for v in row) + "\n")
        else:
            raise DeepvizError("unknown curve file type (use .csv or .json)", path)
