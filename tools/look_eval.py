"""`make look-eval`: the default look measured leave-one-source-out on the development set.

Every fitted or tuned part of the look (the placement's centring and scale, the motion's gain, the
sections' threshold) is fitted without the source it is measured on, rotating over the sources of
`.cache/music` (one folder per Debian package, `make music`); the directions come from the
synthesized styles (`.cache/reference-synth`, `make default-fit`), which hold no real music. Each
clip is measured once, by the fit that never heard its source; the figures pool them:

- identify: a clip's first-half mean picture lies nearest its own second half (chance 1/clips)
- rho: Spearman's rho across clips of the picture's motion against the sound's change
- std: mean within-clip std of the 10 parameters
- splice: 12 s of one clip joined to 12 s of a clip of another source, `--smoothing 0`: the
  parameter change across the join over the median change per 0.96 s segment (every pair of
  sources once; each join fitted without either source)

`--in-sample` fits on every source instead (the figures the fit saw), for comparison.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np
from devset import SOURCES  # tools/, beside this script

from deepviz.app.plan import PlanOptions, reference_fit_path
from deepviz.app.planner import Planner
from deepviz.extract.audio import load_audio
from deepviz.extract.extractor import FeatureExtractor
from deepviz.extract.features import SAMPLE_RATE, TrackFeatures
from deepviz.extract.timbre import timbral_change
from deepviz.mapping import stats
from deepviz.mapping.curves import segment_parameters, track_sections
from deepviz.mapping.fitted import FittedMapping, load_mapping
from deepviz.mapping.look import rendered_curves, tune_look
from deepviz.mapping.order import SceneOrder
from deepviz.mapping.place import StylePlacement
from deepviz.scenes.registry import get_scene

FPS = 30.0
SPLICE_S = 12.0
INDIVIDUALITY = None  # None: StylePlacement's own (the sweep of tools/ may try others)


@dataclasses.dataclass
class Clip:
    source: str
    path: Path
    features: TrackFeatures
    change: float  # the sound's timbral change (extract.timbre)


def load_clips(music: Path, planner: Planner) -> list[Clip]:
    """Every clip of the development set with its features (cached) and timbral change."""
    clips = []
    for folder in sorted(music / s for s in SOURCES if (music / s).is_dir()):  # not old folders
        for path in sorted(folder.glob("*.flac")):
            change = timbral_change(load_audio(path))
            clips.append(Clip(folder.name, path, planner.features(path), change))
    return clips


def synth_styles(synth: Path, planner: Planner) -> tuple[np.ndarray, np.ndarray]:
    """The synthesized reference set's style vectors and style labels (the directions)."""
    files = sorted(synth.rglob("*.wav"))
    return np.stack([planner.features(f).style for f in files]), np.array(
        [f.parent.name for f in files], dtype=object
    )


def fitted_without(base: FittedMapping, synth, clips: list[Clip], look=None) -> FittedMapping:
    """The shipped fit's mapping with a placement centred on `clips` (and `look`)."""
    styles, labels = synth
    centre = np.stack([c.features.style for c in clips])
    X = np.concatenate([styles, centre])
    y = np.concatenate([labels, np.full(len(centre), None, dtype=object)])
    extra = {} if INDIVIDUALITY is None else {"individuality": INDIVIDUALITY}
    placement = StylePlacement(**extra).fit(X, y)
    fitted = dataclasses.replace(base, place=placement, look=look)
    return fitted


def fold_fit(base, synth, train: list[Clip], scene: SceneOrder) -> FittedMapping:
    """The look fitted on `train` alone: centring, then threshold and gain."""
    fitted = fitted_without(base, synth, train)
    look = tune_look(fitted, [c.features for c in train], scene)
    return dataclasses.replace(fitted, look=look)


def spliced(a: Clip, b: Clip, extractor: FeatureExtractor) -> TrackFeatures:
    """12 s of `a` then 12 s of `b` (from their middles), as one track."""
    n = int(SPLICE_S * SAMPLE_RATE)
    ya, yb = load_audio(a.path), load_audio(b.path)
    mid_a, mid_b = max(0, len(ya) // 2 - n // 2), max(0, len(yb) // 2 - n // 2)
    return extractor.extract_audio(np.concatenate([ya[mid_a : mid_a + n], yb[mid_b : mid_b + n]]))


def splice_ratio(fitted: FittedMapping, joined: TrackFeatures, scene: SceneOrder) -> float:
    """The change across the join (the largest of the segment steps beside it) over the median
    segment step elsewhere, smoothing 0."""
    params = segment_parameters(
        joined, fitted, scene, fitted.look.motion_gain, track_sections(joined, fitted)
    )
    steps = np.linalg.norm(np.diff(params, axis=0), axis=1)
    join = int(np.searchsorted(joined.anchors, SPLICE_S)) - 1
    near = list(range(max(0, join - 1), min(len(steps), join + 2)))
    return float(steps[near].max() / np.median(np.delete(steps, near)))


def evaluate(clips, base, synth, scene, in_sample: bool, extractor, quick=False) -> dict:
    """Pooled figures and per-source rows, each clip measured by a fit without its source."""
    sources = sorted({c.source for c in clips})
    fits = {
        s: fold_fit(base, synth, clips if in_sample else [c for c in clips if c.source != s], scene)
        for s in sources
    }
    curves = {
        id(c): rendered_curves(fits[c.source], c.features, scene, fits[c.source].look.motion_gain)
        for c in clips
    }
    rows = {s: figures([c for c in clips if c.source == s], curves) for s in sources}
    pooled = figures(clips, curves)
    pooled["splice"] = splices(clips, sources, base, synth, scene, in_sample, extractor, quick)
    pooled["gain"] = [fits[s].look.motion_gain for s in sources]
    pooled["threshold"] = [fits[s].look.section_threshold for s in sources]
    return {"pooled": pooled, "sources": rows}


def figures(clips: list[Clip], curves: dict) -> dict:
    """identify, rho and std of some clips' curves."""
    mine = [curves[id(c)] for c in clips]
    motion = [stats.picture_motion(cv, FPS) for cv in mine]
    return {
        "clips": len(clips),
        "identify": stats.identify(mine),
        "rho": stats.motion_rho(motion, [c.change for c in clips]),
        "std": stats.within_std(mine),
    }


def splices(clips, sources, base, synth, scene, in_sample, extractor, quick) -> dict:
    """Every ordered pair of sources once (their first clips), fitted without either source."""
    first = {s: next(c for c in clips if c.source == s) for s in sources}
    pairs = [(a, b) for a in sources for b in sources if a != b]
    if quick:
        pairs = [(a, sources[(i + 1) % len(sources)]) for i, a in enumerate(sources)]
    fits, ratios = {}, {}
    for a, b in pairs:
        key = frozenset((a, b))
        if key not in fits:
            train = clips if in_sample else [c for c in clips if c.source not in key]
            fits[key] = fold_fit(base, synth, train, scene)
        ratios[f"{a}>{b}"] = splice_ratio(fits[key], spliced(first[a], first[b], extractor), scene)
    values = list(ratios.values())
    return {"min": min(values), "median": float(np.median(values)), "pairs": ratios}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--music", default=".cache/music")
    ap.add_argument("--synth", default=".cache/reference-synth")
    ap.add_argument("--out", default=None, help="also write the figures as JSON here")
    ap.add_argument("--in-sample", action="store_true", help="fit on every source")
    ap.add_argument("--quick", action="store_true", help="splice each source to the next only")
    args = ap.parse_args()
    planner = Planner(PlanOptions(device="cpu"))
    base = load_mapping(reference_fit_path("default"))
    cls = get_scene("real")
    scene = SceneOrder(cls.param_names(), cls.priority, None, cls.identity)
    clips = load_clips(Path(args.music), planner)
    synth = synth_styles(Path(args.synth), planner)
    extractor = FeatureExtractor("default", "cpu")
    doc = evaluate(clips, base, synth, scene, args.in_sample, extractor, args.quick)
    json.dump(doc, sys.stdout, indent=1)
    if args.out:
        Path(args.out).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
