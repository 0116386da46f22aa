"""The pipeline put together once: options → network → features → mapping → per-frame curves.

`Planner` loads the feature network (and a saved fit) once and turns any number of tracks into
curves; render, params, fit and compare all go through it. Commands only parse options and call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from deepviz.core.console import Console
from deepviz.core.errors import DeepvizError
from deepviz.core.options import option
from deepviz.extract.identity import resolve_checkpoint
from deepviz.mapping.options import MAX_MOTION_GAIN, METHODS, SCALE_BY, SCALINGS, MappingOptions
from deepviz.scenes.registry import scene_names

if TYPE_CHECKING:
    from deepviz.mapping.fitted import FittedMapping


HELP = {  # the options' help, as `--help` shows it
    "scene": "VIZ-REAL or VIZ-BAR (`deepviz scenes` lists their parameters).",
    "model": "Feature network: 'default' (embedded autoencoder) or a .dvz checkpoint.",
    "layer": "Feature layer of a classifier (e.g. L15).",
    "device": (
        "Where the network runs (auto: a small network such as the default "
        "one on the CPU, a large one on CUDA when torch sees a GPU)."
    ),
    "method": (
        "I deterministic, II random, III pca, IV kmeans, V kmeans-pca, "
        "fitted on the track [default: the model's reference fit (the "
        "default look), else deterministic]."
    ),
    "scaling": "standard: 0.5 ± 0.4·z clipped; minmax: to [0, 1] [default: standard].",
    "scale_by": (
        "One statistic per component, or one across all [default: "
        "across for pca and kmeans-pca, features otherwise]."
    ),
    "clusters": "K-Means clusters (kmeans, kmeans-pca) [default: 10].",
    "fit_path": (
        "reference: the model's shipped reference fit (the default "
        "unless a mapping option is given); track: fit on the track "
        "itself; batch: one fit on all the tracks given (the paper's; "
        "`deepviz batch` with a mapping option); FILE: a fit saved by "
        "`deepviz fit`."
    ),
    "motion": (
        "With a reference fit: the gain of the motion around each section's place, one for "
        "every track (the same change in the music moves the picture as far); 0 = the fit's "
        "values as they are [default: the fit's own (the reference fit's); a FILE without one: "
        "0; a reference fit without one: 1]."
    ),
    "sections": (
        "auto: each section of a track (where its sound changes for a while) gets a place of "
        "its own, with a fit that places tracks and tunes a look (the reference fit does); "
        "off: one place per track."
    ),
    "audio_stream": (
        "Which audio stream of a file that has several (0 = the "
        "first; deepviz says when a file has several)."
    ),
    "pulse": (
        "Strength of the frame-accurate hits (onsets) and loudness in the "
        "picture; 0 = the paper's pure mapping."
    ),
    "param_order": "Comma-separated parameter names: which parameter gets which component.",
    "fps": "Frames per second.",
    "smoothing": "EMA smoothing: share of the old value kept per 0.96 s segment (0 = off).",
    "seed": "Seed for random choices.",
}


@dataclass
class PlanOptions:
    """How a track becomes per-frame parameters: scene, network, mapping, timeline."""

    scene: str = option("real", "--scene", choices=scene_names, help=HELP["scene"])
    model: str = option("default", "--model", metavar="NAME|FILE", help=HELP["model"])
    layer: str | None = option(None, "--layer", kind=str, help=HELP["layer"])
    device: str = option("auto", "--device", choices=("auto", "cpu", "cuda"), help=HELP["device"])
    method: str | None = option(
        None, "--mapping", choices=METHODS, show_default=False, help=HELP["method"]
    )
    scaling: str | None = option(
        None, "--scaling", choices=SCALINGS, show_default=False, help=HELP["scaling"]
    )
    scale_by: str | None = option(
        None, "--scale-by", choices=SCALE_BY, show_default=False, help=HELP["scale_by"]
    )
    clusters: int | None = option(
        None, "--clusters", kind=int, low=2, high=1000, help=HELP["clusters"]
    )
    fit_path: str | None = option(
        None, "--fit", kind=str, metavar="reference|track|batch|FILE", help=HELP["fit_path"]
    )
    motion: float | None = option(
        None, "--motion", kind=float, low=0, high=MAX_MOTION_GAIN, help=HELP["motion"]
    )
    sections: str = option("auto", "--sections", choices=("auto", "off"), help=HELP["sections"])
    audio_stream: int = option(0, "--audio-stream", low=0, high=63, help=HELP["audio_stream"])
    pulse: float = option(1.0, "--pulse", low=0, high=2, help=HELP["pulse"])
    param_order: str | None = option(
        None, "--param-order", kind=str, metavar="NAMES", help=HELP["param_order"]
    )
    fps: float = option(30.0, "--fps", low=1, high=240, help=HELP["fps"])
    smoothing: float = option(
        0.25, "--smoothing", low=0, high=1, high_open=True, help=HELP["smoothing"]
    )
    seed: int = option(0, "--seed", low=0, high=2**32 - 1, help=HELP["seed"])

    def mapping_given(self) -> bool:
        """Did the user choose a mapping (then it is fitted on the track, as the paper did)?"""
        return any(v is not None for v in (self.method, self.scaling, self.scale_by, self.clusters))

    def mapping_options(self) -> MappingOptions:
        return MappingOptions(
            self.method or "deterministic",
            self.scaling or "standard",
            self.scale_by,
            self.clusters or 10,
            self.seed,
        )


DEFAULT_MOTION = 1.0  # the motion's gain with a fit that has none of its own (fitted on tracks)


def reference_fit_path(model: str) -> Path:
    """Where a model's reference fit lies: beside its checkpoint, `<name>.fit.json`."""

    ckpt = resolve_checkpoint(model)
    return ckpt.with_name(ckpt.name.removesuffix(".dvz") + ".fit.json")


def reference_fit(plan: PlanOptions, console: Console) -> tuple[FittedMapping | None, float]:
    """(the fit every track shares, or None to fit each track on itself; the motion target)."""
    # lazy: scikit-learn (0.7 s) loads while the network's process starts
    from deepviz.mapping.fitted import load_mapping

    if plan.fit_path in ("track", "batch"):  # batch: fitted on a batch's tracks (deepviz batch)
        return None, 0.0
    if plan.fit_path not in (None, "reference"):
        if plan.mapping_given():
            console.note(
                "deepviz: note: --fit decides the mapping; --mapping/--scaling/--scale-by/"
                "--clusters are not used"
            )
        fitted = load_mapping(plan.fit_path)
        return fitted, motion_of(plan, fitted, 0.0)
    if plan.fit_path is None and plan.mapping_given():
        return None, 0.0
    path = reference_fit_path(plan.model)
    if not path.is_file():
        if plan.fit_path == "reference":
            raise DeepvizError("this model has no reference fit beside it", path)
        console.note(
            f"deepviz: note: no reference fit {path.name} beside the model: fitting each track "
            "on itself"
        )
        return None, 0.0
    fitted = load_mapping(path)
    return fitted, motion_of(plan, fitted, DEFAULT_MOTION)


def motion_of(plan: PlanOptions, fitted: FittedMapping, default: float) -> float:
    """The motion's gain: --motion, else the fit's own, else `default`."""
    if plan.motion is not None:
        return plan.motion
    return fitted.look.motion_gain if fitted.look is not None else default
