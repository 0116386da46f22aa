"""Where a batch's tracks are rendered: here, in worker processes (each with its own GL context and
network), or on a Dask cluster. Every executor runs `run_track` and yields the same rows."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import time
from collections.abc import Callable, Iterator, Sequence

from deepviz.app.batch.jobs import BatchSettings, TrackJob, failed_row, run_track
from deepviz.app.batch.options import BatchOptions
from deepviz.core import interrupts
from deepviz.core.errors import DeepvizError


def run_inline(settings, jobs: Sequence[TrackJob], what: str, on_start: Callable) -> Iterator:
    """In this process, one track after another (--jobs 1)."""
    for job in jobs:
        on_start(job)
        yield job, run_track(settings, job, what)


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
                row = failed_row(job, f"{type(exc).__name__}: {exc}")
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
        return self.mp.Process(
            target=_worker_main,
            daemon=True,
            args=(self.settings, self.what, self.tasks, self.results),
        )

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
                        yield job, failed_row(job, "the worker process died")
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
            yield job, failed_row(job, f"the worker process died ({reason})")
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
        import dask.distributed  # noqa: F401  # lazy: Dask is an optional extra, deepviz[dask]
    except ImportError:
        raise DeepvizError(DASK_HINT) from None


def dask_client(scheduler: str | None, n_workers: int):
    """A client of the cluster at `scheduler`, else of a LocalCluster of `n_workers` processes."""
    require_dask()
    from dask.distributed import Client, LocalCluster  # lazy: Dask is an optional extra

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
            cluster = LocalCluster(
                n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
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
    from dask.distributed import as_completed  # lazy: Dask is an optional extra

    futures = {}
    for job in jobs:
        fut = client.submit(
            run_track,
            settings,
            job,
            what,
            pure=False,
            key=f"deepviz-{what}-{job.index}-{os.getpid()}-{time.monotonic_ns()}",
        )
        futures[fut] = job
        on_start(job)
    try:
        for fut in as_completed(futures):
            job = futures[fut]
            try:
                yield job, fut.result()
            except Exception as exc:  # noqa: BLE001 - a worker lost or a task's error: one row
                yield job, failed_row(job, f"on the Dask cluster: {type(exc).__name__}: {exc}")
    finally:
        for fut in futures:
            fut.cancel()


class Executor:
    """Runs tracks inline (one job), in a WorkerPool, or on Dask; the same rows from each."""

    def __init__(self, opts: BatchOptions, inline: bool):
        self.opts, self.inline = opts, inline
        self.client = None
        if opts.executor == "dask":
            self.client = dask_client(opts.scheduler, opts.workers())

    def run(self, settings: BatchSettings, jobs: Sequence[TrackJob], what: str, on_start):

        if self.client is not None:
            yield from run_dask(self.client, settings, jobs, what, on_start)
        elif self.inline or self.opts.workers() == 1 or len(jobs) == 1:
            yield from run_inline(settings, jobs, what, on_start)
        else:
            pool = WorkerPool(settings, what, min(self.opts.workers(), len(jobs)))
            try:
                yield from pool.run(jobs, on_start)
            except BaseException:  # Ctrl-C, SIGTERM, an error: stop the workers now
                pool.close(now=True)
                raise
            pool.close(now=False)

    def close(self) -> None:
        if self.client is not None:
            close_quietly(self.client, self.client.cluster)
