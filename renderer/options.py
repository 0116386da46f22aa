"""The video's options, declared once: frame size, section of the track, encoder settings."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from deepviz.core.options import option, parse_size
from deepviz.extract.decode import read_tags

PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
           "veryslow")  # x264's, fastest first  # fmt: skip
ENCODERS = ("auto", "x264", "nvenc")
READBACKS = ("auto", "rgba", "nv12")  # scenes.readback's (declared here: no GL import for --help)
CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")


@dataclass(frozen=True)
class Quality:
    """An encoder profile named for what a user wants (chosen by measurement: BENCHMARKS.md)."""

    preset: str
    crf: int
    x264: tuple[str, ...] = ()  # extra x264 arguments, dropped when --preset is given
    nvenc: tuple[str, ...] = ()  # h264_nvenc's settings for the same aim
    webm: tuple[str, int] | None = None  # VP9's speed (as an x264 preset name) and crf, if other
    shrink: int = 1  # frames drawn at 1/shrink of the size, scaled up by ffmpeg (drafts)


QUALITIES = {
    # drawing dominates a frame's cost: a draft draws a quarter of the pixels
    "draft": Quality("ultrafast", 23, ("-x264-params", "deblock=1,1"),
                     ("-preset", "p1", "-rc", "vbr", "-cq", "26"), shrink=2),
    # x264's fastest search with its deblocking filter back on: the SSIM of `medium` crf 18 on
    # our frames at half the encoder time of veryfast (docs/usage.md, "Encoder profiles")
    "normal": Quality("ultrafast", 20, ("-x264-params", "deblock=1,1"),
                      ("-preset", "p4", "-rc", "vbr", "-cq", "19"), ("veryfast", 18)),
    "small": Quality("medium", 22, (), ("-preset", "p6", "-rc", "vbr", "-cq", "25")),
}  # fmt: skip


SHRINK_FROM = 540  # a draft's frames are drawn smaller only from this many lines


HELP = {  # the options' help, as `--help` shows it
    "size": (
        "Frame size: WIDTHxHEIGHT (even numbers) or 720p, 1080p, "
        "1440p, 4k, vertical (1080x1920), square (1080x1080)."
    ),
    "start": "Render from this second of the track.",
    "duration": "Render this many seconds [default: to the end].",
    "quality": (
        "draft (fastest, for checking: drawn at half the size and "
        "scaled up), normal, small (smaller files for uploads, slower to "
        "encode)."
    ),
    "crf": "Experts: x264's quality, lower is better and bigger [default: the --quality's].",
    "preset": "Experts: x264's speed preset (plain x264 settings) [default: the --quality's].",
    "encoder": (
        "H.264 encoder: x264 on the CPU, nvenc on an NVIDIA GPU that has "
        "it; auto takes nvenc when the frames are drawn on such a GPU."
    ),
    "readback": (
        "Experts: how frames leave GL. nv12: converted for the encoder "
        "in a shader and read through two pixel buffer objects (a third of "
        "the bytes); rgba: as drawn, converted by ffmpeg. auto: nv12 on a "
        "GPU, rgba on a CPU renderer (llvmpipe), where the shader pass costs "
        "more than it saves."
    ),
    "samples": (
        "Multisampling for scenes that need it (the built-in scenes antialias their own edges)."
    ),
    "palette": (
        "Colours: spectrum (the default), sunset, neon, mono, "
        "ocean, fire, or a palette JSON file; the music still drives "
        "every parameter."
    ),
    "background": "VIZ-BAR: an image behind the bars (cropped to fill the frame, dimmed).",
    "preview": "A quick draft: a third of the size, --quality draft.",
    "title": "Title shown in the frame [default: the file's title tag].",
    "artist": "Artist shown under the title [default: the file's artist tag].",
    "no_title": "No title or artist.",
    "logo": "An image (PNG with transparency) in a corner of the frame.",
    "logo_pos": "The logo's corner.",
}


@dataclass
class VideoOptions:
    """What the video looks like and which part of the track it shows."""

    size: tuple[int, int] = option(
        (1280, 720), "--size", parse=parse_size, metavar="WxH", help=HELP["size"]
    )
    start: float = option(0.0, "--start", low=0, help=HELP["start"])
    duration: float | None = option(
        None, "--duration", kind=float, low=0, low_open=True, help=HELP["duration"]
    )
    quality: str = option("normal", "--quality", choices=tuple(QUALITIES), help=HELP["quality"])
    crf: int | None = option(
        None, "--crf", kind=int, low=0, high=51, show_default=False, help=HELP["crf"]
    )
    preset: str | None = option(
        None, "--preset", choices=PRESETS, show_default=False, help=HELP["preset"]
    )
    encoder: str = option("auto", "--encoder", choices=ENCODERS, help=HELP["encoder"])
    readback: str = option("auto", "--readback", choices=READBACKS, help=HELP["readback"])
    samples: int = option(1, "--samples", low=1, high=16, help=HELP["samples"])

    palette: str | None = option(
        None, "--palette", kind=str, metavar="NAME|FILE.json", help=HELP["palette"]
    )
    background: str | None = option(
        None, "--background", kind=str, metavar="IMAGE", help=HELP["background"]
    )
    preview: bool = option(False, "--preview", flag=True, help=HELP["preview"])

    def effective(self) -> VideoOptions:
        """These options, or with --preview the draft's."""
        if not self.preview:
            return self
        w, h = (max(16, s // 3) // 2 * 2 for s in self.size)
        return dataclasses.replace(
            self, size=(w, h), quality="draft", preset=None, crf=None, samples=1, preview=False
        )

    def drawn(self) -> VideoOptions:
        """The options the frames are drawn with: the size over the quality's shrink (even), for
        frames of at least SHRINK_FROM lines (a preview, already small, is drawn as it is)."""
        k = QUALITIES[self.quality].shrink
        if k == 1 or min(self.size) < SHRINK_FROM:
            return self
        w, h = (max(16, s // k) // 2 * 2 for s in self.size)
        return dataclasses.replace(self, size=(w, h))

    def codec_settings(self, suffix: str) -> tuple[str, int, tuple[str, ...]]:
        """(preset, crf, extra x264 arguments) for an output with this extension: the quality's
        (a .webm's VP9 derives its speed and crf from its own pair), --preset/--crf over them."""
        q = QUALITIES[self.quality]
        preset, crf = q.webm if suffix == ".webm" and q.webm else (q.preset, q.crf)
        extra = q.x264 if self.preset is None and suffix != ".webm" else ()
        return self.preset or preset, crf if self.crf is None else self.crf, extra

    @property
    def width(self) -> int:
        return self.size[0]

    @property
    def height(self) -> int:
        return self.size[1]


@dataclass
class OverlayOptions:
    """What is drawn over the picture: the title and artist, a logo."""

    title: str | None = option(None, "--title", kind=str, help=HELP["title"])
    artist: str | None = option(None, "--artist", kind=str, help=HELP["artist"])
    no_title: bool = option(False, "--no-title", flag=True, help=HELP["no_title"])
    logo: str | None = option(None, "--logo", kind=str, metavar="PNG", help=HELP["logo"])
    logo_pos: str = option("bottom-right", "--logo-pos", choices=CORNERS, help=HELP["logo_pos"])

    def texts(self, audio: str | os.PathLike) -> tuple[str, str]:
        """(title, artist) to show: the options, else the audio file's tags; ('', '') if none."""
        if self.no_title:
            return "", ""
        tags: dict[str, str] = {}
        if self.title is None or self.artist is None:
            tags = read_tags(audio)
        title = self.title if self.title is not None else tags.get("title", "")
        artist = self.artist if self.artist is not None else tags.get("artist", "")
        return title.strip()[:120], artist.strip()[:120]
