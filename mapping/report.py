"""`python -m deepviz.mapping.report`: how each mapping method behaves, as a Markdown table.

Six synthesized tracks (one per style) → features with the default model → each method fitted on all
of them (a reference set, as the paper did) → per-track parameters. Columns: the mean within-track std
of the parameters (dynamics), the std of the first and last parameter (PCA orders by variance), and the
mean distance between the tracks' average parameter vectors (how different tracks look).
"""

from __future__ import annotations

import itertools

import numpy as np

from deepviz.extract.extractor import FeatureExtractor
from deepviz.extract.synth import STYLES, synth_track
from deepviz.mapping import MappingOptions, fit_mapping

METHODS = ("deterministic", "random", "pca", "kmeans", "kmeans-pca")


def main() -> None:
    extractor = FeatureExtractor("default", device="cpu")
    tracks = [
        extractor.extract_audio(synth_track(500 + i, 20.0, s)[0]).values
        for i, s in enumerate(STYLES)
    ]
    allf = np.concatenate(tracks)
    print(
        "| method | scaling | within-track std | std of 1st / last parameter | between-track distance |"
    )
    print("|---|---|---:|---:|---:|")
    for method in METHODS:
        for scaling in ("standard", "minmax"):
            fitted = fit_mapping(allf, MappingOptions(method=method, scaling=scaling), "default")
            per = [fitted.transform(t) for t in tracks]
            within = np.mean([p.std(axis=0).mean() for p in per])
            first = np.mean([p[:, 0].std() for p in per])
            last = np.mean([p[:, -1].std() for p in per])
            means = [p.mean(axis=0) for p in per]
            between = np.mean([np.linalg.norm(a - b) for a, b in itertools.combinations(means, 2)])
            print(
                f"| {method} | {scaling} | {within:.3f} | {first:.3f} / {last:.3f} | {between:.3f} |"
            )


if __name__ == "__main__":
    main()
