"""Fitted estimators ↔ plain JSON values (numbers, strings, lists): no pickle, no imports."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from deepviz.mapping.methods import KMeansSimilarity, PaddedPCA, Permute, TrackContrast
from deepviz.mapping.place import StylePlacement
from deepviz.mapping.scalers import Across, SnapConstant, ZToUnit

# The only classes a file may name, with the fitted attributes their `transform` needs.
FITTED: dict[str, tuple[type[BaseEstimator], tuple[str, ...]]] = {
    "StandardScaler": (StandardScaler, ("mean_", "var_", "scale_", "n_samples_seen_")),
    "MinMaxScaler": (MinMaxScaler, ("min_", "scale_", "data_min_", "data_max_", "data_range_")),
    "PCA": (PCA, ("components_", "mean_", "explained_variance_", "n_components_", "n_samples_")),
    "KMeans": (KMeans, ("cluster_centers_", "inertia_", "n_iter_")),
    "ZToUnit": (ZToUnit, ()),
    "SnapConstant": (SnapConstant, ("constant_", "value_")),
    "Across": (Across, ("scaler_",)),
    "Permute": (Permute, ("permutation_",)),
    "PaddedPCA": (PaddedPCA, ("pca_",)),
    "KMeansSimilarity": (KMeansSimilarity, ("kmeans_", "eps_", "fill_")),
    "TrackContrast": (TrackContrast, ("mean_", "components_")),
    "StylePlacement": (StylePlacement, ("mean_", "scale_", "components_", "offset_")),
}
DTYPES = ("float64", "float32", "int64", "int32", "bool")


def encode(value: Any) -> Any:
    """An estimator (params + fitted state), array or scalar → plain JSON values."""
    if isinstance(value, Pipeline):
        return {"pipeline": [[name, encode(step)] for name, step in value.steps]}
    if isinstance(value, BaseEstimator):
        name = type(value).__name__
        attrs = ("n_features_in_", *FITTED[name][1])
        params = value.get_params(deep=False)
        return {
            "estimator": name,
            "params": {k: encode(v) for k, v in params.items()},
            "fitted": {a: encode(getattr(value, a)) for a in attrs if hasattr(value, a)},
        }
    if isinstance(value, np.ndarray):
        if value.dtype.name not in DTYPES:
            raise TypeError(f"cannot store an array of {value.dtype}")
        return {"array": value.ravel().tolist(), "dtype": value.dtype.name, "shape": value.shape}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return {"tuple": [encode(v) for v in value]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot store a {type(value).__name__}")


def decode(value: Any) -> Any:
    """The inverse of `encode`; a class not in `FITTED` or a malformed value → ValueError."""
    if isinstance(value, dict) and "pipeline" in value:
        return Pipeline([(str(name), decode(step)) for name, step in value["pipeline"]])
    if isinstance(value, dict) and "estimator" in value:
        if value["estimator"] not in FITTED:
            raise ValueError(f"unknown estimator {value['estimator']!r}")
        cls, attrs = FITTED[value["estimator"]]
        estimator = cls(**{str(k): decode(v) for k, v in value["params"].items()})
        for attr, state in value["fitted"].items():
            if attr not in ("n_features_in_", *attrs):
                raise ValueError(f"unknown attribute {attr!r} of {value['estimator']}")
            setattr(estimator, attr, decode(state))
        return estimator
    if isinstance(value, dict) and "array" in value:
        if value["dtype"] not in DTYPES:
            raise ValueError(f"unknown dtype {value['dtype']!r}")
        array = np.asarray(value["array"], dtype=value["dtype"]).reshape(value["shape"])
        if array.dtype.kind == "f" and not np.isfinite(array).all():
            raise ValueError("an array holds NaN or infinity")
        return array
    if isinstance(value, float) and not np.isfinite(value):
        raise ValueError(f"a value is {value}")
    if isinstance(value, dict) and "tuple" in value:
        return tuple(decode(v) for v in value["tuple"])
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ValueError(f"unexpected value of type {type(value).__name__}")
