"""`deepviz analyze`'s numbers: feature statistics in every space the paper shows, and how each
mapping serves the two aims (dynamics and separability) on a labelled set of tracks."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from sklearn.decomposition import PCA
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler

from deepviz.extract.features import Segmentation, TrackFeatures
from deepviz.mapping import stats
from deepviz.mapping.curves import segment_parameters, track_sections
from deepviz.mapping.fitted import fit_mapping, fit_on_tracks, load_mapping
from deepviz.mapping.methods import build_mapping
from deepviz.mapping.options import METHODS, PAPER_METHODS, MappingOptions
from deepviz.mapping.order import SceneOrder
from deepviz.mapping.scalers import scaling_steps
from deepviz.mapping.timeline import parameter_curves

if TYPE_CHECKING:
    from deepviz.extract.features import TrackFeatures

MAX_COMPONENTS = 64  # components plotted (and stored) per space: classifier features have 4096
SCALED = [("standard", "across"), ("standard", "features"), ("minmax", "across"),
          ("minmax", "features")]  # fmt: skip
TRANSFORMED = ("pca", "kmeans", "kmeans-pca")


DEFAULT_ORDER = SceneOrder([f"p{i}" for i in range(10)], [f"p{i}" for i in range(10)])


@dataclass
class Trial:
    """One mapping to evaluate: its options and where its fit comes from."""

    options: MappingOptions
    fit: str = "track"  # "track" (each track fitted on itself), "reference" (on the set), or a file
    motion: float = 0.0  # with a shared fit: the motion's gain (place_and_motion)
    sections: bool = True  # with a shared fit that has a look: each section at its own place

    @property
    def label(self) -> str:
        o = self.options
        fit = self.fit if self.fit in ("track", "reference") else os.path.basename(self.fit)
        motion = f" + motion {self.motion:g}" if self.motion and self.fit != "track" else ""
        return f"{o.method} · {o.scaling} {o.scale_by} · fit {fit}{motion}"


def trials_for(main: Trial, compare: bool, motion: float) -> list[Trial]:
    """The plan's mapping first; with `compare`, all five methods fitted per track, on the set,
    and on the set with `motion`."""
    if not compare:
        return [main]
    o = main.options
    fits = [
        ("track", 0.0, PAPER_METHODS),
        ("reference", 0.0, METHODS),
        ("reference", motion, METHODS),
    ]  # contrast needs many tracks: never per track
    others = [
        Trial(MappingOptions(m, o.scaling, None, o.n_clusters, o.seed), fit, move)
        for fit, move, methods in fits
        for m in methods
    ]
    return [main] + [t for t in others if t.label != main.label]


def space_stats(per_track: Sequence[np.ndarray], labels: Sequence[str], pipe) -> dict:
    """Per-component mean/std, overall and by genre, of the features after `pipe` (fitted on all)."""
    allx = np.concatenate(per_track)
    if pipe is not None:
        pipe.fit(allx)
        per_track = [pipe.transform(x) for x in per_track]
        allx = np.concatenate(per_track)
    k = min(MAX_COMPONENTS, allx.shape[1])
    per_track = [x[:, :k] for x in per_track]
    return {
        "overall": stats.component_stats(allx[:, :k]),
        "by_genre": stats.by_group(per_track, labels),
    }


def transform_prefix(method: str, seed: int) -> Pipeline:
    """The method's pipeline up to (not including) its final scaling: the paper's spaces."""
    steps = build_mapping(MappingOptions(method, seed=seed)).steps
    cut = next(i for i, (name, _) in enumerate(steps) if name == "scale")
    return Pipeline(steps[:cut])


def feature_spaces(per_track: Sequence[np.ndarray], labels: Sequence[str], seed: int) -> dict:
    """Statistics of the raw, scaled and transformed features, and PCA's explained variance."""
    out = {"raw": space_stats(per_track, labels, None)}
    for scaling, by in SCALED:
        out[f"{scaling} {by}"] = space_stats(
            per_track, labels, Pipeline(scaling_steps(scaling, by))
        )
    for method in TRANSFORMED:
        out[method] = space_stats(per_track, labels, transform_prefix(method, seed))
    allx = MinMaxScaler().fit_transform(np.concatenate(per_track))
    n = min(32, allx.shape[1], allx.shape[0] - 1)
    ratio = PCA(n, random_state=seed).fit(allx).explained_variance_ratio_ if n >= 1 else []
    return {"spaces": out, "pca_explained_variance": [float(v) for v in ratio]}


def _fitted_for(trial: Trial, tracks: Sequence[TrackFeatures], model_id: str):
    """A function features → fitted mapping for the trial (the same one, unless fit per track)."""
    if trial.fit == "track":
        return lambda X: fit_mapping(X, trial.options, model_id)
    if trial.fit == "reference":
        ref = fit_on_tracks([t.values for t in tracks], trial.options, model_id)
    else:
        ref = load_mapping(trial.fit)
        ref.check(model_id, tracks[0].values.shape[1])
    return lambda X: ref


def evaluate(
    trial: Trial,
    tracks: Sequence[TrackFeatures],
    labels: Sequence[str],
    fps: float,
    smoothing: float,
    scene: SceneOrder = DEFAULT_ORDER,
    changes: Sequence[float] | None = None,
) -> tuple[dict, list[np.ndarray]]:
    """The trial's aims on per-frame curves (what a video shows, in the scene's parameter order),
    whether a track looks like itself (identify), whether its motion follows its sound's change
    (rho, given each track's `changes`: extract.timbre) and its splice ratio."""
    model_id = tracks[0].model_id
    fitted_for = _fitted_for(trial, tracks, model_id)
    motion = trial.motion if trial.fit != "track" else 0.0
    curves = []
    for t in tracks:
        fitted = fitted_for(t.values)
        starts = track_sections(t, fitted, trial.sections)
        params = segment_parameters(t, fitted, scene, motion, starts)
        curves.append(parameter_curves(params, t.anchors, t.duration, fps, smoothing))
    row = {
        "mapping": trial.label,
        "method": trial.options.method,
        "scaling": trial.options.scaling,
        "scale_by": trial.options.scale_by,
        "fit": trial.fit,
        **stats.aims(curves, labels),
    }
    row["identify"] = stats.identify(curves)
    row["identify_chance"] = 1 / len(curves)
    motion_per_s = [stats.picture_motion(c, fps) for c in curves]
    row["rho"] = None if changes is None else stats.motion_rho(motion_per_s, changes)
    row["splice_ratio"] = stats.splice_ratio(tracks, labels, spliced(fitted_for, scene, motion))
    return row, curves


def spliced(fitted_for, scene: SceneOrder, motion: float):
    """mapper_for of `stats.splice_ratio`: two tracks joined are mapped as one track would be
    (its style statistics are theirs, weighted by length)."""

    def mapper_for(a: TrackFeatures, b: TrackFeatures):

        X = np.concatenate([a.values, b.values])
        style = None if a.style is None else (a.style * len(a.values) + b.style * len(b.values))
        per = (
            None if a.segment_style is None else np.concatenate([a.segment_style, b.segment_style])
        )
        joined = TrackFeatures(
            X,
            Segmentation(np.arange(len(X)), np.arange(len(X), dtype=float)),
            float(len(X)),
            a.model_id,
            None,
            None if style is None else style / len(X),
            per,
        )
        return segment_parameters(joined, fitted_for(X), scene, motion)

    return mapper_for


def section_times(track: TrackFeatures, trial: Trial) -> list[float]:
    """Seconds where the track's sections begin (after the first) under a shared fit's look."""
    if trial.fit in ("track", "reference") or not trial.sections:
        return []  # one section: a fit without a placement, or --sections off
    starts = track_sections(track, load_mapping(trial.fit))
    return [round(float(track.anchors[s]), 3) for s in starts[1:]]


def round_robin(labels: Sequence[str], most: int) -> list[int]:
    """Up to `most` track indices, taking each genre in turn (the heatmaps show every genre)."""
    queues = {g: [i for i, lab in enumerate(labels) if lab == g] for g in sorted(set(labels))}
    picked: list[int] = []
    while len(picked) < most and any(queues.values()):
        for q in queues.values():
            if q and len(picked) < most:
                picked.append(q.pop(0))
    return sorted(picked)


def downsample(values: np.ndarray, most: int = 300) -> np.ndarray:
    """Every k-th row, so that at most `most` remain (figures and JSON stay small)."""
    step = max(1, -(-len(values) // most))
    return values[::step]


def tracks2d(means: np.ndarray, labels: Sequence[str], seed: int) -> dict:
    """Per-track mean parameter vectors projected to 2-D by PCA."""
    k = min(2, means.shape[1], len(means) - 1)
    pts = PCA(k, random_state=seed).fit_transform(means) if k >= 1 else np.zeros((len(means), 0))
    pts = np.pad(pts, ((0, 0), (0, 2 - pts.shape[1])))
    return {"points": np.round(pts, 6).tolist(), "labels": list(labels)}


def analysis_doc(
    tracks: Sequence[TrackFeatures],
    labels: Sequence[str],
    names: Sequence[str],
    skipped: list[dict],
    rows: list[dict],
    curves: list[np.ndarray],
    main: Trial,
    param_names: Sequence[str],
    seed: int,
) -> dict:
    """Everything the report shows, as plain JSON values (`curves` in the scene's order)."""
    means = np.stack([c.mean(axis=0) for c in curves])
    per_track = [
        {
            "file": n,
            "genre": g,
            "segments": len(t.values),
            "duration": round(t.duration, 3),
            "param_mean": c.mean(axis=0).round(6).tolist(),
            "param_std": c.std(axis=0).round(6).tolist(),
        }
        for n, g, t, c in zip(names, labels, tracks, curves)
    ]
    heat = [
        {
            "track": os.path.basename(names[i]),
            "genre": labels[i],
            "duration": round(tracks[i].duration, 3),
            "values": downsample(curves[i]).round(4).tolist(),
            "sections": section_times(tracks[i], main),
        }
        for i in round_robin(labels, 8)
    ]
    return {
        "model": tracks[0].model_id,
        "feature_dim": int(tracks[0].values.shape[1]),
        "genres": {g: labels.count(g) for g in sorted(set(labels))},
        "main": main.label,
        "param_names": list(param_names),
        "mappings": rows,
        **feature_spaces([t.values for t in tracks], labels, seed),
        "tracks": per_track,
        "skipped": skipped,
        "heatmaps": heat,
        "tracks2d": tracks2d(means, labels, seed),
    }
