"""Ctrl-C, SIGTERM and SIGHUP: each stops deepviz the same way, and leaves no temporary file.

A temporary output is registered here from the moment it exists until it is committed or removed;
whatever an interruption cut short, `clean_up()` removes what is still registered. Starting a
child process whose pid we need (ffmpeg writing a temporary file) runs with signals deferred, so
an interruption can never land between the child's start and our record of it.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from multiprocessing import resource_tracker

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
TRACKER_QUIET = "ignore:resource_tracker:UserWarning"
RETRY_S = 0.05  # a signal that came inside numba comes again after this
_PENDING: dict[object, Callable[[], None]] = {}  # key → what removes that temporary
_RECEIVED: list[int] = []  # signals this process was stopped by


class Interrupted(KeyboardInterrupt):
    """Ctrl-C, SIGTERM or SIGHUP: cleaned up alike (temporary files removed)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def interrupt(signum: int, frame) -> None:
    """The handler: ignore further signals (a second Ctrl-C, or SIGTERM from a batch's parent
    after Ctrl-C reached its workers too, must not cut the clean-up short, nor raise inside it);
    raise, and remember, since Python swallows an exception raised while a finalizer runs
    (`Popen.__del__`): `check()` raises it again. Inside numba (compiling, or loading what it
    compiled from its cache), the signal comes again a moment later instead: an exception there
    can leave LLVM's state half made, and the process crashes as it exits."""
    if _inside_numba(frame):
        main = threading.main_thread().ident  # to it, so that a sleep or a wait there ends
        again = threading.Timer(RETRY_S, signal.pthread_kill, (main, signum))
        again.daemon = True  # work that ends meanwhile ends as it would have without it
        again.start()
        return
    _ignore_signals()
    _RECEIVED.append(signum)
    raise Interrupted(signum)


def _inside_numba(frame) -> bool:
    """Whether the interrupted code runs in numba or llvmlite (or below them)."""
    while frame is not None:
        if frame.f_globals.get("__name__", "").startswith(("numba.", "llvmlite.")):
            return True
        frame = frame.f_back
    return False


def check() -> None:
    """Raise the interruption again if one was received (and perhaps swallowed)."""
    if _RECEIVED:
        raise Interrupted(_RECEIVED[0])


def _unraisable(unraisable) -> None:
    """Not printed as tracebacks: an interruption swallowed in a finalizer or a C callback,
    remembered and raised again by `check()`; and CPython's note that a signal came
    after the first had set all to be ignored ("Signal 15 ignored due to race condition")."""
    exc = unraisable.exc_value
    ignored = isinstance(exc, OSError) and "ignored due to race condition" in str(exc)
    if not isinstance(exc, Interrupted) and not ignored:
        sys.__unraisablehook__(unraisable)


def handle_termination() -> None:
    """Ctrl-C, SIGTERM and SIGHUP (`timeout`, `kill`, a closed terminal) all interrupt alike."""
    _RECEIVED.clear()
    sys.unraisablehook = _unraisable
    for signum in SIGNALS:
        signal.signal(signum, interrupt)


def _ignore_signals() -> None:
    if threading.current_thread() is threading.main_thread():
        for signum in SIGNALS:
            signal.signal(signum, signal.SIG_IGN)


@contextlib.contextmanager
def blocked(signals: Iterable[int] = SIGNALS) -> Iterator[None]:
    """`signals` blocked in this thread meanwhile, and so in the threads and processes it starts
    (they inherit the mask); one that arrives waits until the block ends, not lost."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def start_resource_tracker() -> None:
    """Start spawn's resource tracker (once) with SIGHUP blocked there: it ignores SIGINT and
    SIGTERM itself, but a closed terminal's SIGHUP to the group would kill it, and the tracker
    started in its place prints a traceback for each semaphore it never saw."""

    # and without its note on the semaphores of a worker that had to be killed (a Dask worker
    # busy with a track when the cluster closes): it removes them, nothing is left
    if TRACKER_QUIET not in sys.warnoptions:
        sys.warnoptions.append(TRACKER_QUIET)  # its command line's -W options
    with blocked():
        resource_tracker.ensure_running()


def start_process(process) -> None:
    """Start a (spawned) multiprocessing process with SIGINT, SIGTERM and SIGHUP deferred here
    and blocked there until it calls `unblock()`. A signal here could otherwise stop `start`
    halfway, leaving the child a traceback as it reads half its instructions, and Ctrl-C to the
    whole group would interrupt the child's imports, another traceback."""
    start_resource_tracker()  # first: starting it unblocks SIGINT and SIGTERM
    with deferred(), blocked():
        process.start()


def unblock() -> None:
    """In a process that `start_process` started, once its own handlers are in place."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)


def register(key: object, remove: Callable[[], None]) -> None:
    """`remove` deletes the temporary `key` if an interruption leaves it behind."""
    _PENDING[key] = remove


def forget(key: object) -> None:
    """`key` was committed or removed: nothing left to clean up."""
    _PENDING.pop(key, None)


def clean_up() -> None:
    """After an interruption: remove every registered temporary, newest first; further signals are
    ignored meanwhile (a second Ctrl-C, or SIGTERM from a batch's parent, must not cut it short)."""
    _ignore_signals()
    for key in reversed(list(_PENDING)):
        with contextlib.suppress(Exception):
            _PENDING.pop(key)()


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Run the block whole: SIGINT, SIGTERM and SIGHUP arriving meanwhile are delivered, to the
    handler that was in place, when it ends (only the main thread receives signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    old = {s: signal.signal(s, lambda signum, frame: caught.append(signum)) for s in SIGNALS}
    try:
        yield
    finally:
        for signum, handler in old.items():
            signal.signal(signum, handler)
        if caught and callable(old[caught[0]]):
            old[caught[0]](caught[0], None)
        elif caught and old[caught[0]] == signal.SIG_DFL:
            signal.raise_signal(caught[0])
