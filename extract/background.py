"""The feature network in a spawned process, for a track that is not in the cache: that process
loads torch and the network on the other core while this one loads the fit and librosa and
decodes the track; patches go there and features come back, one block ahead. An uncached render
or still starts sooner, and torch is never imported here."""

from __future__ import annotations

import multiprocessing
import os
import signal
import traceback
import warnings
from collections.abc import Callable

import numpy as np

from deepviz.core import interrupts
from deepviz.core.errors import DeepvizError
from deepviz.extract.audio import check_input_file
from deepviz.extract.decode import audio_chunks
from deepviz.extract.features import TrackFeatures
from deepviz.extract.stream import TrackAnalysis


def _serve(conn, model: str, device: str, layer: str | None, filters: list) -> None:
    """In the child: ("device", type, model id); then ("ok", features) for each block of patches
    received and ("ok", style vector, each segment's) after the None that ends the track; or
    ("error", problem, path) or ("crash", traceback) instead. `filters`: the parent's warning
    filters."""

    # Ctrl-C and a closed terminal reach the whole group: the parent ends this process then
    # (SIGTERM, left as it is), and this one must not die first, an "unexpected" end there
    for signum in (signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    interrupts.unblock()
    os.dup2(2, 1)  # stdout is the parent's (`params -o -` writes its curves there)
    warnings.filters[:] = filters  # what the parent shows (--debug: everything), this one shows
    try:  # lazy: torch loads in the network's own process, never in the parent
        from deepviz.extract.extractor import FeatureExtractor
        from deepviz.extract.style import StyleStatistics

        ex = FeatureExtractor(model, device, layer)
        conn.send(("device", ex.device.type, ex.model_id))
        with StyleStatistics(ex.model) as style:
            while (patches := conn.recv()) is not None:
                conn.send(("ok", ex.features_of_patches(patches, style)))
        conn.send(("ok", style.mean(), style.segments()))
    except DeepvizError as exc:
        conn.send(("error", exc.problem, exc.path))
    except (EOFError, BrokenPipeError):
        pass  # the parent has gone
    except Exception:  # noqa: BLE001 - a bug: its traceback goes to the parent, which raises it
        conn.send(("crash", traceback.format_exc()))
    finally:
        conn.close()


class NetworkProcess:
    """The network `model` (a name or a .dvz file) loading in a spawned process from the moment
    this is made; `extract(path)` then runs a track through it."""

    def __init__(self, model: str, device: str = "auto", layer: str | None = None):

        mp = multiprocessing.get_context("spawn")  # no fork of a process that may hold GL
        self.conn, child = mp.Pipe()
        # daemonic: ended at exit, also after an error or an interruption that left it running
        self.proc = mp.Process(
            target=_serve, daemon=True, args=(child, model, device, layer, warnings.filters[:])
        )
        interrupts.start_process(self.proc)  # no signal can cut its start short
        child.close()
        self.device = self.model_id = None

    def _receive(self):
        try:
            kind, *rest = self.conn.recv()
        except EOFError:  # killed (out of memory, a signal) before it could say why
            self.proc.join()
            raise DeepvizError(
                f"the feature network's process ended unexpectedly (exit code {self.proc.exitcode})"
            ) from None
        if kind == "error":
            raise DeepvizError(rest[0], rest[1])
        if kind == "crash":
            raise RuntimeError(f"the feature network's process failed:\n{rest[0]}")
        return rest

    def _send(self, message) -> None:
        try:
            self.conn.send(message)
        except BrokenPipeError:  # it ended: its reason may still be in the pipe (behind results)
            while True:
                self._receive()  # raises with the reason, or at the pipe's end

    def loaded(self) -> tuple[str, str]:
        """(where the network runs, its id), once it is loaded (waits for it)."""
        if self.device is None:
            self.device, self.model_id = self._receive()
        return self.device, self.model_id

    def extract(
        self, path: str | os.PathLike, stream: int = 0, announce: Callable | None = None
    ) -> TrackFeatures:
        """The track decoded and analysed here, its patches through the network there; the next
        block's MFCCs are computed here while the network runs on this one's. `announce(device,
        model id)` is called once the network is loaded."""

        analysis, values, sent = TrackAnalysis(), [], False
        for patches in analysis.patches(audio_chunks(check_input_file(path), stream)):
            if sent:
                values.append(self._receive()[0])
            elif (loaded := self.loaded()) and announce is not None:  # its first message
                announce(*loaded)
            self._send(np.ascontiguousarray(patches, np.float32))
            sent = True
        if sent:
            values.append(self._receive()[0])
        self._send(None)
        style, segment_style = self._receive()
        return analysis.track_features(values, self.loaded()[1], style, segment_style)

    def close(self) -> None:
        """Stop the process if it still runs; wait for it."""
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join()
        self.conn.close()
