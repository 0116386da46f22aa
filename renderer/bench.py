"""`make bench`: deepviz render vs ffmpeg's showcqt on the same 30 s clip, side by side, as ratios."""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from deepviz.extract.audio import write_audio
from deepviz.extract.decode import probe
from deepviz.extract.ffmpeg import ffmpeg_exe
from deepviz.extract.synth import synth_track

SIZE, FPS, PRESET = "1280x720", 30, "veryfast"


def _peak_rss_of(cmd: list[str], env: dict | None = None) -> float:
    """Run a child to completion; its own peak RSS in MiB (from wait4)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise RuntimeError(f"{cmd[:3]} failed")
    return usage.ru_maxrss / 1024


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import torch

    from deepviz.scenes.gl import create_context

    ctx = create_context()
    gl = ctx.info["GL_RENDERER"]
    ctx.release()
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, torch {torch.__version__}, GL: {gl}"
    )


def showcqt_command(clip: Path, out: Path) -> list[str]:
    """ffmpeg's own audio visualizer at the same size, rate and encoder settings."""
    cmd = [ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(clip)]
    cmd += ["-filter_complex", f"[0:a]showcqt=s={SIZE}:r={FPS}[v]", "-map", "[v]", "-map", "0:a"]
    cmd += ["-c:v", "libx264", "-preset", PRESET, "-crf", "18", "-pix_fmt", "yuv420p"]
    return cmd + ["-c:a", "aac", str(out)]


def timed(name: str, cmd: list[str], env: dict | None = None) -> tuple[str, float, float]:
    """(name, wall seconds, peak RSS MiB) of one command."""
    wall = time.perf_counter()
    rss = _peak_rss_of(cmd, env)
    return name, time.perf_counter() - wall, rss


def report(rows, seconds: float, short_rss: float, info) -> list[str]:
    frames = seconds * FPS
    base = rows[-1][1]
    lines = [
        "# Benchmarks",
        "",
        f"`make bench`, {date.today().isoformat()}, on: {machine()}.",
        "",
        f"A {seconds:g} s synthesized clip rendered at {SIZE} @ {FPS} fps, libx264 "
        f"`-preset {PRESET}` `-crf 18`, AAC audio, in one run, side by side. Wall time includes "
        "start-up, decoding and (for deepviz) feature extraction with the default model on the CPU.",
        "",
        "| what | wall s | frames/s | × showcqt time | peak RSS MiB |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, secs, rss in rows:
        lines.append(
            f"| {name} | {secs:.1f} | {frames / secs:.1f} | {secs / base:.2f} | {rss:.0f} |"
        )
    return lines + [
        "",
        f"A 6-panel comparison costs {rows[2][1] / rows[0][1]:.2f}× a single VIZ-REAL render of the "
        "same size (all panels drawn into one frame, read back once, encoded once).",
        f"Memory stays flat as the track grows: peak RSS of `render --scene real` on a "
        f"{seconds / 3:g} s clip {short_rss:.0f} MiB vs {rows[0][2]:.0f} MiB on {seconds:g} s.",
        f"Output check: {info.video_codec} {info.width}x{info.height} @ {info.fps:g} fps, "
        f"{info.duration:.2f} s, audio {info.audio_codec}.",
        "",
    ]


def looped(clip: Path, minutes: float, out: Path) -> Path:
    """The clip repeated to `minutes` of MP3: a long track without minutes of synthesis."""
    loops = max(0, round(minutes * 60 / (probe(clip).duration or 30.0)) - 1)
    cmd = [ffmpeg_exe(), "-loglevel", "error", "-y", "-stream_loop", str(loops), "-i", str(clip)]
    subprocess.run([*cmd, "-c:a", "libmp3lame", "-b:a", "192k", str(out)], check=True)
    return out


def memory_rows(deepviz: list[str], clip: Path, tmp: Path) -> list[tuple[str, float, float]]:
    """Peak RSS and wall time of `params` and a small `render` as the track grows to 60 min."""
    tracks = {"30 s": clip, "10 min": looped(clip, 10, tmp / "10min.mp3"),
              "60 min": looped(clip, 60, tmp / "60min.mp3")}  # fmt: skip
    env = {**os.environ, "DEEPVIZ_CACHE": str(tmp / "cache")}  # every row extracts afresh
    rows = []
    for label, track in tracks.items():
        rows.append(timed(f"params, {label}", [*deepviz, "params", str(track), "-o",
                                              str(tmp / "p.csv"), "-q", "-y"], env))  # fmt: skip
    for label in ("30 s", "60 min"):
        rows.append(timed(f"render 320x180 @ 2 fps, {label}",
                          [*deepviz, "render", str(tracks[label]), "-o", str(tmp / "m.mp4"),
                           "--size", "320x180", "--fps", "2", "-q", "-y"], env))  # fmt: skip
    return rows


def memory_report(rows) -> list[str]:
    lines = ["", "## Memory as the track grows", "",
             "Decoding, MFCCs and the network run block by block (30.72 s at a time), so peak RSS "
             "should not grow with the track; time should grow linearly.", "",
             "| what | wall s | peak RSS MiB | × the 30 s figure |", "|---|---:|---:|---:|"]  # fmt: skip
    base = {"params": rows[0][2], "render": rows[3][2]}
    for name, secs, rss in rows:
        kind = name.split(",")[0].split()[0]
        lines.append(f"| {name} | {secs:.1f} | {rss:.0f} | {rss / base[kind]:.2f} |")
    worst = max(r[2] for r in rows)
    growth = max(rows[2][2] / rows[0][2], rows[4][2] / rows[3][2])
    ok = worst <= 1536 and growth <= 1.25
    lines += ["", f"Largest peak {worst:.0f} MiB (bar: ≤ 1536), growth 30 s → 60 min "
              f"{growth:.2f}× (bar: ≤ 1.25×): {'met' if ok else 'NOT met'}.", ""]  # fmt: skip
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default="BENCHMARKS.md")
    ap.add_argument("--seconds", type=float, default=30.0)
    args = ap.parse_args()
    deepviz = [sys.executable, "-m", "deepviz"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        y, _ = synth_track(7, args.seconds, "electronic")
        clip = Path(write_audio(y, tmp / "clip.wav"))
        short = Path(write_audio(y[: len(y) // 3], tmp / "short.wav"))
        common = ["--size", SIZE, "--fps", str(FPS), "--preset", PRESET, "-q", "-y"]
        rows = [
            timed(
                f"deepviz render --scene {scene}",
                [
                    *deepviz,
                    "render",
                    str(clip),
                    "-o",
                    str(tmp / f"{scene}.mp4"),
                    "--scene",
                    scene,
                    *common,
                ],
            )  # fmt: skip
            for scene in ("real", "bar")
        ]
        rows.append(timed("deepviz compare, 6 panels (--scene real)",
                          [*deepviz, "compare", str(clip), "-o", str(tmp / "cmp.mp4"), "--scene",
                           "real", *common]))  # fmt: skip
        rows.append(timed("ffmpeg showcqt", showcqt_command(clip, tmp / "cqt.mp4")))
        short_rss = _peak_rss_of(
            [*deepviz, "render", str(short), "-o", str(tmp / "s.mp4"), "--scene", "real", *common]
        )
        info = probe(tmp / "real.mp4")
        memory = memory_report(memory_rows(deepviz, clip, tmp))
    lines = report(rows, args.seconds, short_rss, info) + memory
    Path(args.out).write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
