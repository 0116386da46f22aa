"""`python tools/devset.py`: the real-music development set, from Debian's freely
licensed game music (installed by `make music`), as 30 s clips in one folder per source (package).

Used for deepviz's own measurements (`deepviz analyze`) and the shipped reference fit; never at
run time. Clips start a quarter into each track (past most intros); shorter tracks are kept whole.
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

import numpy as np

from deepviz.extract.decode import probe
from deepviz.extract.ffmpeg import ffmpeg_exe

PACKAGES = (
    "fretsonfire-songs-muldjord",
    "fretsonfire-songs-sectoid",
    "drascula-music",
    "hyperrogue-music",
    "asc-music",
    "planetblupi-music-ogg",
    "singularity-music",
    "warzone2100-music",
)
# source (one Debian package) → the installed files that make it (one track each)
SOURCES = {
    "muldjord": ("/usr/share/games/fretsonfire/data/songs/muldjord", "*/song.ogg"),
    "sectoid": ("/usr/share/games/fretsonfire/data/songs/sectoid", "*/song.ogg"),
    "drascula": ("/usr/share/scummvm/drascula/audio", "*.ogg"),
    "hyperrogue": ("/usr/share/hyperrogue/music", "*.ogg"),
    "asc": ("/usr/share/games/asc/music", "*.mp3"),
    "planetblupi": ("/usr/share/planetblupi/music", "*.ogg"),
    "singularity": ("/usr/share/games/singularity/music", "*.ogg"),
    "warzone2100": ("/usr/share/games/warzone2100/music", "**/*.opus"),
}
PER_SOURCE = 10  # clips per source at most, spread evenly over its sorted tracks
CLIP_SECONDS = 30.0


def clip(src: Path, dst: Path, seconds: float = CLIP_SECONDS) -> None:
    """`seconds` of `src` from a quarter of its length, as FLAC."""
    length = probe(src).duration or seconds
    start = max(0.0, min(length / 4, length - seconds))
    cmd = [
        ffmpeg_exe(),
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        "-ss",
        f"{start:.2f}",
        "-t",
        f"{seconds:g}",
        "-i",
        f"file:{src}",
        "-vn",
        "-af",
        "asetnsamples=4096",
        "-c:a",
        "flac",
        f"file:{dst}",
    ]  # fixed-size frames: ffmpeg's FLAC encoder refuses a tiny first one
    subprocess.run(cmd, check=True)


def build(out: Path) -> int:
    """Clip up to PER_SOURCE tracks of each source into `out/<source>/`; the number of clips."""
    n = 0
    for source, (root, pattern) in SOURCES.items():
        files = sorted(Path(root).glob(pattern))
        if not files:
            raise SystemExit(f"no {pattern} under {root}: run `make music` (installs {PACKAGES})")
        files = [
            files[i] for i in sorted({round(j) for j in np.linspace(0, len(files) - 1, PER_SOURCE)})
        ]
        (out / source).mkdir(parents=True, exist_ok=True)
        for src in files:
            name = "-".join(src.relative_to(root).with_suffix("").parts).replace(" ", "_")
            dst = out / source / f"{name}.flac"
            if dst.exists():
                n += 1
                continue
            try:
                clip(src, dst)
                n += 1
            except subprocess.CalledProcessError:  # a few of the packaged files do not decode
                dst.unlink(missing_ok=True)
                print(f"skipped {src}: ffmpeg cannot decode it")
    return n


def build_synth(
    out: Path, per_style: int = 4, seconds: float = 20.0, first_seed: int = 9000
) -> int:
    """The synthesized styles as a labelled set: `out/<style>/<style><i>.wav` (seeded)."""
    from deepviz.extract.audio import write_audio
    from deepviz.extract.synth import STYLES, synth_track

    for k, style in enumerate(STYLES):
        (out / style).mkdir(parents=True, exist_ok=True)
        for i in range(per_style):
            dst = out / style / f"{style}{i}.wav"
            if not dst.exists():
                write_audio(synth_track(first_seed + 100 * k + i, seconds, style)[0], dst)
    return per_style * len(STYLES)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=".cache/music", help="the folder of source folders")
    ap.add_argument("--synth", action="store_true", help="the synthesized styles instead")
    ap.add_argument("--per-style", type=int, default=4, help="--synth: tracks per style")
    ap.add_argument("--seconds", type=float, default=20.0, help="--synth: seconds per track")
    ap.add_argument("--first-seed", type=int, default=9000, help="--synth: seed of the first track")
    args = ap.parse_args()
    out = Path(args.out)
    if args.synth:
        n = build_synth(out, args.per_style, args.seconds, args.first_seed)
    else:
        n = build(out)
    print(f"{n} clips in {args.out}")


if __name__ == "__main__":
    main()
