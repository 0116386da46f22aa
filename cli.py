"""The `deepviz` command line."""

from __future__ import annotations

import functools
import sys
import warnings
from dataclasses import dataclass, fields
from pathlib import Path

import click

from deepviz import __version__
from deepviz.errors import DeepvizError

SCENE_NAMES = ("real", "bar")
PRESETS = (
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
)  # x264's
MAPPINGS = ("deterministic", "random", "pca", "kmeans", "kmeans-pca")


class DeepvizGroup(click.Group):
    """Prints a DeepvizError as one line and exits 1; `--debug` shows the traceback instead."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DeepvizError as exc:
            if ctx.meta.get("debug"):
                raise
            click.echo(f"deepviz: error: {exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            if ctx.meta.get("debug"):
                raise
            click.echo("deepviz: interrupted", err=True)
            sys.exit(130)
        except OSError as exc:  # a file system refusal we did not foresee: still one line
            if ctx.meta.get("debug"):
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"deepviz: error: {where}{exc.strerror or exc}", err=True)
            sys.exit(1)


@click.group(cls=DeepvizGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deepviz")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Turn music into visualization videos driven by deep-learning audio features.

    \b
    deepviz render song.mp3 -o song.mp4 --scene real --size 1280x720 --fps 30
    deepviz render song.ogg -o bars.mp4 --scene bar --smoothing 0.3 --seed 7
    deepviz demo                      # the bundled demo track → demo.mp4
    """
    ctx.meta["debug"] = debug
    if not debug:
        warnings.filterwarnings("ignore", category=UserWarning)


def parse_size(ctx, param, value: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in value.lower().split("x"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not WIDTHxHEIGHT, e.g. 1280x720") from None
    if not (16 <= w <= 7680 and 16 <= h <= 4320) or w % 2 or h % 2:
        raise click.BadParameter(f"{value}: width and height must be even and 16–7680 × 16–4320")
    return w, h


def model_options(f):
    f = click.option(
        "--device",
        default="auto",
        show_default=True,
        type=click.Choice(["auto", "cpu", "cuda"]),
        help="Where the network runs.",
    )(f)
    f = click.option("--layer", default=None, help="Feature layer of a classifier (e.g. L15).")(f)
    f = click.option(
        "--model",
        "model",
        default="default",
        show_default=True,
        metavar="NAME|FILE",
        help="Feature network: 'default' (embedded autoencoder) or a .dvz checkpoint.",
    )(f)
    return f


def mapping_options(f):
    f = click.option(
        "--param-order",
        default=None,
        metavar="NAMES",
        help="Comma-separated parameter names: which parameter gets which component.",
    )(f)
    f = click.option(
        "--fit",
        "fit_path",
        type=click.Path(dir_okay=False),
        default=None,
        help="A mapping fitted by `deepviz fit` (JSON) instead of fitting on the track.",
    )(f)
    f = click.option(
        "--clusters",
        default=10,
        show_default=True,
        type=click.IntRange(2, 1000),
        help="K-Means clusters (kmeans, kmeans-pca).",
    )(f)
    f = click.option(
        "--scale-by",
        type=click.Choice(["features", "across"]),
        default=None,
        help="One statistic per component, or one across all [default: across for "
        "pca and kmeans-pca, features otherwise].",
    )(f)
    f = click.option(
        "--scaling",
        type=click.Choice(["standard", "minmax"]),
        default="standard",
        show_default=True,
        help="standard: 0.5 ± 0.4·z clipped; minmax: to [0, 1].",
    )(f)
    f = click.option(
        "--mapping",
        "method",
        type=click.Choice(MAPPINGS),
        default="deterministic",
        show_default=True,
        help="I deterministic, II random, III pca, IV kmeans, V kmeans-pca.",
    )(f)
    return f


def timeline_options(f):
    f = click.option("--seed", default=0, show_default=True, help="Seed for random choices.")(f)
    f = click.option(
        "--smoothing",
        default=0.25,
        show_default=True,
        type=click.FloatRange(0, 1, max_open=True),
        help="EMA smoothing: share of the old value kept per 0.96 s segment (0 = off).",
    )(f)
    f = click.option(
        "--fps",
        default=30.0,
        show_default=True,
        type=click.FloatRange(1, 240),
        help="Frames per second.",
    )(f)
    return f


@dataclass
class PlanOptions:
    """The options shared by `render` and `params`: how a track becomes per-frame parameters."""

    scene: str
    model: str
    layer: str | None
    device: str
    method: str
    scaling: str
    scale_by: str | None
    clusters: int
    fit_path: str | None
    param_order: str | None
    fps: float
    smoothing: float
    seed: int


def plan_options(f):
    """Add the model, mapping and timeline options; the command receives them as `plan`."""

    @functools.wraps(f)
    def collect(**kwargs):
        names = [fld.name for fld in fields(PlanOptions)]
        plan = PlanOptions(**{name: kwargs.pop(name) for name in names})
        return f(plan=plan, **kwargs)

    return timeline_options(model_options(mapping_options(collect)))


def _planner(plan: PlanOptions, quiet: bool):
    """A function audio path → Curves, with the feature network loaded once for many files."""
    from deepviz.extract.audio import load_audio
    from deepviz.extract.extractor import FeatureExtractor
    from deepviz.mapping import MappingOptions
    from deepviz.renderer.plan import plan_curves
    from deepviz.scenes import get_scene

    scene_cls = get_scene(plan.scene)
    options = MappingOptions(
        method=plan.method,
        scaling=plan.scaling,
        scale_by=plan.scale_by,
        n_clusters=plan.clusters,
        seed=plan.seed,
    )
    extractor = FeatureExtractor(plan.model, device=plan.device, layer=plan.layer)
    for note in options.warnings:
        click.echo(f"deepviz: note: {note}", err=True)

    def curves_of(audio):
        y = load_audio(audio)
        if not quiet:
            minutes, seconds = divmod(len(y) / 44100, 60)
            click.echo(
                f"{audio}: {int(minutes)}:{seconds:04.1f}, extracting features with "
                f"{extractor.model_id} on {extractor.device.type} …",
                err=True,
            )
        return plan_curves(
            y,
            scene_cls,
            extractor,
            options,
            plan.fps,
            plan.smoothing,
            plan.fit_path,
            plan.param_order,
        )

    return curves_of


@main.command()
@click.argument("audio", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    default=None,
    metavar="FILE.mp4|FOLDER",
    help="Output video [default: the audio's name with .mp4, in this folder]; with "
    "several inputs or a folder of audio, the folder the videos go to.",
)
@click.option("--scene", type=click.Choice(SCENE_NAMES), default="real", show_default=True)
@click.option(
    "--size",
    default="1280x720",
    show_default=True,
    callback=parse_size,
    help="WIDTHxHEIGHT (even numbers).",
)
@plan_options
@click.option(
    "--start",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Render from this second of the track.",
)
@click.option(
    "--duration",
    default=None,
    type=click.FloatRange(0, min_open=True),
    help="Render this many seconds [default: to the end].",
)
@click.option(
    "--crf",
    default=18,
    show_default=True,
    type=click.IntRange(0, 51),
    help="x264 quality: lower is better and bigger.",
)
@click.option(
    "--preset",
    default="medium",
    show_default=True,
    type=click.Choice(PRESETS),
    help="x264 speed preset.",
)
@click.option(
    "--samples",
    default=4,
    show_default=True,
    type=click.IntRange(1, 16),
    help="Multisampling (anti-aliasing) samples.",
)
@click.option(
    "--dump-params",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the per-frame parameters the video uses (.csv or .json).",
)
@click.option("-y", "--overwrite", is_flag=True, help="Replace the output if it exists.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
def render(
    audio,
    output,
    plan: PlanOptions,
    size,
    start,
    duration,
    crf,
    preset,
    samples,
    dump_params,
    overwrite,
    quiet,
):
    """Render AUDIO (any format ffmpeg reads) to an MP4 visualization with its sound.

    AUDIO may also be several files or folders (searched recursively): each file becomes
    OUTPUT/<name>.mp4; a file that fails is reported and the others still render.
    """
    from deepviz.extract.audio import check_input_file
    from deepviz.fileio import check_output_path

    batch = len(audio) > 1 or Path(audio[0]).is_dir()
    if not batch:
        check_input_file(audio[0])
        out = check_output_path(
            output or Path(audio[0]).with_suffix(".mp4").name, overwrite, "video"
        )
        if start:  # a probe is cheap; extraction is not
            from deepviz.extract.ffmpeg import probe

            length = probe(audio[0]).duration
            if length is not None and start >= length:
                raise DeepvizError(f"--start {start:g}s is past the end ({length:.2f}s)", audio[0])
        if Path(out).resolve() == Path(audio[0]).resolve():
            raise DeepvizError("output would overwrite the input audio", out)
        jobs = [(Path(audio[0]), out)]
    else:
        if dump_params:
            raise DeepvizError("--dump-params takes a single input (use `deepviz params` per file)")
        folder = Path(output or ".")
        if folder.suffix.lower() == ".mp4":
            raise DeepvizError("with several inputs, -o names a folder", folder)
        if folder.exists() and not folder.is_dir():
            raise DeepvizError("is a file; with several inputs, -o names a folder", folder)
        folder.mkdir(parents=True, exist_ok=True)
        jobs = [(src, folder / f"{src.stem}.mp4") for src in audio_files(audio)]
        names = [o.name for _, o in jobs]
        if len(set(names)) < len(names):
            twice = sorted({n for n in names if names.count(n) > 1})
            raise DeepvizError(f"two inputs would write the same video: {', '.join(twice)}")

    from deepviz.renderer.plan import write_curves
    from deepviz.renderer.render import VideoOptions, frame_range, render_video
    from deepviz.scenes import create_context

    gl = create_context()  # before the slow part: no EGL is an error at once
    curves_of = _planner(plan, quiet)
    opts = VideoOptions(
        width=size[0],
        height=size[1],
        fps=plan.fps,
        crf=crf,
        preset=preset,
        samples=samples,
        seed=plan.seed,
        start=start,
        duration=duration,
    )
    failed = 0
    for src, out in jobs:
        try:
            if batch:
                if out.exists() and not overwrite:
                    click.echo(f"deepviz: skipped {out}: already exists (use -y)", err=True)
                    continue
                check_output_path(out, overwrite)
            curves = curves_of(src)
            if dump_params:
                frames = frame_range(curves, start, duration)
                write_curves(curves, dump_params, slice(frames.start, frames.stop))
            render_video(curves, plan.scene, src, out, opts, quiet=quiet, ctx=gl)
        except DeepvizError as exc:
            if not batch:
                raise
            failed += 1
            click.echo(f"deepviz: error: {exc}", err=True)
            continue
        if not quiet:
            click.echo(f"wrote {out}", err=True)
    if failed:
        raise DeepvizError(f"{failed} of {len(jobs)} files failed")


@main.command()
@click.option("-o", "--output", default="demo.mp4", show_default=True)
@click.option("--scene", type=click.Choice(SCENE_NAMES), default="real", show_default=True)
@click.option("--size", default="1280x720", show_default=True, callback=parse_size)
@click.option("--fps", default=30.0, show_default=True, type=click.FloatRange(1, 240))
@click.option("--preset", default="veryfast", show_default=True, type=click.Choice(PRESETS))
@click.option("-y", "--overwrite", is_flag=True, help="Replace the output if it exists.")
@click.option("-q", "--quiet", is_flag=True)
@click.pass_context
def demo(ctx, output, scene, size, fps, preset, overwrite, quiet):
    """Render the bundled demo track with the embedded default model."""
    from deepviz.renderer.assets import demo_track

    ctx.invoke(
        render,
        audio=(str(demo_track()),),
        output=output,
        scene=scene,
        size=size,
        fps=fps,
        preset=preset,
        overwrite=overwrite,
        quiet=quiet,
    )


@main.command()
def scenes():
    """List the scenes and their parameters (ranges, and priority from most to least dynamic)."""
    from deepviz.scenes import SCENES

    for name, cls in SCENES.items():
        click.echo(f"{name}: {cls.description}")
        click.echo(f"  {'parameter':<11}{'range':<22}{'priority':<10}meaning")
        for p in cls.params:
            rank = cls.priority.index(p.name) + 1
            span = f"{p.low:g} to {p.high:g} {p.unit}".strip()
            click.echo(f"  {p.name:<11}{span:<22}{rank:<10}{p.description}")
        click.echo("")


AUDIO_EXTENSIONS = {
    ".mp3",
    ".wav",
    ".flac",
    ".ogg",
    ".oga",
    ".opus",
    ".m4a",
    ".aac",
    ".wma",
    ".aif",
    ".aiff",
    ".mka",
    ".webm",
    ".mp4",
}


def audio_files(inputs: tuple[str, ...]) -> list[Path]:
    """Files named directly, plus the audio files found (recursively) in named folders."""
    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in AUDIO_EXTENSIONS and p.is_file()
            )
            if not found:
                raise DeepvizError("no audio files in this folder", path)
            files += found
        elif path.exists():
            files.append(path)
        else:
            raise DeepvizError("no such file or folder", path)
    return files


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", required=True, metavar="FILE.json", help="Where to save the fit.")
@model_options
@click.option(
    "--mapping", "method", type=click.Choice(MAPPINGS), default="kmeans-pca", show_default=True
)
@click.option(
    "--scaling", type=click.Choice(["standard", "minmax"]), default="standard", show_default=True
)
@click.option(
    "--scale-by",
    type=click.Choice(["features", "across"]),
    default=None,
    help="[default: across for pca and kmeans-pca, features otherwise]",
)
@click.option("--clusters", default=10, show_default=True, type=click.IntRange(2, 1000))
@click.option("--seed", default=0, show_default=True)
@click.option("-y", "--overwrite", is_flag=True)
@click.option("-q", "--quiet", is_flag=True)
def fit(
    inputs,
    output,
    model,
    layer,
    device,
    method,
    scaling,
    scale_by,
    clusters,
    seed,
    overwrite,
    quiet,
):
    """Fit a mapping on all segments of many files/folders (a reference set) and save it as JSON.

    \b
    deepviz fit ./Rock ./Electronic -o reference.json --mapping kmeans-pca
    deepviz render song.mp3 -o song.mp4 --fit reference.json
    """
    import numpy as np
    from tqdm import tqdm

    from deepviz.extract.extractor import FeatureExtractor
    from deepviz.mapping import MappingOptions, fit_mapping

    out = Path(output)
    if out.exists() and not overwrite:
        raise DeepvizError("already exists (use -y/--overwrite to replace it)", out)
    options = MappingOptions(
        method=method, scaling=scaling, scale_by=scale_by, n_clusters=clusters, seed=seed
    )
    for note in options.warnings:
        click.echo(f"deepviz: note: {note}", err=True)
    files = audio_files(inputs)
    extractor = FeatureExtractor(model, device=device, layer=layer)
    chunks, skipped = [], []
    for path in tqdm(files, desc="extracting", unit="file", disable=quiet):
        try:
            chunks.append(extractor.extract(path).values)
        except DeepvizError as exc:
            skipped.append(str(exc))
    for line in skipped:
        click.echo(f"deepviz: skipped {line}", err=True)
    if not chunks:
        raise DeepvizError("none of the inputs could be decoded")
    features = np.concatenate(chunks)
    fitted = fit_mapping(features, options, extractor.model_id)
    fitted.save(out)
    if not quiet:
        click.echo(
            f"fitted {method} on {len(features)} segments of {len(chunks)} files → {out}", err=True
        )


@main.command()
@click.argument("audio")
@click.option(
    "-o",
    "--output",
    default=None,
    metavar="FILE.csv|json",
    help="Per-frame parameter curves (CSV: frame,time,<names>; or JSON).",
)
@click.option(
    "--scene",
    type=click.Choice(SCENE_NAMES),
    default="real",
    show_default=True,
    help="Whose parameter names and priority to use.",
)
@plan_options
@click.option("--stats", is_flag=True, help="Print each parameter's mean and std.")
@click.option("-y", "--overwrite", is_flag=True)
@click.option("-q", "--quiet", is_flag=True)
def params(
    audio,
    output,
    plan: PlanOptions,
    stats,
    overwrite,
    quiet,
):
    """Write the per-frame parameter curves of AUDIO (after interpolation and smoothing), no video.

    These are the values a render draws; import them into Blender or After Effects.
    """
    from deepviz.mapping import curve_stats
    from deepviz.renderer.plan import write_curves

    if output is None and not stats:
        raise DeepvizError("nothing to do: give -o FILE.csv|json and/or --stats")
    if output and Path(output).exists() and not overwrite:
        raise DeepvizError("already exists (use -y/--overwrite to replace it)", output)
    if output and Path(output).suffix.lower() not in (".csv", ".json"):
        raise DeepvizError("unknown curve file type (use .csv or .json)", output)
    curves = _planner(plan, quiet)(audio)
    if output:
        write_curves(curves, output)
        if not quiet:
            click.echo(
                f"wrote {len(curves.values)} frames × {len(curves.names)} parameters → {output}",
                err=True,
            )
    if stats:
        click.echo(f"{'parameter':<12}{'mean':>8}{'std':>8}")
        for row in curve_stats(curves.values, curves.names):
            click.echo(f"{row['name']:<12}{row['mean']:>8.3f}{row['std']:>8.3f}")


def _register_training_commands() -> None:
    from deepviz.cli_training import models, train

    main.add_command(train)
    main.add_command(models)


_register_training_commands()


ROMAN = {"deterministic": "I", "random": "II", "pca": "III", "kmeans": "IV", "kmeans-pca": "V"}


def parse_mapping_specs(text: str, clusters: int, seed: int):
    """'pca,kmeans:minmax,deterministic:standard:across' → [(label, MappingOptions), …]."""
    from deepviz.mapping import MappingOptions

    specs = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        method, *rest = item.split(":")
        if len(rest) > 2:
            raise DeepvizError(f"{item!r}: a mapping is METHOD[:SCALING[:SCALE_BY]]")
        options = MappingOptions(
            method=method,
            scaling=rest[0] if rest else "standard",
            scale_by=rest[1] if len(rest) > 1 else None,
            n_clusters=clusters,
            seed=seed,
        )
        by = "per feature" if options.scale_by == "features" else "across"
        label = f"{ROMAN[method]} {method} · {options.scaling} {by}"
        specs.append((label, options))
    if not 1 <= len(specs) <= 16:
        raise DeepvizError(f"--mappings takes 1 to 16 mappings, got {len(specs)}")
    return specs


@main.command()
@click.argument("audio")
@click.option("-o", "--output", required=True, metavar="FILE.mp4")
@click.option(
    "--mappings",
    default="deterministic,random,pca,kmeans,kmeans-pca,kmeans-pca:minmax",
    show_default=True,
    metavar="SPECS",
    help="Comma-separated METHOD[:SCALING[:SCALE_BY]], one panel each.",
)
@click.option("--scene", type=click.Choice(SCENE_NAMES), default="bar", show_default=True)
@click.option(
    "--size",
    default="1280x720",
    show_default=True,
    callback=parse_size,
    help="Size of the whole video (WIDTHxHEIGHT).",
)
@timeline_options
@model_options
@click.option("--clusters", default=10, show_default=True, type=click.IntRange(2, 1000))
@click.option("--start", default=0.0, show_default=True, type=click.FloatRange(0))
@click.option("--duration", default=None, type=click.FloatRange(0, min_open=True))
@click.option("--crf", default=18, show_default=True, type=click.IntRange(0, 51))
@click.option("--preset", default="medium", show_default=True, type=click.Choice(PRESETS))
@click.option("--samples", default=4, show_default=True, type=click.IntRange(1, 16))
@click.option("-y", "--overwrite", is_flag=True)
@click.option("-q", "--quiet", is_flag=True)
def compare(
    audio,
    output,
    mappings,
    scene,
    size,
    fps,
    smoothing,
    seed,
    model,
    layer,
    device,
    clusters,
    start,
    duration,
    crf,
    preset,
    samples,
    overwrite,
    quiet,
):
    """Side-by-side video of one track under several mappings, each panel labelled.

    \b
    deepviz compare song.mp3 -o methods.mp4
    deepviz compare song.mp3 -o scalers.mp4 --mappings pca:standard,pca:minmax --scene real
    """
    from deepviz.extract.audio import check_input_file, load_audio
    from deepviz.extract.extractor import FeatureExtractor
    from deepviz.fileio import check_output_path

    check_input_file(audio)
    out = check_output_path(output, overwrite)
    specs = parse_mapping_specs(mappings, clusters, seed)

    from deepviz.renderer.compare import Panel, render_comparison
    from deepviz.renderer.plan import curves_from_features
    from deepviz.renderer.render import VideoOptions
    from deepviz.scenes import create_context, get_scene

    gl = create_context()
    extractor = FeatureExtractor(model, device=device, layer=layer)
    features = extractor.extract_audio(load_audio(audio))
    scene_cls = get_scene(scene)
    panels = [
        Panel(label, curves_from_features(features, scene_cls, options, fps, smoothing))
        for label, options in specs
    ]
    opts = VideoOptions(
        width=size[0],
        height=size[1],
        fps=fps,
        crf=crf,
        preset=preset,
        samples=samples,
        seed=seed,
        start=start,
        duration=duration,
    )
    render_comparison(panels, scene, audio, out, opts, quiet=quiet, ctx=gl)
    if not quiet:
        click.echo(f"wrote {out}", err=True)
