"""Where a batch's tracks are rendered: here, in worker processes (each with its own GL context and
network), or on a Dask cluster. Every executor runs `run_track` and yields the same rows."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from deepviz import interrupts
from deepviz.errors import DeepvizError
from deepviz.pipeline import PlanOptions
from deepviz.renderer.options import OverlayOptions, VideoOptions


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
        import dataclasses

        from deepviz.mapping.fitted import parse_mapping
        from deepviz.pipeline import Planner
        from deepviz.scenes import create_context

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
        from deepviz.renderer.render import Panel, frame_range, render_panels
        from deepviz.renderer.titles import overlays_for

        start = time.perf_counter()
        try:
            s, planner = self.settings, self.planner
            overlays = overlays_for(s.overlay, job.source, s.video.width, s.video.height)
            curves = planner.curves(job.source)
            render_panels([Panel(curves, s.plan.scene, s.plan.seed)], job.source, job.output,
                          s.video, True, self.gl, overwrite=job.replace,
                          metadata=planner.provenance(s.video), audio_stream=s.plan.audio_stream,
                          overlays=overlays)  # fmt: skip
        except DeepvizError as exc:
            return _failed(job, exc.problem if exc.path else str(exc))
        frames = frame_range(curves, s.video.start, s.video.duration)
        values = curves.values[frames.start : frames.stop].astype(float)
        return {**_row(job, "done"), "duration": round(curves.duration, 3),
                "render_seconds": round(time.perf_counter() - start, 2),
                "means": dict(zip(curves.names, values.mean(axis=0).round(4).tolist())),
                "stds": dict(zip(curves.names, values.std(axis=0).round(4).tolist()))}  # fmt: skip

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


def run_inline(settings, jobs: Sequence[TrackJob], what: str, on_start: Callable) -> Iterator:
    """In this process, one track after another (--jobs 1)."""
    for job in jobs:
        on_start(job)
        yield job, run_track(settings, job, what)


def _row(job: TrackJob, status: str, error: str = "") -> dict:
    return {"file": job.source, "output": job.output, "status": status, "error": error}


def _failed(job: TrackJob, error: str) -> dict:
    return _row(job, "failed", error)


def _worker_main(settings: BatchSettings, what: str, tasks, results) -> None:
    """A worker process: take jobs until the None at the end; SIGTERM cleans up like Ctrl-C."""
    interrupts.handle_termination()
    try:
        interrupts.unblock()  # blocked since it started (WorkerPool): one that came meanwhile is raised here
        while (job := tasks.get()) is not None:
            results.put(("start", os.getpid(), job))
            try:
                row = run_track(settings, job, what)
            except Exception as exc:  # noqa: BLE001 - a bug in one track must not stop the batch
                row = _failed(job, f"{type(exc).__name__}: {exc}")
            results.put(("done", os.getpid(), row))
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: remove what the render had not committed
        interrupts.clean_up()
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):  # past the last track: nothing to clean up
        signal.signal(signum, signal.SIG_DFL)


class WorkerPool:
    """`n` spawned worker processes fed from a queue; a worker that dies (killed, out of memory)
    fails only its own track and is replaced."""

    def __init__(self, settings: BatchSettings, what: str, n: int):
        import multiprocessing

        self.mp = multiprocessing.get_context("spawn")  # no fork of a process holding GL and torch
        self.settings, self.what = settings, what
        interrupts.start_resource_tracker()  # before the queues' semaphores start one unprotected
        self.tasks, self.results = self.mp.Queue(), self.mp.Queue()
        self.procs = []
        try:
            for _ in range(n):
                self.procs.append(self._worker())
                interrupts.start_process(self.procs[-1])
        except BaseException:  # interrupted as they start: wait for those started, whose
            self.close(now=True)  # start-up still reads the queues' semaphores
            raise

    def _worker(self):
        return self.mp.Process(target=_worker_main, daemon=True,
                               args=(self.settings, self.what, self.tasks, self.results))  # fmt: skip

    def run(self, jobs: Sequence[TrackJob], on_start: Callable) -> Iterator:
        for job in jobs:
            self.tasks.put(job)
        for _ in self.procs:
            self.tasks.put(None)
        running: dict[int, TrackJob] = {}
        left = {job.index: job for job in jobs}
        while left:
            try:
                kind, pid, job = self.results.get(timeout=0.5)
            except queue.Empty:
                for job, row in self._dead(running):
                    left.pop(job.index, None)
                    yield job, row
                if all(p.exitcode is not None for p in self.procs):  # a job lost with its worker
                    for job in list(left.values()):
                        left.pop(job.index)
                        yield job, _failed(job, "the worker process died")
                continue
            if kind == "start":
                running[pid] = job
                on_start(job)
            else:
                done = running.pop(pid)
                left.pop(done.index, None)
                yield done, job

    def _dead(self, running: dict[int, TrackJob]) -> Iterator:
        """Rows for the tracks of workers that died, and fresh workers in their place."""
        for k, p in enumerate(self.procs):
            if p.exitcode is None or p.pid not in running:
                continue
            job = running.pop(p.pid)
            reason = f"signal {-p.exitcode}" if p.exitcode < 0 else f"exit {p.exitcode}"
            yield job, _failed(job, f"the worker process died ({reason})")
            self.procs[k] = self._worker()
            interrupts.start_process(self.procs[k])  # if interrupted after start, still closed
            self.tasks.put(None)

    def close(self, now: bool) -> None:
        """Wait for the workers to finish (`now`: stop them at once with SIGTERM, each cleaning up
        its render, as after Ctrl-C)."""
        started = [p for p in self.procs if p.pid is not None]  # not: interrupted before start
        for p in started:
            if not now:
                p.join(timeout=30)
            if p.exitcode is None:
                p.terminate()
        for p in started:
            p.join(timeout=30)
            if p.exitcode is None:
                p.kill()
        for q in (self.tasks, self.results):
            q.close()
            q.cancel_join_thread()


DASK_HINT = "--executor dask needs Dask: pip install 'deepviz[dask]'"


def require_dask() -> None:
    """Before any work: is the optional extra there? (Its warnings as a local cluster stops,
    restarting or killing a worker, are noise: deepviz reports each track itself. Set before
    distributed is imported, for its processes too; a user's own setting wins.)"""
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        raise DeepvizError(DASK_HINT) from None


def dask_client(scheduler: str | None, n_workers: int):
    """A client of the cluster at `scheduler`, else of a LocalCluster of `n_workers` processes."""
    require_dask()
    from dask.distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise DeepvizError(f"--scheduler {scheduler}: cannot reach it ({exc})") from None
    interrupts.start_resource_tracker()  # theirs too: protected from SIGHUP
    cluster = None
    try:
        # Started whole (a signal waits), with the terminal's Ctrl-C and SIGHUP blocked in its
        # thread and processes for good: they reach the whole group, and deepviz, interrupted,
        # closes the cluster itself (a worker interrupted in its imports prints a traceback)
        with interrupts.deferred(), interrupts.blocked({signal.SIGINT, signal.SIGHUP}):
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)  # fmt: skip
        return Client(cluster)
    except BaseException:
        close_quietly(None, cluster)
        raise


def close_quietly(client, cluster) -> None:
    """Close a Dask client and its local cluster; a cluster stopped halfway (interrupted) may
    fail to close cleanly, which the user can do nothing about."""
    for closable in (client, cluster):
        if closable is not None:
            with contextlib.suppress(Exception):
                closable.close()


def run_dask(client, settings, jobs: Sequence[TrackJob], what: str, on_start: Callable) -> Iterator:
    """One task per track on the cluster; rows as they finish. The shared fit travels inside
    `settings`; inputs and outputs must be at the same paths on every worker."""
    from dask.distributed import as_completed

    futures = {}
    for job in jobs:
        fut = client.submit(run_track, settings, job, what, pure=False, key=f"deepviz-{what}-"
                            f"{job.index}-{os.getpid()}-{time.monotonic_ns()}")  # fmt: skip
        futures[fut] = job
        on_start(job)
    try:
        for fut in as_completed(futures):
            job = futures[fut]
            try:
                yield job, fut.result()
            except Exception as exc:  # noqa: BLE001 - a worker lost or a task's error: one row
                yield job, _failed(job, f"on the Dask cluster: {type(exc).__name__}: {exc}")
    finally:
        for fut in futures:
            fut.cancel()
