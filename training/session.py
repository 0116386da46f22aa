"""`deepviz train` put together: check the output, pick the corpus, train, report (torch on use)."""

from __future__ import annotations

from pathlib import Path

from deepviz.core.console import Console
from deepviz.core.errors import DeepvizError
from deepviz.core.files import check_output_path
from deepviz.core.options import RunOptions
from deepviz.extract.models.classifiers import pretrained_file
from deepviz.extract.models.registry import get_arch
from deepviz.training.corpus import synth_corpus
from deepviz.training.fma import load_fma
from deepviz.training.options import CorpusOptions, TrainConfig, TrainJob
from deepviz.training.recipes import train_default
from deepviz.training.resume import resume_path
from deepviz.training.summary import trained_summary
from deepviz.training.train import train

# Options `--recipe default` leaves to the user; the recipe fixes all others.
RECIPE_FREE = {"recipe", "output", "device", "log", "overwrite", "quiet", "debug", "resume",
               "keep_state"}  # fmt: skip


def checkpoint_output(job: TrainJob, overwrite: bool) -> Path:
    """The checkpoint to write, checked before any work."""

    if job.output:
        out = Path(job.output)
    elif job.resume:
        out = resume_path(job.resume).with_suffix("")  # x.dvz.resume → x.dvz
    else:
        raise DeepvizError("no output: give -o FILE.dvz")
    if out.suffix != ".dvz":
        raise DeepvizError("a checkpoint's name ends in .dvz", out)
    if out.exists() and not overwrite and not job.resume:
        hint = " or --resume to continue its run" if resume_path(out).is_file() else ""
        raise DeepvizError(f"already exists (use -y/--overwrite to replace it{hint})", out)
    return check_output_path(out, overwrite=True, what="checkpoint")  # the folder, before any work


def check_pretrained(cfg: TrainConfig) -> None:
    """Before hours of decoding: are torchvision's ImageNet weights in the local cache?"""

    path, url = pretrained_file(cfg.arch)
    if not path.is_file():
        raise DeepvizError(
            f"--pretrained needs torchvision's ImageNet weights {path.name} in the torch hub "
            f"cache (deepviz never downloads): put the file from {url} at {path}",
            path,
        )


def load_corpus(corpus: CorpusOptions, seed: int, progress: bool, log: str, console: Console):
    """The synthesized corpus or FMA's, as a PatchSet (unreadable FMA tracks reported)."""
    if (corpus.fma_audio is None) == (corpus.synth is None):
        raise DeepvizError(
            "give one corpus: --fma-audio DIR --fma-metadata DIR, or --synth N"
            if corpus.synth is None
            else "give one corpus, not both --synth and --fma-audio"
        )
    if corpus.synth is not None:
        data = synth_corpus(corpus.synth, corpus.synth_duration, seed=seed, progress=progress)
        data.info["corpus"] = f"synth:{corpus.synth}x{corpus.synth_duration:g}s"
        return data
    if corpus.fma_metadata is None:
        raise DeepvizError("--fma-audio needs --fma-metadata DIR (FMA's fma_metadata)")

    c = corpus
    data = load_fma(
        c.fma_audio,
        c.fma_metadata,
        c.subset,
        c.fma_split,
        seed,
        c.cache,
        c.max_tracks,
        c.jobs,
        progress,
    )
    skipped = data.info["skipped"]
    if skipped:
        shown = ", ".join(f"{tid} ({why})" for tid, why in list(skipped.items())[:5])
        more = f", … (all in {log})" if len(skipped) > 5 else ""
        console.note(f"deepviz: warning: skipped {len(skipped)} unreadable tracks: {shown}{more}")
    return data


def run_training(
    job: TrainJob,
    corpus: CorpusOptions,
    cfg: TrainConfig,
    run: RunOptions,
    given: set[str],
    console: Console,
) -> None:
    """`deepviz train`: a recipe, or the configured network on the chosen corpus."""

    out = checkpoint_output(job, run.overwrite)
    log = job.log or f"{out}.log.json"
    progress = not run.quiet
    if job.recipe:
        extra = sorted(given - RECIPE_FREE)
        if extra:
            flags = ", ".join("--" + e.replace("_", "-") for e in extra)
            raise DeepvizError(f"--recipe {job.recipe} fixes the corpus and settings; drop {flags}")

        device = cfg.device if "device" in given else "cpu"
        ckpt = train_default(str(out), log, progress, device, job.resume, job.keep_state)
    else:
        if cfg.pretrained:
            check_pretrained(cfg)
        data = load_corpus(corpus, cfg.seed, progress, log, console)
        tracks, paper = len(set(data.track_ids.tolist())), get_arch(cfg.arch).paper_name
        console.say(
            f"{data.info.get('corpus')}: {tracks} tracks, {len(data)} segments, "
            f"{len(data.label_names)} labels; training {cfg.arch} ({paper})"
        )

        ckpt = train(cfg, data, out, log, progress, resume=job.resume, keep_state=job.keep_state)
    if ckpt is None:
        console.say(f"no checkpoint written (no epoch ran); log {log}")
    else:
        console.say(f"wrote {out}: {trained_summary(ckpt.meta.get('trained', {}))}; log {log}")
