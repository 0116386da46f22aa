"""`deepviz batch` (and `render` with several inputs): one shared fit, parallel workers or Dask,
resumable through a manifest, a summary and a contact sheet in the output folder."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from deepviz.errors import DeepvizError
from deepviz.options import RunOptions, option
from deepviz.pipeline import PlanOptions, Say, silent
from deepviz.renderer.options import VideoOptions
from deepviz.workers import BatchSettings, TrackJob


@dataclass
class BatchOptions:
    """How a batch runs: where, how wide, which files, and whether finished videos are redone."""

    jobs: int = option(0, "--jobs", "-j", low=0, high=256,
                       help="Worker processes, each with its own GL context [default: 0 = the "
                       "number of cores].")  # fmt: skip
    executor: str = option("local", "--executor", choices=("local", "dask"),
                           help="local: worker processes here; dask: one task per track on a "
                           "dask.distributed cluster (pip install 'deepviz[dask]').")  # fmt: skip
    scheduler: str | None = option(None, "--scheduler", kind=str, metavar="ADDRESS",
                                   help="With --executor dask: the scheduler, e.g. "
                                   "tcp://host:8786 [default: a LocalCluster here].")  # fmt: skip
    pattern: str | None = option(None, "--pattern", kind=str, metavar="GLOB",
                                 help="Only files whose name (or path below the folder) matches, "
                                 "e.g. '*.flac'.")  # fmt: skip
    force: bool = option(
        False,
        "--force",
        flag=True,
        help="Render every track again, even those whose video is up to date.",
    )

    def workers(self) -> int:
        return self.jobs or os.cpu_count() or 1


class Executor:
    """Runs tracks inline (one job), in a WorkerPool, or on Dask; the same rows from each."""

    def __init__(self, opts: BatchOptions, inline: bool):
        self.opts, self.inline = opts, inline
        self.client = None
        if opts.executor == "dask":
            from deepviz.workers import dask_client

            self.client = dask_client(opts.scheduler, opts.workers())

    def run(self, settings: BatchSettings, jobs: Sequence[TrackJob], what: str, on_start):
        from deepviz import workers

        if self.client is not None:
            yield from workers.run_dask(self.client, settings, jobs, what, on_start)
        elif self.inline or self.opts.workers() == 1 or len(jobs) == 1:
            yield from workers.run_inline(settings, jobs, what, on_start)
        else:
            pool = workers.WorkerPool(settings, what, min(self.opts.workers(), len(jobs)))
            try:
                yield from pool.run(jobs, on_start)
            except BaseException:  # Ctrl-C, SIGTERM, an error: stop the workers now
                pool.close(now=True)
                raise
            pool.close(now=False)

    def close(self) -> None:
        if self.client is not None:
            from deepviz.workers import close_quietly

            close_quietly(self.client, self.client.cluster)


class BatchProgress:
    """Tracks done / failed / left, the tracks being rendered, an ETA; failures said at once."""

    def __init__(self, total: int, quiet: bool, note: Say):
        from deepviz.progress import progress_bar

        self.bar = progress_bar(total=total, desc="batch", unit="track", disable=quiet)
        self.done = self.failed = 0
        self.current: list[str] = []
        self.note = note

    def started(self, job: TrackJob) -> None:
        self.current.append(Path(job.source).name)
        self._postfix()

    def finished(self, job: TrackJob, row: dict) -> None:
        name = Path(job.source).name
        if name in self.current:
            self.current.remove(name)
        if row["status"] == "failed":
            self.failed += 1
            self.note(f"deepviz: error: {job.source}: {row['error']}")
        else:
            self.done += 1
        self._postfix()
        self.bar.update(1)

    def _postfix(self) -> None:
        now = ", ".join(self.current[:3]) + (" …" if len(self.current) > 3 else "")
        self.bar.set_postfix_str(f"done {self.done}, failed {self.failed}, now: {now or '-'}")

    def close(self) -> None:
        self.bar.close()


def shared_fit(plan: PlanOptions, planner, executor: Executor, pairs, progress_off: bool,
               note: Say) -> tuple[str | None, float]:  # fmt: skip
    """(the fit every track renders with, as JSON text, or None; its motion target). `--fit
    batch` fits the mapping on every segment of every track, as the paper fitted on its set."""
    from deepviz.mapping.fitted import fit_on_tracks

    if plan.fit_path == "track":
        return None, 0.0
    if plan.fit_path != "batch":
        fitted = planner.fitted  # the reference fit or the user's --fit FILE
        return (json.dumps(fitted.to_json()) if fitted else None), planner.motion
    settings = BatchSettings(plan, VideoOptions(), None, None, 0.0)
    jobs = [TrackJob(i, str(src), str(out)) for i, (src, out) in enumerate(pairs)]
    bar = BatchProgress(len(jobs), progress_off, silent)
    bar.bar.set_description("features")
    for job, _row in executor.run(settings, jobs, "extract", bar.started):
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
    note(f"deepviz: fitted {plan.mapping_options().method} on "
         f"{sum(len(c) for c in chunks)} segments of {len(chunks)} tracks")  # fmt: skip
    return json.dumps(fitted.to_json()), plan.motion or 0.0


def write_summary(rows: list[dict], folder: Path, fit: str | None) -> None:
    """summary.json (everything) and summary.csv (one line per track, parameters as columns)."""
    import csv
    import io

    from deepviz.fileio import atomic_path

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
    inputs: Sequence[str], output: str | None, plan: PlanOptions, video: VideoOptions,
    run: RunOptions, opts: BatchOptions, say: Say = silent, note: Say = silent,
    overlay=None,
) -> list[dict]:  # fmt: skip
    """Render every audio file of `inputs` into the folder `output`; the summary rows."""
    from deepviz.fileio import batch_jobs, clean_stale_parts
    from deepviz.pipeline import Planner
    from deepviz.renderer.titles import check_dressing

    video = video.effective()
    check_dressing(video, overlay, (plan.scene,), note)  # a bad palette or logo: before any work
    if opts.executor == "dask":
        from deepviz.workers import require_dask

        require_dask()
    pairs = batch_jobs(inputs, output, pattern=opts.pattern)
    folder = Path(output or ".")
    if opts.executor == "local":  # no EGL here is an error before any work
        from deepviz.scenes import create_context

        create_context().release()
    planner = Planner(plan, say, note)
    try:
        executor = Executor(opts, inline=opts.workers() == 1)
    except BaseException:  # a scheduler out of reach: leave no empty output folders behind
        _prune_empty(folder)
        raise
    try:
        rows, fit_name = _render_all(pairs, folder, plan, video, run, opts, planner, executor,
                                     say, note, overlay)  # fmt: skip
    finally:
        executor.close()
        for _, out in pairs:
            clean_stale_parts(out)  # parts of workers that were killed
    return _finish(rows, folder, fit_name, say)


def _prune_empty(folder: Path) -> None:
    """Remove the empty folders under `folder` (and it, if empty): never anything with files."""
    for root, _, _ in sorted(os.walk(folder, topdown=False), key=lambda w: -len(w[0])):
        try:
            os.rmdir(root)
        except OSError:
            pass


def _render_all(pairs, folder, plan, video, run, opts, planner, executor, say, note, overlay):
    from deepviz.manifest import Manifest, new_jobs, options_digest

    fit_text, motion = shared_fit(plan, planner, executor, pairs, run.quiet, note)
    fit_name = None
    if fit_text is not None:
        from deepviz.fileio import atomic_path

        fit_name = str(folder / "fit.json")
        with atomic_path(fit_name) as tmp:
            tmp.write_text(fit_text + "\n", encoding="utf-8")
    settings = BatchSettings(plan, video, fit_text, fit_name, motion, overlay)
    manifest = Manifest(folder, note)
    digest = options_digest(plan, video, planner.cache_key, fit_text, overlay)
    jobs, rows, shas = new_jobs(pairs, manifest, digest, opts.force, run.overwrite, note)
    say(f"{len(pairs)} tracks: {len(jobs)} to render, {len(pairs) - len(jobs)} skipped "
        f"(up to date or not ours)")  # fmt: skip
    bar = BatchProgress(len(jobs), run.quiet, note)
    try:
        for job, row in executor.run(settings, jobs, "render", bar.started):
            bar.finished(job, row)
            rows.append(row)
            if row["status"] == "done":
                manifest.record(Path(job.output), shas[job.index], digest, row)
    finally:
        bar.close()
    return rows, fit_name


def _finish(rows: list[dict], folder: Path, fit_name: str | None, say: Say) -> list[dict]:
    """Summary, contact sheet, the final line; an error naming the failed files, if any."""
    from deepviz.renderer.contact import write_contact_sheet

    rows.sort(key=lambda r: r["output"])
    write_summary(rows, folder, fit_name)
    write_contact_sheet(rows, folder, folder / "contact-sheet.png")
    counts = {k: sum(r["status"] == k for r in rows) for k in ("done", "skipped", "failed")}
    say(f"rendered {counts['done']}, skipped {counts['skipped']}, failed {counts['failed']} → "
        f"{folder}/summary.json, contact-sheet.png")  # fmt: skip
    failed = [r["file"] for r in rows if r["status"] == "failed"]
    if failed:
        raise DeepvizError(f"{len(failed)} of {len(rows)} tracks failed: {', '.join(failed)}")
    return rows


def batch_plan(plan: PlanOptions) -> PlanOptions:
    """`deepviz batch` fits one mapping on all its tracks when a mapping option is given, or when
    the model has no reference fit; otherwise the reference fit (the default look) is shared."""
    import dataclasses

    from deepviz.pipeline import reference_fit_path

    if plan.fit_path is None and (plan.mapping_given()
                                  or not reference_fit_path(plan.model).is_file()):  # fmt: skip
        return dataclasses.replace(plan, fit_path="batch")
    return plan
