"""The paper's five mapping methods as sklearn Pipelines (I–V)."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler

from deepviz.core.errors import DeepvizError
from deepviz.mapping.options import MappingOptions
from deepviz.mapping.scalers import SnapConstant, scaling_steps

N_INIT = 3  # K-Means restarts: fixed, so a fit is reproducible from the seed alone
FLOOR = 0.25  # K-Means similarity: distances below this share of the typical one count as it


class Permute(TransformerMixin, BaseEstimator):
    """Methods I/II: feature i → component permutation_[i]; identity unless `shuffle` (seeded)."""

    def __init__(self, n_outputs: int = 10, shuffle: bool = False, random_state: int = 0):
        self.n_outputs, self.shuffle, self.random_state = n_outputs, shuffle, random_state

    def _check(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_outputs:
            got = X.shape[1] if X.ndim == 2 else X.shape
            raise DeepvizError(
                f"mapping {'random' if self.shuffle else 'deterministic'} drives one parameter per "
                f"feature, so it needs {self.n_outputs}-dimensional features, got {got}; use "
                "--mapping pca or --mapping kmeans (or kmeans-pca) for other feature sizes"
            )
        return X

    def fit(self, X: np.ndarray, y: object = None) -> Permute:
        self._check(X)
        n = self.n_outputs
        rng = np.random.default_rng(self.random_state)
        self.permutation_ = rng.permutation(n) if self.shuffle else np.arange(n)
        self.n_features_in_ = n
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        return self._check(X)[:, self.permutation_]


class PaddedPCA(TransformerMixin, BaseEstimator):
    """sklearn PCA to `n_components`; with too few samples or features it fits fewer components
    (at most n_samples − 1; none for constant input) and pads the rest with 0, the components'
    mean."""

    def __init__(self, n_components: int = 10, random_state: int = 0):
        self.n_components, self.random_state = n_components, random_state

    def fit(self, X: np.ndarray, y: object = None) -> PaddedPCA:
        X = np.asarray(X, dtype=np.float64)
        k = min(self.n_components, X.shape[0] - 1, X.shape[1])
        if not np.ptp(X, axis=0).any():  # constant input (e.g. silence): nothing to project
            k = 0
        self.pca_ = PCA(k, random_state=self.random_state).fit(X) if k >= 1 else None
        if self.pca_ is not None:  # C order, as a loaded fit has: the same sums, to the last bit
            self.pca_.components_ = np.ascontiguousarray(self.pca_.components_)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        out = np.zeros((X.shape[0], self.n_components))
        if self.pca_ is not None:
            out[:, : self.pca_.n_components_] = self.pca_.transform(X)
        return out


class KMeansSimilarity(TransformerMixin, BaseEstimator):
    """sklearn KMeans, then similarity 1 / max(distance, eps_) to each centroid.

    `eps_` = `floor` × the median distance from a fitted point to its nearest centroid, so a
    point on a centroid (a one-point cluster) gets a finite similarity of the data's own scale.
    With fewer samples than clusters it fits one cluster per sample; the missing clusters'
    columns hold the mean fitted similarity (`fill_`).
    """

    def __init__(
        self,
        n_clusters: int = 10,
        n_init: int = N_INIT,
        random_state: int = 0,
        floor: float = FLOOR,
    ) -> None:
        self.n_clusters, self.n_init = n_clusters, n_init
        self.random_state, self.floor = random_state, floor

    def fit(self, X: np.ndarray, y: object = None) -> KMeansSimilarity:
        X = np.asarray(X, dtype=np.float64)
        k = min(self.n_clusters, X.shape[0])
        kmeans = KMeans(k, n_init=self.n_init, random_state=self.random_state)
        with warnings.catch_warnings():  # duplicate points: fewer distinct clusters, harmless
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.kmeans_ = kmeans.fit(X)
        distance = self.kmeans_.transform(X)
        scale = float(np.median(distance.min(axis=1)))
        if scale <= 0.0:  # most points sit on a centroid: take the typical distance instead
            scale = float(np.median(distance[distance > 0])) if (distance > 0).any() else 1.0
        self.eps_, self.fill_ = self.floor * scale, 0.0
        self.fill_ = float(self._similarity(X)[:, :k].mean())
        self.n_features_in_ = X.shape[1]
        return self

    def _similarity(self, X: np.ndarray) -> np.ndarray:
        distance = self.kmeans_.transform(X)
        out = np.full((X.shape[0], self.n_clusters), self.fill_)
        out[:, : distance.shape[1]] = 1.0 / np.maximum(distance, self.eps_)
        return out

    def transform(self, X: np.ndarray) -> np.ndarray:
        return self._similarity(np.asarray(X, dtype=np.float64))


class TrackContrast(TransformerMixin, BaseEstimator):
    """Directions along which whole tracks differ most, relative to how much each track moves:
    sklearn's LinearDiscriminantAnalysis with the track as the class (no genre labels needed),
    kept as a plain projection `(X − mean_) @ components_`, padded with zeros to `n_components`.

    Fitted on a reference set of many tracks (`fit(X, groups)`), it places tracks apart; on one
    track (a single group) it has nothing to contrast and refuses.
    """

    def __init__(self, n_components: int = 10, shrinkage: float = 0.1):
        self.n_components, self.shrinkage = n_components, shrinkage

    def fit(self, X: np.ndarray, y: np.ndarray | None = None) -> TrackContrast:

        X = np.asarray(X, dtype=np.float64)
        groups = np.zeros(len(X)) if y is None else np.asarray(y)
        n_groups = len(np.unique(groups))
        if n_groups < 3:
            raise DeepvizError(
                "mapping contrast compares tracks: fit it on a reference set of at least 3 tracks "
                "with `deepviz fit`"
            )
        k = min(self.n_components, n_groups - 1, X.shape[1])
        lda = LinearDiscriminantAnalysis(solver="eigen", shrinkage=self.shrinkage)
        lda.fit(X, groups)
        self.mean_ = X.mean(axis=0)
        self.components_ = np.ascontiguousarray(lda.scalings_[:, :k])
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        out = np.zeros((X.shape[0], self.n_components))
        out[:, : self.components_.shape[1]] = (X - self.mean_) @ self.components_
        return out


def build_mapping(options: MappingOptions, n_params: int = 10) -> Pipeline:
    """The unfitted Pipeline: (n, d) features → (n, n_params) values in [0, 1]."""
    method, seed = options.method, options.seed
    if method in ("deterministic", "random"):
        steps = [("permute", Permute(n_params, shuffle=method == "random", random_state=seed))]
    elif method == "pca":
        steps = [("minmax", MinMaxScaler()), ("pca", PaddedPCA(n_params, random_state=seed))]
    elif method == "contrast":
        steps = [("minmax", MinMaxScaler()), ("contrast", TrackContrast(n_params))]
    else:
        kmeans = KMeansSimilarity(options.n_clusters, random_state=seed)
        steps = [("minmax", MinMaxScaler()), ("kmeans", kmeans)]
        if method == "kmeans-pca":
            steps += [("simminmax", MinMaxScaler()), ("pca", PaddedPCA(n_params, seed))]
    return Pipeline(
        [("snap", SnapConstant()), *steps, *scaling_steps(options.scaling, options.scale_by)]
    )
