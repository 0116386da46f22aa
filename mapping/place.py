"""Where a track sits: its style statistics (extract/style.py) → a place in [0, 1] per parameter.

The place is what makes tracks look unlike each other; the track's own motion moves around it
(`mapping.motion`). It is fitted on a labelled reference set: the first `n_styles` directions are
linear discriminants of the styles (the directions along which styles differ most relative to how
much tracks of one style vary), the rest are the set's principal components, at twice the first
one's std, so that tracks (and sections) of one style still differ. Measured in
docs/default-look.md: fitted on the six synthesized styles alone, these directions also tell real
rock from orchestral and electronic game music, which the mean of the 10-d code does not.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.preprocessing import StandardScaler

from deepviz.core.errors import DeepvizError
from deepviz.mapping.motion import EDGE  # places stay where the motion's logistic curve has room


class StylePlacement(TransformerMixin, BaseEstimator):
    """(tracks, s) style vectors → (tracks, n_params) places: 0.5 + `spread` · z, where z holds
    `n_styles` discriminant directions (unit std over the reference tracks), then principal
    components at `individuality` × the first one's std."""

    def __init__(
        self,
        n_params: int = 10,
        n_styles: int = 3,
        spread: float = 0.35,
        individuality: float = 2.0,
        shrinkage: str | float = "auto",
        random_state: int = 0,
    ):
        self.n_params, self.n_styles, self.spread = n_params, n_styles, spread
        self.individuality = individuality
        self.shrinkage, self.random_state = shrinkage, random_state

    def fit(self, X: np.ndarray, y: np.ndarray) -> StylePlacement:
        """`y`: each track's style; None marks a track that only centres and scales the places
        (music to be rendered, unlabelled), not the directions."""
        X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=object)
        labelled = np.array([label is not None for label in y])
        styles = np.unique(y[labelled].astype(str))
        if len(styles) < 2 or min(np.sum(y[labelled] == s) for s in styles) < 2:
            raise DeepvizError("placing by style needs at least 2 styles of at least 2 tracks each")
        scaler = StandardScaler().fit(X)
        Z = scaler.transform(X)
        k = min(self.n_styles, len(styles) - 1, self.n_params, X.shape[1])
        rows = [self._discriminants(Z[labelled], y[labelled].astype(str), k)]
        rest = min(self.n_params - k, len(X) - 1, X.shape[1])
        if rest > 0:
            pca = PCA(rest, random_state=self.random_state).fit(Z)
            rows.append(pca.components_ * self.individuality / np.sqrt(pca.explained_variance_[0]))
        W = np.concatenate(rows)
        P = Z[~labelled] @ W.T if (~labelled).sum() >= 2 else Z @ W.T  # the centring set
        sd = np.where(np.arange(len(W)) < k, P.std(axis=0), 1.0)  # discriminants: unit std
        self.components_ = np.zeros((self.n_params, X.shape[1]))
        self.components_[: len(W)] = W / np.maximum(sd, 1e-12)[:, None]
        self.offset_ = np.zeros(self.n_params)
        self.offset_[: len(W)] = P.mean(axis=0) / np.maximum(sd, 1e-12)
        self.mean_, self.scale_ = scaler.mean_, scaler.scale_
        self.n_features_in_ = X.shape[1]
        return self

    def _discriminants(self, Z: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
        """(k, s) discriminant directions; channels that never vary (dead ReLUs) get weight 0."""
        live = Z.std(axis=0) > 1e-9
        lda = LinearDiscriminantAnalysis(solver="eigen", shrinkage=self.shrinkage)
        try:
            scalings = lda.fit(Z[:, live], y).scalings_
        except np.linalg.LinAlgError:  # a few tracks and many channels: shrink harder
            lda.set_params(shrinkage=0.5)
            scalings = lda.fit(Z[:, live], y).scalings_
        out = np.zeros((k, Z.shape[1]))
        out[:, live] = scalings[:, :k].T
        return out

    def transform(self, X: np.ndarray) -> np.ndarray:
        Z = (np.asarray(X, dtype=np.float64) - self.mean_) / self.scale_
        return np.clip(0.5 + self.spread * (Z @ self.components_.T - self.offset_), EDGE, 1 - EDGE)

    def check_fitted(self) -> None:
        """Refuse a placement whose sizes disagree (read from a file: checked before use)."""
        s, n = len(self.mean_), self.n_params
        shapes = (self.mean_.shape, self.scale_.shape, self.components_.shape, self.offset_.shape)
        if type(n) is not int or not 1 <= n <= 64 or shapes != ((s,), (s,), (n, s), (n,)):
            raise ValueError(f"the placement's arrays disagree in size: {shapes}")
        if getattr(self, "n_features_in_", None) != s:
            raise ValueError(f"the placement must name its {s} inputs (n_features_in_)")
        if not (self.scale_ > 0).all() or not 0 <= float(self.spread) <= 1:
            raise ValueError("the placement's scales must be positive and its spread in [0, 1]")
        probe = self.transform(np.random.default_rng(0).normal(size=(3, s)) * self.scale_)
        if not np.isfinite(probe).all():  # a tried-out placement, not a trusted one
            raise ValueError("the placement does not give finite values")
