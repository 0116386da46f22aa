"""An interruption at any moment leaves no temporary file: signals land at random points of a
loop that does nothing but start and stop ffmpeg writers (the narrowest windows there are)."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

import numpy as np
from conftest import sigint_as_ctrl_c

LOOP = """
import sys
from deepviz.core.interrupts import clean_up, handle_termination
from deepviz.renderer.encoder import EncodeSpec, VideoWriter

handle_termination()
print("ready", flush=True)
try:
    while True:
        try:
            with VideoWriter(sys.argv[1], EncodeSpec(16, 16, 30, preset="ultrafast")):
                raise ValueError  # abort at once: most of the time is spent starting ffmpeg
        except ValueError:
            pass
except KeyboardInterrupt:
    clean_up()
    sys.exit(130)
"""


def test_signals_at_random_moments_leave_no_temporary_file(tmp_path):
    rng = np.random.default_rng(5)
    out = tmp_path / "v.mp4"
    for k in range(24):
        proc = subprocess.Popen(
            [sys.executable, "-c", LOOP, str(out)],
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=sigint_as_ctrl_c,
        )
        assert proc.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.05, 0.4))
        proc.send_signal([signal.SIGTERM, signal.SIGINT, signal.SIGHUP][k % 3])
        assert proc.wait(timeout=30) == 130, k
        left = [p.name for p in tmp_path.iterdir()]
        assert not left, (k, left)


def test_an_abort_never_waits_forever_on_the_writer_thread(tmp_path):
    """A signal raised inside the frame queue's locks once left the writer thread waiting for a
    frame that never came, and the abort joined it forever: the abort now waits a bounded time."""
    import queue

    from deepviz.renderer import encoder

    w = encoder.VideoWriter(tmp_path / "v.mp4", encoder.EncodeSpec(16, 16, 30, preset="ultrafast"))
    stuck = queue.Queue(maxsize=1)
    stuck.put(b"")  # full, and nobody takes from it: the stop marker cannot be queued
    w._queue, live = stuck, w._queue
    aborting = threading.Thread(target=w.abort, daemon=True)  # a hang fails, not blocks, the test
    aborting.start()
    aborting.join(encoder.ABORT_WAIT * 2 + 5)
    assert not aborting.is_alive() and not list(tmp_path.iterdir())
    live.put(None)  # let the real writer thread end


SWALLOWED = """
import ctypes, os, signal
import click
from deepviz.cli import DeepvizGroup
from deepviz.core.errors import DeepvizError


@click.group(cls=DeepvizGroup)
def main():
    pass


@main.command()
def go():
    # a C callback (as llvmlite's while numba compiles for librosa) swallows the interruption
    ctypes.CFUNCTYPE(None)(lambda: os.kill(os.getpid(), signal.SIGHUP) or sum(range(9)))()
    raise DeepvizError("what the interruption broke next", "x")  # its fallout


main()
"""


def test_an_interruption_a_callback_swallowed_is_reported_as_one(tmp_path):
    out = subprocess.run([sys.executable, "-c", SWALLOWED, "go"], capture_output=True, text=True)
    assert out.returncode == 128 + signal.SIGHUP
    assert out.stderr == "deepviz: interrupted\n"  # no traceback from the callback, no error


INSIDE_NUMBA = """
import os, signal, time, traceback
from deepviz.core.interrupts import handle_termination

handle_termination()
code = '''
def compiling():
    os.kill(os.getpid(), signal.SIGINT)
    end = time.monotonic() + 0.3
    while time.monotonic() < end:
        pass
'''
space = {"__name__": "numba.core.compiler", "os": os, "signal": signal, "time": time}
exec(code, space)  # a function that Python sees as numba's
try:
    space["compiling"]()
    time.sleep(10)
except KeyboardInterrupt as exc:
    where = [frame.name for frame in traceback.extract_tb(exc.__traceback__)]
    print("in numba" if "compiling" in where else "after numba", flush=True)
"""


def test_a_signal_inside_numba_interrupts_once_numba_has_returned():
    """An exception raised inside numba (as it compiles, or loads from its cache) can leave
    LLVM's state half made: the process then crashed as it exited, about once in 40 Ctrl-Cs
    during librosa's first calls. The signal comes again a moment later, outside numba."""
    out = subprocess.run(
        [sys.executable, "-c", INSIDE_NUMBA], capture_output=True, text=True, timeout=8
    )
    assert out.stdout == "after numba\n", out.stderr
