"""The video's options, declared once: frame size, section of the track, encoder settings."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from deepviz.options import option, parse_size

PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
           "veryslow")  # x264's, fastest first  # fmt: skip


@dataclass
class VideoOptions:
    """What the video looks like and which part of the track it shows."""

    size: tuple[int, int] = option((1280, 720), "--size", parse=parse_size, metavar="WxH",
                                   help="Frame size: WIDTHxHEIGHT (even numbers) or 720p, 1080p, "
                                   "1440p, 4k, vertical (1080x1920), square (1080x1080).")  # fmt: skip
    start: float = option(0.0, "--start", low=0, help="Render from this second of the track.")
    duration: float | None = option(None, "--duration", kind=float, low=0, low_open=True,
                                    help="Render this many seconds [default: to the end].")  # fmt: skip
    crf: int = option(18, "--crf", low=0, high=51, help="x264 quality: lower is better and bigger.")
    preset: str = option("medium", "--preset", choices=PRESETS, help="x264 speed preset.")
    samples: int = option(4, "--samples", low=1, high=16,
                          help="Multisampling (anti-aliasing) samples.")  # fmt: skip

    preview: bool = option(False, "--preview", flag=True,
                           help="A quick draft: a third of the size, the fastest encoder, no "
                           "multisampling.")  # fmt: skip

    def effective(self) -> VideoOptions:
        """These options, or with --preview the draft's."""
        if not self.preview:
            return self
        w, h = (max(16, s // 3) // 2 * 2 for s in self.size)
        return dataclasses.replace(self, size=(w, h), preset="ultrafast", crf=28, samples=1,
                                   preview=False)  # fmt: skip

    @property
    def width(self) -> int:
        return self.size[0]

    @property
    def height(self) -> int:
        return self.size[1]
