"""`make bench`: deepviz render vs ffmpeg's showcqt on the same 30 s clip, side by side, as ratios;
the x264-only floor; a 6-panel comparison; peak memory as the track grows to 60 minutes."""

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
from deepviz.renderer.options import QUALITIES

FPS = 30
SIZES = {"720p": "1280x720", "1080p": "1920x1080"}
NORMAL = QUALITIES["normal"]
X264 = ["-c:v", "libx264", "-preset", NORMAL.preset, "-crf", str(NORMAL.crf), *NORMAL.x264,
        "-pix_fmt", "yuv420p"]  # fmt: skip
# showcqt as the speed issue measured it (x264 veryfast): the reference the ratios are taken to.
# A second row encodes it with deepviz's own settings, which speed it up as much as deepviz.
REFERENCE = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p"]


def tree_rss(pid: int) -> int:
    """Resident kB of a process and all its descendants now (0 once it has gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0
    rss = next(
        (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0
    )
    return rss + sum(tree_rss(int(k)) for k in kids)


def run_measured(cmd: list[str], env: dict | None = None) -> tuple[float, float, float]:
    """Run a child to completion: (wall s, CPU s of it and its children, peak RSS MiB of it and
    its children together, sampled every 50 ms: deepviz's network runs in a process of its own).
    A deepviz child gets an empty feature cache of its own: every row extracts afresh (a cached
    track would not even load the network, and the rows would not compare)."""
    import threading

    if env and "DEEPVIZ_CACHE" in env:
        Path(env["DEEPVIZ_CACHE"]).mkdir(parents=True, exist_ok=True)
        env = {**env, "DEEPVIZ_CACHE": tempfile.mkdtemp(dir=env["DEEPVIZ_CACHE"])}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    done.set()
    sampler.join()
    if status:
        raise RuntimeError(f"{' '.join(map(str, cmd[:6]))} … failed")
    rss = max(peak[0], usage.ru_maxrss)  # (the largest single process, if sampling missed it)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, rss / 1024


def timed(name: str, cmd: list[str], env: dict | None = None) -> tuple[str, float, float]:
    """(name, wall seconds, peak RSS MiB) of one command."""
    wall, _, rss = run_measured(cmd, env)
    return name, wall, rss


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


def showcqt_command(clip: Path, out: Path, size: str, x264: list[str] = REFERENCE) -> list[str]:
    """ffmpeg's own audio visualizer at the same size and rate."""
    cmd = [ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(clip)]
    cmd += ["-filter_complex", f"[0:a]showcqt=s={size}:r={FPS}[v]", "-map", "[v]", "-map", "0:a"]
    return cmd + [*x264, "-c:a", "aac", str(out)]


def x264_floor_command(video: Path, raw: Path, size: str) -> tuple[list[str], list[str]]:
    """(decode the render to raw frames, encode those with the same settings): the encoder's
    own cost, the floor a CPU renderer feeding x264 can reach."""
    decode = [
        ffmpeg_exe(),
        "-loglevel",
        "error",
        "-y",
        "-i",
        str(video),
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgba",
        str(raw),
    ]
    encode = [
        ffmpeg_exe(),
        "-loglevel",
        "error",
        "-y",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgba",
        "-s",
        size,
        "-r",
        str(FPS),
        "-i",
        str(raw),
        *X264,
        "-f",
        "mp4",
        os.devnull,
    ]
    return decode, encode


def bench_clip(tmp: Path, seconds: float) -> tuple[Path, str]:
    """A real 30 s clip when `make music` has run (the issue's measure), else a synthesized one."""
    music = sorted(Path(".cache/music/rock").glob("*.flac"))
    if music:
        clip = tmp / "clip.wav"
        subprocess.run(
            [
                ffmpeg_exe(),
                "-loglevel",
                "error",
                "-y",
                "-i",
                str(music[0]),
                "-t",
                str(seconds),
                str(clip),
            ],
            check=True,
        )
        return clip, f"real music ({music[0].name}, Debian's fretsonfire songs)"
    y, _ = synth_track(7, seconds, "electronic")
    return Path(write_audio(y, tmp / "clip.wav")), "synthesized (run `make music` for real music)"


def looped(clip: Path, minutes: float, out: Path) -> Path:
    """The clip repeated to `minutes` of MP3: a long track without minutes of synthesis."""
    loops = max(0, round(minutes * 60 / (probe(clip).duration or 30.0)) - 1)
    cmd = [ffmpeg_exe(), "-loglevel", "error", "-y", "-stream_loop", str(loops), "-i", str(clip)]
    subprocess.run([*cmd, "-c:a", "libmp3lame", "-b:a", "192k", str(out)], check=True)
    return out


def memory_rows(deepviz: list[str], clip: Path, tmp: Path) -> list[tuple[str, float, float]]:
    """Peak RSS and wall time of `params` and a small `render` as the track grows to 60 min."""
    tracks = {
        "30 s": clip,
        "10 min": looped(clip, 10, tmp / "10min.mp3"),
        "60 min": looped(clip, 60, tmp / "60min.mp3"),
    }
    env = {**os.environ, "DEEPVIZ_CACHE": str(tmp / "cache")}
    rows = []
    for label, track in tracks.items():
        rows.append(
            timed(
                f"params, {label}",
                [*deepviz, "params", str(track), "-o", str(tmp / "p.csv"), "-q", "-y"],
                env,
            )
        )
    for label in ("30 s", "60 min"):
        rows.append(
            timed(
                f"render 320x180 @ 2 fps, {label}",
                [
                    *deepviz,
                    "render",
                    str(tracks[label]),
                    "-o",
                    str(tmp / "m.mp4"),
                    "--size",
                    "320x180",
                    "--fps",
                    "2",
                    "-q",
                    "-y",
                ],
                env,
            )
        )
    return rows


def memory_report(rows) -> list[str]:
    lines = [
        "",
        "## Memory as the track grows",
        "",
        "Decoding, MFCCs and the network run block by block (30.72 s at a time), so peak RSS "
        "(deepviz's process and its network's process together, sampled every 50 ms) should "
        "not grow with the track; time should grow linearly.",
        "",
        "| what | wall s | peak RSS MiB, all processes | × the 30 s figure |",
        "|---|---:|---:|---:|",
    ]
    base = {"params": rows[0][2], "render": rows[3][2]}
    for name, secs, rss in rows:
        kind = name.split(",")[0].split()[0]
        lines.append(f"| {name} | {secs:.1f} | {rss:.0f} | {rss / base[kind]:.2f} |")
    worst = max(r[2] for r in rows)
    growth = max(rows[2][2] / rows[0][2], rows[4][2] / rows[3][2])
    ok = worst <= 1536 and growth <= 1.25
    lines += [
        "",
        f"Largest peak {worst:.0f} MiB (bar: ≤ 1536), growth 30 s → 60 min "
        f"{growth:.2f}× (bar: ≤ 1.25×): {'met' if ok else 'NOT met'}.",
        "",
    ]
    return lines


def render_rows(deepviz: list[str], clip: Path, tmp: Path, env: dict, label: str = "") -> list:
    """(name, size, wall, cpu, rss) for both scenes at both sizes and a 6-panel comparison."""

    def measured(name: str, size_name: str, command: str, out: str, options: str) -> tuple:
        cmd = [*deepviz, command, str(clip), "-o", str(tmp / out), *options.split(), "-q", "-y"]
        return (f"deepviz{label} {name}", size_name, *run_measured(cmd, env))

    rows = []
    for size_name, size in SIZES.items():
        for scene in ("real", "bar"):
            name, options = f"VIZ-{scene.upper()} {size_name}", f"--scene {scene} --size {size}"
            out = f"{scene}{size_name}{label}.mp4"
            rows.append(measured(name, size_name, "render", out, f"{options} --fps {FPS}"))
    at720 = f"--size {SIZES['720p']} --fps {FPS}"
    draft = "VIZ-REAL 720p --quality draft"
    rows.append(measured(draft, "720p", "render", f"draft{label}.mp4", f"{at720} --quality draft"))
    panels = "compare, 6 panels VIZ-REAL 720p"
    rows.append(measured(panels, "720p", "compare", f"cmp{label}.mp4", f"--scene real {at720}"))
    return rows


def reference_rows(clip: Path, tmp: Path) -> list:
    rows = []
    for size_name, size in SIZES.items():
        cmd = showcqt_command(clip, tmp / f"cqt{size_name}.mp4", size)
        rows.append((f"ffmpeg showcqt {size_name}", size_name, *run_measured(cmd)))
        cmd = showcqt_command(clip, tmp / f"cqt{size_name}n.mp4", size, X264)
        rows.append(
            (f"ffmpeg showcqt {size_name}, deepviz's x264 settings", size_name, *run_measured(cmd))
        )
    decode, encode = x264_floor_command(tmp / "real720p.mp4", tmp / "raw.rgba", SIZES["720p"])
    subprocess.run(decode, check=True)
    rows.append(("x264 alone, VIZ-REAL 720p frames from a raw file", "720p", *run_measured(encode)))
    (tmp / "raw.rgba").unlink()
    return rows


def table(rows, frames: int) -> list[str]:
    base = {r[1]: r for r in rows if r[0] == f"ffmpeg showcqt {r[1]}"}
    same = {r[1]: r for r in rows if r[0].endswith("deepviz's x264 settings")}
    lines = [
        "| what | wall s | CPU s | frames/s | × showcqt wall | × showcqt CPU | × showcqt "
        "wall, same x264 | peak RSS MiB, all processes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, size, wall, cpu, rss in rows:
        ref, alike = base[size], same[size]
        lines.append(
            f"| {name} | {wall:.1f} | {cpu:.1f} | {frames / wall:.1f} | "
            f"{wall / ref[2]:.2f} | {cpu / ref[3]:.2f} | {wall / alike[2]:.2f} | "
            f"{rss:.0f} |"
        )
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default="BENCHMARKS.md")
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument(
        "--before",
        default=None,
        metavar="PYTHONPATH",
        help="Also run an earlier deepviz (a folder holding its `deepviz` package).",
    )
    args = ap.parse_args()
    deepviz = [sys.executable, "-m", "deepviz"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        clip, source = bench_clip(tmp, args.seconds)
        env = {**os.environ, "DEEPVIZ_CACHE": str(tmp / "cache")}
        rows = render_rows(deepviz, clip, tmp, env)
        if args.before:
            before = {**env, "PYTHONPATH": args.before, "DEEPVIZ_CACHE": str(tmp / "cache0")}
            rows += render_rows(deepviz, clip, tmp, before, " (before)")
        rows += reference_rows(clip, tmp)
        info = probe(tmp / "real720p.mp4")
        memory = memory_report(memory_rows(deepviz, clip, tmp))
    single = next(r for r in rows if r[0] == "deepviz VIZ-REAL 720p")
    compare = next(r for r in rows if "compare" in r[0] and "before" not in r[0])
    lines = [
        "# Benchmarks",
        "",
        f"`make bench`, {date.today().isoformat()}, on: {machine()}.",
        "",
        f"A {args.seconds:g} s clip of {source}, at {FPS} fps, AAC audio, in one run, side "
        f"by side. deepviz encodes with `--quality normal` ({' '.join(X264[2:-2])}); the "
        f"ratios are to ffmpeg's showcqt encoded as the speed issue measured it "
        f"({' '.join(REFERENCE[2:-2])}); the last ratio is to showcqt encoded with deepviz's "
        "own settings. Wall time includes start-up, decoding and (for deepviz) feature "
        "extraction with the default model on the CPU; CPU time counts every thread and "
        "child process (ffmpeg included).",
        "",
        *table(rows, int(args.seconds * FPS)),
        "",
        f"A 6-panel comparison costs {compare[2] / single[2]:.2f}× a single VIZ-REAL render of "
        "the same size (all panels drawn into one frame, read back once, encoded once).",
        f"Output check: {info.video_codec} {info.width}x{info.height} @ {info.fps:g} fps, "
        f"{info.duration:.2f} s, audio {info.audio_codec}.",
        *memory,
    ]
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
