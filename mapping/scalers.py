"""Scaling steps: sklearn's StandardScaler/MinMaxScaler plus the two pieces sklearn lacks."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.preprocessing import MinMaxScaler, StandardScaler

CENTER, SPREAD = 0.5, 0.4  # the paper's "standard" scaling: 0.5 + 0.4·z


class ZToUnit(TransformerMixin, BaseEstimator):
    """Stateless: z-scores → `center + spread·z`, clipped to [0, 1] when `clip`."""

    def __init__(self, center: float = CENTER, spread: float = SPREAD, clip: bool = True):
        self.center, self.spread, self.clip = center, spread, clip

    def fit(self, X: np.ndarray, y: object = None) -> ZToUnit:
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        out = self.center + self.spread * np.asarray(X, dtype=np.float64)
        return np.clip(out, 0.0, 1.0) if self.clip else out

    def __sklearn_is_fitted__(self) -> bool:
        return True


class Across(TransformerMixin, BaseEstimator):
    """Fit `scaler` on all components pooled (one statistic for all), apply it to each."""

    def __init__(self, scaler: BaseEstimator | None = None):
        self.scaler = scaler

    def fit(self, X: np.ndarray, y: object = None) -> Across:
        X = np.asarray(X, dtype=np.float64)
        self.scaler_ = clone(self.scaler if self.scaler is not None else StandardScaler())
        self.scaler_.fit(X.reshape(-1, 1))
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        return self.scaler_.transform(X.reshape(-1, 1)).reshape(X.shape)


def scaling_steps(scaling: str, scale_by: str) -> list[tuple[str, BaseEstimator]]:
    """Pipeline steps for `standard|minmax` × `across|features`; output in [0, 1]."""
    base = StandardScaler() if scaling == "standard" else MinMaxScaler(clip=True)
    steps: list[tuple[str, BaseEstimator]] = [
        ("scale", Across(base) if scale_by == "across" else base)
    ]
    if scaling == "standard":
        steps.append(("unit", ZToUnit()))
    return steps


class SnapConstant(TransformerMixin, BaseEstimator):
    """Components that vary only at float32 rounding level become exactly constant.

    A network's float32 output for identical inputs can differ in the last bits (batched kernels);
    standard or min-max scaling would stretch that noise into a full swing of the picture (silence
    flickering). A component whose spread is ≤ `rtol` × its magnitude is set to its mean.
    """

    def __init__(self, rtol: float = 1e-5):
        self.rtol = rtol

    def fit(self, X: np.ndarray, y: object = None) -> SnapConstant:
        X = np.asarray(X, dtype=np.float64)
        lo, hi = X.min(axis=0), X.max(axis=0)
        magnitude = np.maximum(np.abs(lo), np.abs(hi))
        self.constant_ = (hi - lo) <= self.rtol * magnitude
        self.value_ = X.mean(axis=0)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        X = np.array(X, dtype=np.float64)
        X[:, self.constant_] = self.value_[self.constant_]
        return X
