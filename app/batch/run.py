"""`deepviz batch` (and `render` with several inputs): one shared fit, parallel workers or Dask,
resumable through a manifest, a summary and a contact sheet in the output folder."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from deepviz.app.batch.executors import Executor, require_dask
from deepviz.app.batch.jobs import BatchSettings, TrackJob, batch_jobs, is_batch
from deepviz.app.batch.manifest import Manifest, new_jobs, options_digest
from deepviz.app.batch.options import BatchOptions
from deepviz.app.plan import PlanOptions, reference_fit_path
from deepviz.app.planner import Planner
from deepviz.app.render import RenderOptions, render_track
from deepviz.core.console import SILENT, Console, progress_bar
from deepviz.core.errors import DeepvizError
from deepviz.core.files import atomic_path, clean_stale_parts
from deepviz.renderer.contact import write_contact_sheet
from deepviz.renderer.options import VideoOptions
from deepviz.renderer.titles import check_dressing
from deepviz.scenes import create_context


class BatchProgress:
    """Tracks done / failed / left, the tracks being rendered, an ETA; failures said at once."""

    def __init__(self, total: int, quiet: bool, console: Console):

        self.bar = progress_bar(total=total, desc="batch", unit="track", disable=quiet)
        self.done = self.failed = 0
        self.current: list[str] = []
        self.console = console

    def started(self, job: TrackJob) -> None:
        self.current.append(Path(job.source).name)
        self._postfix()

    def finished(self, job: TrackJob, row: dict) -> None:
        name = Path(job.source).name
        if name in self.current:
            self.current.remove(name)
        if row["status"] == "failed":
            self.failed += 1
            self.console.note(f"deepviz: error: {job.source}: {row['error']}")
        else:
            self.done += 1
        self._postfix()
        self.bar.update(1)

    def _postfix(self) -> None:
        now = ", ".join(self.current[:3]) + (" …" if len(self.current) > 3 else "")
        self.bar.set_postfix_str(f"done {self.done}, failed {self.failed}, now: {now or '-'}")

    def close(self) -> None:
        self.bar.close()


@dataclass
class Batch:
    """One batch as it runs: its options, the (input, output) pairs, the planner and executor."""

    render: RenderOptions
    opts: BatchOptions
    console: Console
    folder: Path
    pairs: list[tuple[Path, Path]]
    planner: Planner
    executor: Executor


def shared_fit(batch: Batch) -> tuple[str | None, float]:
    """(the fit every track renders with, as JSON text, or None; its motion target). `--fit
    batch` fits the mapping on every segment of every track, as the paper fitted on its set."""
    # lazy: scikit-learn (0.7 s) loads while the network's process starts
    from deepviz.mapping.fitted import fit_on_tracks

    plan, planner, pairs = batch.render.plan, batch.planner, batch.pairs

    if plan.fit_path == "track":
        return None, 0.0
    if plan.fit_path != "batch":
        fitted = planner.fitted  # the reference fit or the user's --fit FILE
        return (json.dumps(fitted.to_json()) if fitted else None), planner.motion
    settings = BatchSettings(plan, VideoOptions(), None, None, 0.0)
    jobs = [TrackJob(i, str(src), str(out)) for i, (src, out) in enumerate(pairs)]
    bar = BatchProgress(len(jobs), batch.render.run.quiet, SILENT)
    bar.bar.set_description("features")
    for job, _row in batch.executor.run(settings, jobs, "extract", bar.started):
        bar.finished(job, {"status": "done"})  # a failure shows when the track renders
    bar.close()
    chunks = []
    for src, _ in pairs:
        try:
            chunks.append(planner.features(src).values)  # from the cache the workers filled
        except DeepvizError:
            continue
    if not chunks:
        raise DeepvizError("none of the inputs could be decoded")
    fitted = fit_on_tracks(chunks, planner.mapping, planner.model_id)
    segments = sum(len(c) for c in chunks)
    method = plan.mapping_options().method
    batch.console.note(f"deepviz: fitted {method} on {segments} segments of {len(chunks)} tracks")
    return json.dumps(fitted.to_json()), plan.motion or 0.0


def write_summary(rows: list[dict], folder: Path, fit: str | None) -> None:
    """summary.json (everything) and summary.csv (one line per track, parameters as columns)."""

    counts = {k: sum(r["status"] == k for r in rows) for k in ("done", "skipped", "failed")}
    doc = {"tracks": rows, **counts, "fit": fit}
    with atomic_path(folder / "summary.json") as tmp:
        tmp.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    names = next((list(r["means"]) for r in rows if r.get("means")), [])
    head = ["file", "output", "status", "error", "duration", "render_seconds"]
    text = io.StringIO()
    out = csv.writer(text)
    out.writerow(head + [f"mean_{n}" for n in names] + [f"std_{n}" for n in names])
    for r in rows:
        stats = [r.get("means", {}).get(n, "") for n in names]
        stats += [r.get("stds", {}).get(n, "") for n in names]
        out.writerow([r.get(k, "") for k in head] + stats)
    with atomic_path(folder / "summary.csv") as tmp:
        tmp.write_text(text.getvalue(), encoding="utf-8")


def run_batch(
    inputs: Sequence[str],
    output: str | None,
    render: RenderOptions,
    opts: BatchOptions,
    console: Console = SILENT,
) -> list[dict]:
    """Render every audio file of `inputs` into the folder `output`; the summary rows."""
    render = dataclasses.replace(render, video=render.video.effective())
    plan, video = render.plan, render.video
    check_dressing(video, render.overlay, (plan.scene,), console)  # a bad palette or logo: first
    if opts.executor == "dask":
        require_dask()
    pairs = batch_jobs(inputs, output, pattern=opts.pattern)
    folder = Path(output or ".")
    if opts.executor == "local":  # no EGL here is an error before any work
        create_context().release()
    planner = Planner(plan, console)
    try:
        executor = Executor(opts, inline=opts.workers() == 1)
    except BaseException:  # a scheduler out of reach: leave no empty output folders behind
        _prune_empty(folder)
        raise
    try:
        batch = Batch(render, opts, console, folder, pairs, planner, executor)
        rows, fit_name = _render_all(batch)
    finally:
        executor.close()
        for _, out in pairs:
            clean_stale_parts(out)  # parts of workers that were killed
    return _finish(rows, folder, fit_name, console)


def _prune_empty(folder: Path) -> None:
    """Remove the empty folders under `folder` (and it, if empty): never anything with files."""
    for root, _, _ in sorted(os.walk(folder, topdown=False), key=lambda w: -len(w[0])):
        try:
            os.rmdir(root)
        except OSError:
            pass


def _render_all(batch: Batch) -> tuple[list[dict], str | None]:
    """Every track rendered (or skipped as up to date) with the shared fit; (rows, fit.json)."""
    plan, video, overlay = batch.render.plan, batch.render.video, batch.render.overlay
    console, folder = batch.console, batch.folder
    fit_text, motion = shared_fit(batch)
    fit_name = None
    if fit_text is not None:
        fit_name = str(folder / "fit.json")
        with atomic_path(fit_name) as tmp:
            tmp.write_text(fit_text + "\n", encoding="utf-8")
    settings = BatchSettings(plan, video, fit_text, fit_name, motion, overlay)
    manifest = Manifest(folder, console)
    digest = options_digest(plan, video, batch.planner.cache_key, fit_text, overlay)
    pairs, overwrite = batch.pairs, batch.render.run.overwrite
    jobs, rows, shas = new_jobs(pairs, manifest, digest, batch.opts.force, overwrite, console)
    console.say(
        f"{len(pairs)} tracks: {len(jobs)} to render, {len(pairs) - len(jobs)} skipped "
        f"(up to date or not ours)"
    )
    bar = BatchProgress(len(jobs), batch.render.run.quiet, console)
    try:
        for job, row in batch.executor.run(settings, jobs, "render", bar.started):
            bar.finished(job, row)
            rows.append(row)
            if row["status"] == "done":
                manifest.record(Path(job.output), shas[job.index], digest, row)
    finally:
        bar.close()
    return rows, fit_name


def _finish(rows: list[dict], folder: Path, fit_name: str | None, console: Console) -> list[dict]:
    """Summary, contact sheet, the final line; an error naming the failed files, if any."""

    rows.sort(key=lambda r: r["output"])
    write_summary(rows, folder, fit_name)
    write_contact_sheet(rows, folder, folder / "contact-sheet.png")
    counts = {k: sum(r["status"] == k for r in rows) for k in ("done", "skipped", "failed")}
    console.say(
        f"rendered {counts['done']}, skipped {counts['skipped']}, failed {counts['failed']} → "
        f"{folder}/summary.json, contact-sheet.png"
    )
    failed = [r["file"] for r in rows if r["status"] == "failed"]
    if failed:
        raise DeepvizError(f"{len(failed)} of {len(rows)} tracks failed: {', '.join(failed)}")
    return rows


def batch_plan(plan: PlanOptions) -> PlanOptions:
    """`deepviz batch` fits one mapping on all its tracks when a mapping option is given, or when
    the model has no reference fit; otherwise the reference fit (the default look) is shared."""

    if plan.fit_path is None and (
        plan.mapping_given() or not reference_fit_path(plan.model).is_file()
    ):
        return dataclasses.replace(plan, fit_path="batch")
    return plan


def render_inputs(
    inputs: Sequence[str], output: str | None, opts: RenderOptions, console: Console = SILENT
) -> None:
    """`deepviz render`: one file, or several files or a folder through the batch engine one
    track at a time (a failing file is reported and skipped)."""
    if not is_batch(inputs):
        render_track(inputs[0], output, opts, console)
    elif opts.dump_params:
        raise DeepvizError("--dump-params takes a single input (use `deepviz params` per file)")
    else:
        run_batch(inputs, output, opts, BatchOptions(jobs=1), console)
