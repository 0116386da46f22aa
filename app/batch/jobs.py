"""A batch's jobs: the (input, output) pairs, what every track shares, and how one track is
rendered in whichever process runs it."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from deepviz.app.plan import PlanOptions
from deepviz.app.planner import Planner
from deepviz.core.errors import DeepvizError
from deepviz.extract.inputs import (
    audio_files,
)
from deepviz.renderer.options import OverlayOptions, VideoOptions
from deepviz.renderer.render import Panel, frame_range, render_panels
from deepviz.renderer.titles import overlays_for
from deepviz.scenes import create_context


@dataclass(frozen=True)
class BatchSettings:
    """What every track of a batch shares; sent once to each worker (a Dask task carries it)."""

    plan: PlanOptions
    video: VideoOptions
    fit_text: str | None  # the shared fit as JSON, None: each track fitted on itself
    fit_name: str | None  # how provenance names it (fit.json in the output folder)
    motion: float
    overlay: OverlayOptions | None = None  # title (from each track's tags), logo


@dataclass(frozen=True)
class TrackJob:
    index: int
    source: str
    output: str
    replace: bool = False  # an earlier video of this batch (or -y): replace it; else never


class TrackRenderer:
    """A GL context, the network and the shared fit, set up once per process."""

    def __init__(self, settings: BatchSettings):
        # lazy: scikit-learn (0.7 s) loads while the network's process starts
        from deepviz.mapping.fitted import parse_mapping

        self.settings = settings
        self.gl = create_context()
        shared = settings.fit_text is not None
        plan = dataclasses.replace(settings.plan, fit_path="track") if shared else settings.plan
        self.planner = Planner(plan)
        if shared:
            fitted = parse_mapping(settings.fit_text, settings.fit_name or "fit.json")
            fitted.path = settings.fit_name
            self.planner.fitted, self.planner.motion = fitted, settings.motion

    def render(self, job: TrackJob) -> dict:
        """Render one track; its summary row (a DeepvizError becomes a failed row)."""
        start = time.perf_counter()
        try:
            s, planner = self.settings, self.planner
            overlays = overlays_for(s.overlay, job.source, s.video.width, s.video.height)
            curves = planner.curves(job.source)
            render_panels(
                [Panel(curves, s.plan.scene, s.plan.seed)],
                job.source,
                job.output,
                s.video,
                True,
                self.gl,
                overwrite=job.replace,
                metadata=planner.provenance(s.video),
                audio_stream=s.plan.audio_stream,
                overlays=overlays,
            )
        except DeepvizError as exc:
            return failed_row(job, exc.problem if exc.path else str(exc))
        frames = frame_range(curves, s.video.start, s.video.duration)
        values = curves.values[frames.start : frames.stop].astype(float)
        return {
            **_row(job, "done"),
            "duration": round(curves.duration, 3),
            "render_seconds": round(time.perf_counter() - start, 2),
            "means": dict(zip(curves.names, values.mean(axis=0).round(4).tolist())),
            "stds": dict(zip(curves.names, values.std(axis=0).round(4).tolist())),
        }

    def extract(self, job: TrackJob) -> dict:
        """Only the features (into the cache), for a fit over the whole batch."""
        try:
            self.planner.features(job.source)
        except DeepvizError as exc:
            return {"file": job.source, "status": "failed", "error": exc.problem}
        return {"file": job.source, "status": "done"}


_RENDERERS: dict[int, TrackRenderer] = {}  # per process: one per batch's settings


def run_track(settings: BatchSettings, job: TrackJob, what: str = "render") -> dict:
    """The task every executor runs: render (or extract) one track with this process's setup."""
    key = hash(repr(settings))  # by value: each Dask task brings its own copy
    if key not in _RENDERERS:
        _RENDERERS.clear()  # another batch's setup: free its GL context and network
        _RENDERERS[key] = TrackRenderer(settings)
    worker = _RENDERERS[key]
    return worker.render(job) if what == "render" else worker.extract(job)


def _row(job: TrackJob, status: str, error: str = "") -> dict:
    return {"file": job.source, "output": job.output, "status": status, "error": error}


def failed_row(job: TrackJob, error: str) -> dict:
    return _row(job, "failed", error)


def is_batch(inputs: Sequence[str | os.PathLike]) -> bool:
    """Several inputs, or a folder: one output per file, into a folder."""
    return len(inputs) > 1 or Path(inputs[0]).is_dir()


def mirrored_name(src: Path, inputs: Sequence[str | os.PathLike], suffix: str) -> Path:
    """The output's path below the output folder: the input folders' structure mirrored (under
    each folder's name when there are several inputs); a file named directly: its name."""
    for item in inputs:
        root = Path(item)
        if root.is_dir() and src.is_relative_to(root):
            rel = src.relative_to(root).with_suffix(suffix)
            return rel if len(inputs) == 1 else Path(root.resolve().name) / rel
    return Path(src.stem + suffix)


def batch_jobs(
    inputs: Sequence[str | os.PathLike],
    output: str | os.PathLike | None,
    suffix: str = ".mp4",
    pattern: str | None = None,
) -> list[tuple[Path, Path]]:
    """(input, output) pairs, the output folder mirroring the inputs' folders.

    Creates the folder; refuses a file as the folder and two inputs that would write one output.
    """
    folder = Path(output or ".")
    if folder.suffix.lower() == suffix:
        raise DeepvizError("with several inputs, -o names a folder", folder)
    if folder.exists() and not folder.is_dir():
        raise DeepvizError("is a file; with several inputs, -o names a folder", folder)
    files = audio_files(inputs, pattern, skip=folder.resolve())
    jobs = [(src, folder / mirrored_name(src, inputs, suffix)) for src in files]
    by_output: dict[Path, list[Path]] = {}
    for src, out in jobs:
        by_output.setdefault(out, []).append(src)
    for out, sources in by_output.items():
        if len(sources) > 1:
            raise DeepvizError(f"{' and '.join(map(str, sources))} would both write {out}")
    sources = {src.resolve() for src, _ in jobs}
    for src, out in jobs:
        if out.resolve() in sources:
            raise DeepvizError(f"the video of {src} would overwrite an input, {out}")
    folder.mkdir(parents=True, exist_ok=True)
    for _, out in jobs:
        out.parent.mkdir(parents=True, exist_ok=True)
    return jobs
