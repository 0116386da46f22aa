"""`deepviz train` and `deepviz models`: click commands that the `deepviz` group registers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
from click.core import ParameterSource

from deepviz.errors import DeepvizError
from deepviz.fileio import check_output_path

# deepviz.extract.checkpoint.ARCHS, spelled out: importing torch for `--help` costs seconds.
ARCHS = ("ae", "ae-shared", "ae-skip", "alexnet", "vgg11", "vgg13", "vgg16")

PAPER_NAMES = {
    "ae": "NET-AE",
    "ae-shared": "NET-AE-SHARED",
    "ae-skip": "NET-AE-SKIP",
    "alexnet": "NET-ALEX",
    "vgg11": "NET-VGG11",
    "vgg13": "NET-VGG13",
    "vgg16": "NET-VGG16",
}
# Options `--recipe default` leaves to the user; the recipe fixes all others.
RECIPE_FREE = {"recipe", "output", "device", "log", "overwrite", "quiet", "resume", "keep_state"}


def _given(ctx: click.Context) -> set[str]:
    return {
        name
        for name in ctx.params
        if ctx.get_parameter_source(name) not in (ParameterSource.DEFAULT, None)
    }


def _widths(ctx, param, value: str | None):
    if value is None:
        return None
    try:
        widths = tuple(int(v) for v in value.split(","))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a comma-separated list of integers") from None
    if not widths or min(widths) < 1:
        raise click.BadParameter(f"{value!r}: widths must be positive")
    return widths


@click.command()
@click.option("-o", "--output", default=None, metavar="FILE.dvz", help="The checkpoint to write.")
@click.option(
    "--arch",
    type=click.Choice(ARCHS),
    default="ae",
    show_default=True,
    help="Autoencoders ae, ae-shared, ae-skip; genre classifiers alexnet, vgg11, vgg13, vgg16.",
)
@click.option(
    "--recipe",
    type=click.Choice(["default"]),
    default=None,
    help="Reproduce a shipped model (training/recipes.py): corpus and settings fixed.",
)
@click.option(
    "--fma-audio",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help="FMA audio folder (fma_small, fma_medium, …).",
)
@click.option(
    "--fma-metadata",
    type=click.Path(),
    default=None,
    metavar="DIR",
    help="FMA's fma_metadata folder (or its tracks.csv).",
)
@click.option(
    "--subset",
    type=click.Choice(["small", "medium", "large"]),
    default=None,
    help="FMA subset [default: from the audio folder's name, else small].",
)
@click.option(
    "--fma-split",
    is_flag=True,
    help="Use FMA's own training/validation/test split, not 90/5/5 by track.",
)
@click.option(
    "--cache",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help="Patch cache [default: <fma-audio>/.deepviz-cache, else ~/.cache/deepviz].",
)
@click.option(
    "--max-tracks",
    type=click.IntRange(3),
    default=None,
    help="Use only this many FMA tracks (an even draw, seeded), for quick trials.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1),
    default=os.cpu_count() or 1,
    show_default=True,
    help="Tracks decoded in parallel while filling the cache.",
)
@click.option(
    "--synth",
    type=click.IntRange(3),
    default=None,
    metavar="N",
    help="Train on N synthesized tracks (styles as labels) instead of FMA.",
)
@click.option(
    "--synth-duration",
    type=click.FloatRange(1, 600),
    default=30.0,
    show_default=True,
    help="Seconds per synthesized track.",
)
@click.option(
    "--epochs",
    type=click.IntRange(1),
    default=None,
    help="[default: the paper's: 40 ae/ae-shared, 20 ae-skip, 25 classifiers]",
)
@click.option(
    "--lr",
    type=click.FloatRange(0, min_open=True),
    default=None,
    help="[default: the paper's: 2.5e-4 ae/ae-shared, 5e-3 ae-skip, 1e-5 classifiers]",
)
@click.option("--batch-size", type=click.IntRange(1), default=64, show_default=True)
@click.option(
    "--optimizer",
    type=click.Choice(["sgd", "adam"]),
    default="sgd",
    show_default=True,
    help="sgd with momentum (the paper's) or adam.",
)
@click.option("--momentum", type=click.FloatRange(0, 1), default=0.95, show_default=True)
@click.option(
    "--fc-hidden",
    type=click.IntRange(1),
    default=None,
    help="Width of the hidden FC layers [default: 4096 classifiers, 3072 autoencoders].",
)
@click.option(
    "--widths",
    callback=_widths,
    default=None,
    metavar="N,N,N,N",
    help="Autoencoders: conv filters per block [default: 32,64,128,256].",
)
@click.option(
    "--unpool",
    type=click.Choice(["indices", "nearest"]),
    default=None,
    help="Autoencoders' decoder: max-unpool with the encoder's indices (the paper's) or nearest "
    "upsampling (the code must then carry the patch; the default model uses it).  "
    "[default: indices]",
)
@click.option(
    "--pretrained",
    is_flag=True,
    help="Classifiers: start the conv trunk from torchvision's ImageNet weights, read "
    "from the local torch hub cache (never downloaded).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seeds the split, initialisation and batch order.",
)
@click.option(
    "--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True
)
@click.option(
    "--resume",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE.dvz",
    help="Continue the interrupted run that wrote FILE.dvz (its FILE.dvz.resume state).",
)
@click.option(
    "--keep-state",
    is_flag=True,
    help="Keep <output>.resume after the last epoch, to train on later with more epochs.",
)
@click.option(
    "--log",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE.json",
    help="JSON log of every epoch [default: <output>.log.json].",
)
@click.option(
    "--name", default=None, help="Model name stored in the checkpoint [default: file stem]."
)
@click.option("-y", "--overwrite", is_flag=True, help="Replace the output if it exists.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@click.pass_context
def train(
    ctx,
    output,
    arch,
    recipe,
    fma_audio,
    fma_metadata,
    subset,
    fma_split,
    cache,
    max_tracks,
    jobs,
    synth,
    synth_duration,
    epochs,
    lr,
    batch_size,
    optimizer,
    momentum,
    fc_hidden,
    widths,
    unpool,
    pretrained,
    seed,
    device,
    resume,
    keep_state,
    log,
    name,
    overwrite,
    quiet,
):
    """Train a feature network on FMA (or a synthesized corpus) and write a .dvz checkpoint.

    \b
    deepviz train --arch vgg16 --fma-audio fma_medium --fma-metadata fma_metadata -o vgg16.dvz
    deepviz train --arch ae-shared --fma-audio fma_small --fma-metadata fma_metadata -o ae.dvz
    deepviz train --arch alexnet --synth 60 -o alex.dvz
    deepviz train ... -o vgg16.dvz --resume vgg16.dvz      # after an interruption
    deepviz train --recipe default -o extract/weights/default.dvz -y
    """
    from deepviz.training.resume import resume_path

    if output:
        out = Path(output)
    elif resume:
        out = resume_path(resume).with_suffix("")  # x.dvz.resume → x.dvz
    else:
        raise DeepvizError("no output: give -o FILE.dvz")
    if out.suffix != ".dvz":
        raise DeepvizError("a checkpoint's name ends in .dvz", out)
    if out.exists() and not overwrite and not resume:
        hint = " or --resume to continue its run" if resume_path(out).is_file() else ""
        raise DeepvizError(f"already exists (use -y/--overwrite to replace it{hint})", out)
    check_output_path(out, overwrite=True, what="checkpoint")  # the folder, before any work
    log = log or f"{out}.log.json"
    progress = not quiet

    if recipe:
        extra = sorted(_given(ctx) - RECIPE_FREE)
        if extra:
            flags = ", ".join("--" + e.replace("_", "-") for e in extra)
            raise DeepvizError(f"--recipe {recipe} fixes the corpus and settings; drop {flags}")
        from deepviz.training.recipes import train_default

        dev = device if "device" in _given(ctx) else "cpu"
        ckpt = train_default(
            str(out), log, progress=progress, device=dev, resume=resume, keep_state=keep_state
        )
        _report(ckpt, out, log, quiet)
        return

    if (fma_audio is None) == (synth is None):
        raise DeepvizError(
            "give one corpus: --fma-audio DIR --fma-metadata DIR, or --synth N"
            if synth is None
            else "give one corpus, not both --synth and --fma-audio"
        )
    model = {}
    if fc_hidden:
        model["fc_hidden"] = fc_hidden
    if widths:
        if arch not in ("ae", "ae-shared", "ae-skip"):
            raise DeepvizError("--widths is for the autoencoders")
        model["widths"] = widths
    if unpool:
        if arch not in ("ae", "ae-shared", "ae-skip"):
            raise DeepvizError("--unpool is for the autoencoders")
        model["unpool"] = unpool

    from deepviz.training.train import TrainConfig
    from deepviz.training.train import train as run_training

    cfg = TrainConfig(
        arch=arch,
        model=model,
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        momentum=momentum,
        optimizer=optimizer,
        seed=seed,
        device=device,
        name=name,
        pretrained=pretrained,
    )
    if pretrained:  # before hours of decoding: is the file there?
        from deepviz.extract.models.classifiers import pretrained_file

        path, url = pretrained_file(arch)
        if not path.is_file():
            raise DeepvizError(
                f"--pretrained needs torchvision's ImageNet weights {path.name} in the torch hub "
                f"cache (deepviz never downloads): put the file from {url} at {path}",
                path,
            )
    if synth is not None:
        from deepviz.training.corpus import synth_corpus

        data = synth_corpus(synth, synth_duration, seed=seed, progress=progress)
        data.info["corpus"] = f"synth:{synth}x{synth_duration:g}s"
    else:
        if fma_metadata is None:
            raise DeepvizError("--fma-audio needs --fma-metadata DIR (FMA's fma_metadata)")
        from deepviz.training.fma import load_fma

        data = load_fma(
            fma_audio, fma_metadata, subset, fma_split, seed, cache, max_tracks, jobs, progress
        )
        skipped = data.info["skipped"]
        if skipped:
            shown = ", ".join(f"{tid} ({why})" for tid, why in list(skipped.items())[:5])
            more = f", … (all in {log})" if len(skipped) > 5 else ""
            click.echo(
                f"deepviz: warning: skipped {len(skipped)} unreadable tracks: {shown}{more}",
                err=True,
            )
    if not quiet:
        tracks = len(set(data.track_ids.tolist()))
        click.echo(
            f"{data.info.get('corpus')}: {tracks} tracks, {len(data)} segments, "
            f"{len(data.label_names)} labels; training {arch} ({PAPER_NAMES[arch]})",
            err=True,
        )
    ckpt = run_training(
        cfg, data, out, log, progress=progress, resume=resume, keep_state=keep_state
    )
    _report(ckpt, out, log, quiet)


def _report(ckpt, out: Path, log: str, quiet: bool) -> None:
    if quiet:
        return
    if ckpt is None:
        click.echo(f"no checkpoint written (no epoch ran); log {log}", err=True)
        return
    click.echo(
        f"wrote {out}: {_trained_summary(ckpt.meta.get('trained', {}))}; log {log}", err=True
    )


def _trained_summary(t: dict) -> str:
    if not t:
        return "no training summary"
    parts = [f"best epoch {t.get('epochs')}"]
    if "val_loss" in t:
        parts.append(f"val loss {t['val_loss']:.4g}")
    if "val_accuracy" in t:
        parts.append(
            f"val accuracy {100 * t['val_accuracy']:.1f} % "
            f"(per track {100 * t.get('val_track_accuracy', 0):.1f} %)"
        )
    if "test_accuracy" in t:
        parts.append(
            f"test accuracy {100 * t['test_accuracy']:.1f} % "
            f"(per track {100 * t.get('test_track_accuracy', 0):.1f} %)"
        )
    elif "test_loss" in t:
        parts.append(f"test loss {t['test_loss']:.4g}")
    return ", ".join(parts)


def describe(path: Path, builtin: bool = False) -> dict:
    """What `deepviz models` shows of one checkpoint."""
    from deepviz.extract.checkpoint import load_checkpoint

    ckpt = load_checkpoint(path)
    layers = ckpt.layers
    return {
        "name": ckpt.name,
        "path": str(path),
        "builtin": builtin,
        "arch": ckpt.arch,
        "paper_name": PAPER_NAMES.get(ckpt.arch, ckpt.arch),
        "layers": layers,
        "default_layer": ckpt.default_layer or next(iter(layers)),
        "parameters": ckpt.n_parameters,
        "file_bytes": path.stat().st_size,
        "genres": ckpt.meta.get("genres", []),
        "corpus": ckpt.meta.get("corpus"),
        "trained": ckpt.meta.get("trained", {}),
    }


@click.command()
@click.argument("files", nargs=-1, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of text.")
def models(files, as_json):
    """List the built-in model and the given checkpoints: layers, size, training summary."""
    from deepviz.extract.checkpoint import default_checkpoint_path

    default = default_checkpoint_path()
    rows: list[dict] = []
    if default.is_file():
        rows.append(describe(default, builtin=True))
    else:
        rows.append({"name": "default", "path": str(default), "builtin": True, "missing": True})
    rows += [describe(Path(f)) for f in files]
    if as_json:
        click.echo(json.dumps(rows, indent=1))
        return
    for i, r in enumerate(rows):
        if i:
            click.echo("")
        where = "built-in" if r["builtin"] else "file"
        click.echo(f"{r['name']}  ({where}: {r['path']})")
        if r.get("missing"):
            click.echo(
                f"  not installed: build it with `deepviz train --recipe default -o {r['path']}`"
            )
            continue
        click.echo(
            f"  arch     {r['arch']} ({r['paper_name']}), "
            f"{r['parameters'] / 1e6:.2f} M parameters, {r['file_bytes'] / 1e6:.1f} MB"
        )
        layers = ", ".join(f"{k} ({v}-d)" for k, v in r["layers"].items())
        click.echo(f"  layers   {layers}; default {r['default_layer']}")
        if r["genres"]:
            click.echo(f"  labels   {', '.join(r['genres'])}")
        trained = _trained_summary(r["trained"])
        corpus = f" on {r['corpus']}" if r["corpus"] else ""
        click.echo(f"  trained  {trained}{corpus}")
