"""A mapping fitted on a reference set: fit, transform, save to and load from JSON."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
from sklearn.pipeline import Pipeline

from deepviz.core.errors import DeepvizError
from deepviz.core.files import atomic_path
from deepviz.mapping.methods import build_mapping
from deepviz.mapping.options import MAX_MOTION_GAIN, MappingOptions
from deepviz.mapping.place import StylePlacement
from deepviz.mapping.serialize import decode, encode

FORMAT, VERSION = "deepviz-mapping", 1
MAX_FIT_BYTES = 64 << 20  # a fit for 6144-d features is a few MiB


def check_features(features: np.ndarray, feature_dim: int | None = None) -> np.ndarray:
    """(n, d) finite float64 features, n ≥ 1 (and d = `feature_dim` if given), or DeepvizError."""
    X = np.asarray(features, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise DeepvizError(f"features must be a non-empty (segments, dim) array, got {X.shape}")
    if feature_dim is not None and X.shape[1] != feature_dim:
        raise DeepvizError(f"the mapping expects {feature_dim}-d features, got {X.shape[1]}-d")
    if not np.isfinite(X).all():
        raise DeepvizError("the features contain NaN or infinite values")
    return X


@dataclass
class FittedMapping:
    """A fitted Pipeline plus what it was fitted on (the feature model's id and size)."""

    pipeline: Pipeline
    options: MappingOptions
    model_id: str
    feature_dim: int
    n_params: int = 10
    path: str | None = None  # where it was loaded from, for messages
    place: StylePlacement | None = None  # a track's place from its style statistics
    look: LookSettings | None = None  # the default look's motion gain and section threshold

    def transform(self, features: np.ndarray) -> np.ndarray:
        """(n, feature_dim) features → (n, n_params) values in [0, 1]."""
        return self._finite(self.pipeline.transform, check_features(features, self.feature_dim))

    def _finite(self, transform, X: np.ndarray) -> np.ndarray:
        """`transform(X)`, or DeepvizError: a fit file can pass every check on load and still
        overflow on a track's features (a scale of 1e308)."""
        try:
            with np.errstate(all="ignore"):
                values = transform(X)
        except ValueError:  # sklearn's own check of a step's input: not finite
            values = None
        if values is None or not np.isfinite(values).all():
            raise DeepvizError(
                "the fit gives no finite values for this track's features; "
                "is the fit file damaged?",
                self.path,
            )
        return values

    def place_of(self, style: np.ndarray | None) -> np.ndarray | None:
        """A track's place (n_params,) in the scene's identity order, None without a placement."""
        if self.place is None:
            return None
        return self.places_of(None if style is None else np.asarray(style)[None])[0]

    def places_of(self, styles: np.ndarray | None) -> np.ndarray:
        """(m, n_params) places of m style vectors (m, s), in the scene's identity order."""
        dim = self.place.n_features_in_
        if styles is None or np.ndim(styles) != 2 or np.shape(styles)[1] != dim:
            got = "none" if styles is None else f"{np.shape(styles)[-1]}"
            raise DeepvizError(
                f"the fit places tracks by {dim} style statistics of the network, "
                f"these features have {got}",
                self.path,
            )
        return self._finite(self.place.transform, np.asarray(styles, dtype=np.float64))

    def check(self, model_id: str, feature_dim: int, path: str | os.PathLike | None = None) -> None:
        """Refuse features from another model or of another size than the fit's."""
        if (model_id, feature_dim) != (self.model_id, self.feature_dim):
            raise DeepvizError(
                f"mapping fitted on {self.feature_dim}-d features of model {self.model_id!r}, "
                f"but these are {feature_dim}-d features of model {model_id!r}; "
                "fit a mapping for this model with `deepviz fit`",
                path if path is not None else self.path,
            )

    def to_json(self) -> dict:
        """The whole fit as plain JSON values."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "model_id": self.model_id,
            "feature_dim": self.feature_dim,
            "n_params": self.n_params,
            "options": self.options.to_dict(),
            "pipeline": encode(self.pipeline),
            **({"place": encode(self.place)} if self.place is not None else {}),
            **({"look": dataclasses.asdict(self.look)} if self.look is not None else {}),
        }

    def save(self, path: str | os.PathLike, replace: bool = True) -> None:
        """Write the fit as JSON, atomically."""
        text = json.dumps(self.to_json(), allow_nan=False)
        try:
            with atomic_path(path, replace) as tmp:
                Path(tmp).write_text(text + "\n", encoding="utf-8")
        except OSError as e:
            raise DeepvizError(f"cannot write the mapping file: {e.strerror}", path) from None


@dataclass(frozen=True)
class LookSettings:
    """What the default look tunes on its reference set: the gain of every track's motion
    (`mapping.motion`) and the distance at which two stretches of a track are two sections
    (`mapping.sections`)."""

    motion_gain: float
    section_threshold: float
    MAX_GAIN: ClassVar[float] = MAX_MOTION_GAIN
    MAX_THRESHOLD: ClassVar[float] = 10.0  # farther than any two places: no sections

    @classmethod
    def from_json(cls, data: object) -> LookSettings:
        """Checked: two finite numbers in range, nothing else."""
        if not isinstance(data, dict) or set(data) != {"motion_gain", "section_threshold"}:
            raise ValueError("look must hold motion_gain and section_threshold")
        for key, high in (("motion_gain", cls.MAX_GAIN), ("section_threshold", cls.MAX_THRESHOLD)):
            value = data[key]
            if type(value) not in (int, float) or not 0 <= value <= high:
                raise ValueError(f"look.{key} must be a number in [0, {high:g}], got {value!r}")
        return cls(float(data["motion_gain"]), float(data["section_threshold"]))


def fit_mapping(
    features: np.ndarray,
    options: MappingOptions,
    model_id: str,
    n_params: int = 10,
    groups: np.ndarray | None = None,
) -> FittedMapping:
    """Fit the options' pipeline on (n_segments, d) reference features; `groups` names each
    segment's track (needed by the contrast method)."""
    X = check_features(features)
    pipeline = build_mapping(options, n_params).fit(X, groups)
    return FittedMapping(pipeline, options, str(model_id), X.shape[1], n_params)


def fit_on_tracks(
    per_track: Sequence[np.ndarray], options: MappingOptions, model_id: str
) -> FittedMapping:
    """Fit on all segments of several tracks, each segment grouped by its track (a reference set)."""
    groups = np.concatenate([np.full(len(x), k) for k, x in enumerate(per_track)])
    return fit_mapping(np.concatenate(per_track), options, model_id, groups=groups)


def _structure(pipeline: Pipeline) -> list[tuple[str, str, dict]]:
    """Each step's name, class and plain parameters (what it would allocate is decided by them)."""
    return [
        (
            name,
            type(step).__name__,
            {k: v for k, v in step.get_params(deep=False).items() if not hasattr(v, "fit")},
        )
        for name, step in pipeline.steps
    ]


def _decode_fit(data: dict) -> FittedMapping:
    """The fit, its every size and value checked before it is used on features."""
    if not isinstance(data["options"], dict):
        raise ValueError("options must be an object")
    options = MappingOptions(**data["options"])
    n_params = data["n_params"]
    dim = data["feature_dim"]
    for name, value, high in (("n_params", n_params, 64), ("feature_dim", dim, 1 << 17)):
        if type(value) is not int or not 1 <= value <= high:
            raise ValueError(f"{name} must be a whole number in 1..{high}, got {value!r}")
    pipeline = decode(data["pipeline"])
    if not isinstance(pipeline, Pipeline) or _structure(pipeline) != _structure(
        build_mapping(options, n_params)
    ):
        raise ValueError("the pipeline does not match the options")
    fitted = FittedMapping(pipeline, options, str(data["model_id"]), dim, n_params)
    if "place" in data:
        fitted.place = decode(data["place"])
        if not isinstance(fitted.place, StylePlacement) or fitted.place.n_params != n_params:
            raise ValueError(f"place must be a StylePlacement of {n_params} parameters")
        fitted.place.check_fitted()
    if "look" in data:
        fitted.look = LookSettings.from_json(data["look"])
    # a tried-out fit, not a trusted one
    probe = fitted._finite(
        fitted.pipeline.transform, np.random.default_rng(0).normal(size=(3, dim))
    )
    if probe.shape != (3, n_params):
        raise ValueError("the fitted pipeline does not give values of the right shape")
    return fitted


def load_mapping(path: str | os.PathLike) -> FittedMapping:
    """Read a mapping written by `FittedMapping.save`; anything else → DeepvizError, unexecuted."""
    try:
        if Path(path).stat().st_size > MAX_FIT_BYTES:
            raise DeepvizError(
                f"too large for a mapping file (over {MAX_FIT_BYTES >> 20} MiB)", path
            )
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise DeepvizError("no such mapping file", path) from None
    except OSError as e:
        raise DeepvizError(f"cannot read the mapping file: {e.strerror}", path) from None
    fitted = parse_mapping(raw, path)
    fitted.path = os.fspath(path)
    return fitted


def parse_mapping(raw: bytes | str, origin: str | os.PathLike) -> FittedMapping:
    """A mapping from the text of a fit file (`origin` names it in errors), fully checked."""
    if len(raw) > MAX_FIT_BYTES:
        raise DeepvizError(f"too large for a mapping file (over {MAX_FIT_BYTES >> 20} MiB)", origin)
    try:
        data = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise DeepvizError(
            "not a deepviz mapping file (expected JSON from `deepviz fit`)", origin
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DeepvizError("not a deepviz mapping file (no 'deepviz-mapping' format tag)", origin)
    if data.get("version") != VERSION:
        raise DeepvizError(f"unsupported mapping file version {data.get('version')!r}", origin)
    try:
        return _decode_fit(data)
    except DeepvizError as e:
        raise DeepvizError(f"corrupt mapping file: {e.problem}", origin) from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError) as e:
        raise DeepvizError(f"corrupt mapping file: {e}", origin) from None
