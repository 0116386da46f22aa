"""A stream of samples cut into blocks of analysis frames, each with the context its windows need.

Every analysis here frames the signal as librosa's centred STFT does (frame t centred on sample
t·hop, zeros beyond the track's ends), so computing it block by block gives the frames a whole-track
call would, while only one block of audio is ever held.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from deepviz.extract.features import HOP, SEGMENT_FRAMES

BLOCK_FRAMES = 32 * SEGMENT_FRAMES  # 3072 frames = 30.72 s, whole segments
CONTEXT = 1024  # half the widest window used on the blocks (onset and loudness: 2048)


@dataclass
class Block:
    """Frames [first, first + n) with CONTEXT samples of context either side of them."""

    first: int
    n: int
    samples: np.ndarray  # (n - 1)·hop + 2·CONTEXT samples

    def window(self, half: int, hop: int = HOP) -> np.ndarray:
        """The samples that `n` uncentred frames of a 2·half window need."""
        start = CONTEXT - half
        return self.samples[start : start + (self.n - 1) * hop + 2 * half]


def n_frames_of(n_samples: int, hop: int = HOP) -> int:
    """How many frames librosa's centred framing gives a signal of `n_samples`."""
    return 1 + n_samples // hop


def blocks(
    chunks: Iterable[np.ndarray], block_frames: int = BLOCK_FRAMES, hop: int = HOP
) -> Iterator[Block]:
    """Cut chunks of any size into Blocks of `block_frames` frames (the last one shorter)."""
    buf = np.zeros(CONTEXT, dtype=np.float32)  # sample -CONTEXT onwards: the zeros before the start
    buf_start, first, total = -CONTEXT, 0, 0
    for chunk in chunks:
        buf = np.concatenate([buf, np.asarray(chunk, dtype=np.float32)])
        total += len(chunk)
        while buf_start + len(buf) >= (first + block_frames - 1) * hop + CONTEXT:
            yield _cut(buf, buf_start, first, block_frames, hop)
            first += block_frames
            drop = first * hop - CONTEXT - buf_start  # keep only what later frames see
            buf, buf_start = buf[drop:], buf_start + drop
    end = n_frames_of(total, hop)
    tail = buf[: total - buf_start]  # zeros after the end, as librosa pads
    while first < end:
        n = min(block_frames, end - first)
        need = (first + n - 1) * hop + CONTEXT - buf_start
        padded = np.pad(tail, (0, max(0, need - len(tail))))
        yield _cut(padded, buf_start, first, n, hop)
        first += n


def _cut(buf: np.ndarray, buf_start: int, first: int, n: int, hop: int) -> Block:
    a = first * hop - CONTEXT - buf_start
    return Block(first, n, buf[a : a + (n - 1) * hop + 2 * CONTEXT].copy())
