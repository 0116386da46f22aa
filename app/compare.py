"""`deepviz compare` put together: variants of the options (or several tracks) → labelled panels
in one frame, as a video or a still. Features are extracted once per (track, model, layer)."""

from __future__ import annotations

import dataclasses
import itertools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from deepviz.app.plan import DEFAULT_MOTION, PlanOptions
from deepviz.app.planner import Planner
from deepviz.core.console import SILENT, Console
from deepviz.core.errors import DeepvizError
from deepviz.core.files import atomic_path, check_output_path
from deepviz.core.options import RunOptions, coerce
from deepviz.extract.audio import check_input_file
from deepviz.mapping.fitted import fit_on_tracks
from deepviz.mapping.options import parse_mapping_specs
from deepviz.renderer.encoder import FORMATS
from deepviz.renderer.render import Panel, render_panels, render_still
from deepviz.renderer.titles import check_dressing
from deepviz.scenes import create_context
from deepviz.scenes.palettes import load_palette

# --vary KEY → the PlanOptions field it sets (palette: the panel's): every option that shapes
# the picture
VARY_KEYS = {"mapping": "method", "scaling": "scaling", "scale-by": "scale_by",
             "clusters": "clusters", "model": "model", "layer": "layer", "fit": "fit_path",
             "scene": "scene", "smoothing": "smoothing", "seed": "seed",
             "param-order": "param_order", "motion": "motion", "pulse": "pulse",
             "palette": "palette"}  # fmt: skip
MAX_PANELS = 16
DEFAULT_MAPPINGS = "deterministic,random,pca,kmeans,kmeans-pca,kmeans-pca:minmax"


@dataclass
class CompareOptions:
    """What a comparison varies and how it is laid out."""

    vary: Sequence[str] = ()  # "KEY=V1,V2,…", several make the cross product
    mappings: str | None = None  # the older shorthand: METHOD[:SCALING[:SCALE_BY]],…
    grid: tuple[int, int] | None = None
    labels: bool = True
    show_params: bool = False
    still: float | None = None
    audio: int = 1  # with several tracks: whose audio (1-based)


@dataclass
class Variant:
    """One panel's options: overrides of the plan, and the label naming what differs."""

    overrides: dict
    label: str


def _values(key: str, text: str) -> list[tuple[str, dict]]:
    """(shown value, overrides) for each value of one --vary key, checked as the CLI checks."""
    if key not in VARY_KEYS:
        raise DeepvizError(f"--vary: unknown key {key!r}; one of {', '.join(VARY_KEYS)}")
    out = []
    for raw in filter(None, (v.strip() for v in text.split(","))):
        if key == "model" and ":" in raw and not os.path.exists(raw):  # vgg16.dvz:L15
            model, layer = raw.rsplit(":", 1)
            out.append((raw, {"model": model, "layer": layer}))
        elif key == "fit" and raw in ("reference", "track"):
            out.append((raw, {"fit_path": raw}))
        elif key == "palette":
            load_palette(raw)  # checked now, before any work
            out.append((raw, {"palette": raw}))
        else:
            out.append((raw, {VARY_KEYS[key]: coerce(PlanOptions, VARY_KEYS[key], raw)}))
    if not out:
        raise DeepvizError(f"--vary {key}: give at least one value")
    return out


def vary_variants(specs: Sequence[str]) -> list[Variant]:
    """The cross product of `KEY=V1,V2,…` specs, each labelled with the varied keys only."""
    axes = []
    for spec in specs:
        key, sep, text = spec.partition("=")
        if not sep:
            raise DeepvizError(f"--vary {spec!r}: write KEY=V1,V2,…")
        axes.append([(f"{key.strip()}={shown}", o) for shown, o in _values(key.strip(), text)])
    variants = []
    for combo in itertools.product(*axes):
        overrides = {k: v for _, o in combo for k, v in o.items()}
        variants.append(Variant(overrides, " · ".join(label for label, _ in combo)))
    return variants


def mapping_variants(text: str, plan: PlanOptions) -> list[Variant]:
    """The `--mappings` shorthand as variants (its labels name the paper's method numbers)."""

    return [
        Variant(
            {"method": o.method, "scaling": o.scaling, "scale_by": o.scale_by, "fit_path": "track"},
            label,
        )
        for label, o in parse_mapping_specs(text, plan.clusters or 10, plan.seed)
    ]


def check_layout(n: int, grid: tuple[int, int] | None) -> None:
    if not 1 <= n <= MAX_PANELS:
        raise DeepvizError(f"a comparison has 1 to {MAX_PANELS} panels, this one {n}")
    if grid is not None and grid[0] * grid[1] < n:
        raise DeepvizError(
            f"--grid {grid[0]}x{grid[1]} has room for {grid[0] * grid[1]} of {n} panels"
        )


def network(plan: PlanOptions) -> tuple:
    """What names a loaded network: model, layer and device."""
    return plan.model, plan.layer, plan.device


class PanelSource:
    """Planners for the panels' options, sharing networks and features: each (model, layer) is
    loaded once and each track extracted once per network."""

    def __init__(self, console: Console = SILENT, prefetch: str | None = None):
        """`prefetch`: a track whose network the first planner starts in its own process."""
        self.console, self.prefetch = console, prefetch
        self.extractors: dict[tuple, object] = {}
        self.tracks: dict[tuple, object] = {}

    def planner(self, plan: PlanOptions) -> Planner:
        planner = Planner(
            plan, self.console, extractor=self.extractors.get(network(plan)), prefetch=self.prefetch
        )
        self.prefetch = None
        return planner

    def features(self, planner: Planner, path: str):
        key = (os.path.realpath(path), planner.model_id, planner.cache_key or id(planner))
        if key not in self.tracks:
            self.tracks[key] = planner.features(path)
            if planner.loaded_extractor is not None:  # loaded here: the next planners share it
                self.extractors.setdefault(network(planner.plan), planner.loaded_extractor)
        return self.tracks[key]


def variant_panels(
    audio: str, plan: PlanOptions, variants: list[Variant], labels: bool, source: PanelSource
) -> list:
    """One panel per variant of the plan, all on the same track."""

    panels = []
    for v in variants:
        overrides = dict(v.overrides)
        palette = overrides.pop("palette", None)  # the panel's, not the plan's
        vplan = dataclasses.replace(plan, **overrides)
        planner = source.planner(vplan)
        curves = planner.curves_of(source.features(planner, audio))
        label = v.label if labels else None
        panels.append(Panel(curves, vplan.scene, vplan.seed, label, palette))
    return panels


def track_panels(audios: Sequence[str], plan: PlanOptions, labels: bool, source: PanelSource):
    """One panel per track, all mapped by one shared fit: the plan's (a file, or the model's
    reference fit), else the plan's mapping fitted on all the tracks' segments."""

    planner = source.planner(plan)
    feats = [source.features(planner, a) for a in audios]
    if planner.fitted is not None:
        shared = (planner.fitted, planner.motion)
    else:
        fitted = fit_on_tracks([f.values for f in feats], planner.mapping, feats[0].model_id)
        shared = (fitted, DEFAULT_MOTION if plan.motion is None else plan.motion)
    return [
        Panel(
            planner.curves_of(f, shared=shared),
            plan.scene,
            plan.seed,
            Path(a).name if labels else None,
        )
        for a, f in zip(audios, feats)
    ]


def check_output(output: str, still: float | None, overwrite: bool) -> Path:
    """A video (.mp4) or, with --still, a picture (.png); checked before any work."""

    out = check_output_path(output, overwrite)
    suffix = out.suffix.lower()
    if suffix not in (*FORMATS, ".png"):
        raise DeepvizError(
            f"a comparison is a video ({', '.join(FORMATS)}) or, with --still T, a .png", out
        )
    if (suffix == ".png") != (still is not None):
        raise DeepvizError("a .png needs --still T, and --still writes a .png", out)
    return out


def plan_panels(audios: Sequence[str], plan: PlanOptions, opts: CompareOptions, source):
    """The panels of a comparison, checked before any extraction."""
    if len(audios) > 1:
        if opts.vary or opts.mappings:
            raise DeepvizError("several tracks compare the tracks: drop --vary / --mappings")
        check_layout(len(audios), opts.grid)
        return lambda: track_panels(audios, plan, opts.labels, source)
    if opts.vary and opts.mappings:
        raise DeepvizError("give --vary or --mappings, not both")
    if opts.vary:
        variants = vary_variants(opts.vary)
    else:
        variants = mapping_variants(opts.mappings or DEFAULT_MAPPINGS, plan)
    check_layout(len(variants), opts.grid)
    return lambda: variant_panels(audios[0], plan, variants, opts.labels, source)


def compare(
    audios: Sequence[str],
    output: str,
    plan: PlanOptions,
    video,
    run: RunOptions,
    opts: CompareOptions,
    console: Console = SILENT,
) -> Path:
    """`deepviz compare`: panels of variants or tracks → a video with the chosen track's audio,
    or the frame at --still T as a PNG."""

    varied = [v.split("=", 1)[1].split(",") for v in opts.vary if v.startswith("scene=")]
    check_dressing(video, None, sum(varied, [plan.scene]), console)
    for audio in audios:
        check_input_file(audio)
    if not 1 <= opts.audio <= len(audios):
        raise DeepvizError(f"--audio {opts.audio}: there are {len(audios)} tracks")
    out = check_output(output, opts.still, run.overwrite)
    make_panels = plan_panels(audios, plan, opts, PanelSource(console, prefetch=audios[0]))
    gl = create_context()
    panels = make_panels()
    layout = {"grid": opts.grid, "show_params": opts.show_params, "lead": opts.audio - 1}
    if opts.still is not None:
        image = render_still(panels, opts.still, video, gl, **layout)
        with atomic_path(out, run.overwrite) as tmp:
            Image.fromarray(image).save(tmp, format="PNG")
    else:
        render_panels(
            panels,
            audios[opts.audio - 1],
            out,
            video,
            run.quiet,
            gl,
            overwrite=run.overwrite,
            **layout,
        )
    console.say(f"wrote {out}")
    return out
