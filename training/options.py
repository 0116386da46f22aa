"""The options of `deepviz train`, declared once (torch-free): what to train on, how, and where to.

The paper's defaults (learning rate, epochs) come from the model registry.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from deepviz.core.errors import DeepvizError
from deepviz.core.options import option, parse_widths
from deepviz.extract.models.registry import get_arch, list_models

HELP = {  # the options' help, as `--help` shows it
    "arch": "Autoencoders ae, ae-shared, ae-skip; genre classifiers alexnet, vgg11, vgg13, vgg16.",
    "epochs": "[default: the paper's: 40 ae/ae-shared, 20 ae-skip, 25 classifiers]",
    "batch_size": "Patches per batch.",
    "lr": "[default: the paper's: 2.5e-4 ae/ae-shared, 5e-3 ae-skip, 1e-5 classifiers]",
    "momentum": "SGD momentum.",
    "optimizer": "sgd with momentum (the paper's) or adam.",
    "seed": "Seeds the split, initialisation and batch order.",
    "device": "Where to train.",
    "name": "Model name stored in the checkpoint [default: file stem].",
    "pretrained": (
        "Classifiers: start the conv trunk from torchvision's ImageNet "
        "weights, read from the local torch hub cache (never downloaded)."
    ),
    "fc_hidden": "Width of the hidden FC layers [default: 4096 classifiers, 3072 autoencoders].",
    "widths": "Autoencoders: conv filters per block [default: 32,64,128,256].",
    "unpool": (
        "Autoencoders' decoder: max-unpool with the encoder's indices "
        "(the paper's) or nearest upsampling (the code must then carry the "
        "patch; the default model uses it).  [default: indices]"
    ),
    "code_norm": (
        "Autoencoders: batch-normalise the code before its sigmoid, so "
        "it cannot collapse to a constant (the default model uses it)."
    ),
    "style_weight": (
        "Autoencoders: also train a linear head from the code to the "
        "corpus's style labels, its cross-entropy weighted by this, so "
        "the code tells styles apart (the default model: 0.01)."
    ),
    "fma_audio": "FMA audio folder (fma_small, fma_medium, …).",
    "fma_metadata": "FMA's fma_metadata folder (or its tracks.csv).",
    "subset": "FMA subset [default: from the audio folder's name, else small].",
    "fma_split": "Use FMA's own training/validation/test split, not 90/5/5 by track.",
    "cache": "Patch cache [default: <fma-audio>/.deepviz-cache, else ~/.cache/deepviz].",
    "max_tracks": "Use only this many FMA tracks (an even draw, seeded), for quick trials.",
    "jobs": "Tracks decoded in parallel while filling the cache.",
    "synth": "Train on N synthesized tracks (styles as labels) instead of FMA.",
    "synth_duration": "Seconds per synthesized track.",
    "output": "The checkpoint to write.",
    "recipe": "Reproduce a shipped model (training/recipes.py): corpus and settings fixed.",
    "resume": "Continue the interrupted run that wrote FILE.dvz (its FILE.dvz.resume state).",
    "keep_state": "Keep <output>.resume after the last epoch, to train on later with more epochs.",
    "log": "JSON log of every epoch [default: <output>.log.json].",
}


@dataclass
class TrainConfig:
    """How a network is trained; `model` holds overrides of the architecture's config."""

    arch: str = option("ae", "--arch", choices=list_models(), help=HELP["arch"])
    model: dict = field(default_factory=dict)
    epochs: int | None = option(None, "--epochs", kind=int, low=1, help=HELP["epochs"])
    batch_size: int = option(64, "--batch-size", low=1, help=HELP["batch_size"])
    lr: float | None = option(None, "--lr", kind=float, low=0, low_open=True, help=HELP["lr"])
    momentum: float = option(0.95, "--momentum", low=0, high=1, help=HELP["momentum"])
    optimizer: str = option("sgd", "--optimizer", choices=("sgd", "adam"), help=HELP["optimizer"])
    seed: int = option(0, "--seed", help=HELP["seed"])
    device: str = option("auto", "--device", choices=("auto", "cpu", "cuda"), help=HELP["device"])
    name: str | None = option(None, "--name", kind=str, help=HELP["name"])
    pretrained: bool = option(False, "--pretrained", flag=True, help=HELP["pretrained"])
    fc_hidden: int | None = option(None, "--fc-hidden", kind=int, low=1, help=HELP["fc_hidden"])
    widths: tuple[int, ...] | None = option(
        None, "--widths", parse=parse_widths, metavar="N,N,N,N", help=HELP["widths"]
    )
    unpool: str | None = option(
        None, "--unpool", choices=("indices", "nearest"), help=HELP["unpool"]
    )
    code_norm: bool = option(False, "--code-norm", flag=True, help=HELP["code_norm"])
    style_weight: float = option(0.0, "--style-weight", low=0, high=100, help=HELP["style_weight"])

    def __post_init__(self) -> None:
        arch = get_arch(self.arch)
        if self.style_weight and arch.is_classifier:
            raise DeepvizError("--style-weight is for the autoencoders")
        if self.optimizer not in ("sgd", "adam"):
            raise DeepvizError(f"unknown optimizer {self.optimizer!r} (sgd or adam)")
        if self.pretrained and not arch.is_classifier:
            raise DeepvizError("--pretrained is for the classifiers (alexnet, vgg11, vgg13, vgg16)")
        for key in ("fc_hidden", "widths", "unpool", "code_norm"):  # the CLI's model overrides
            value = getattr(self, key) or None  # code_norm: only when given
            if value is not None:
                if key != "fc_hidden" and arch.is_classifier:
                    raise DeepvizError(f"--{key} is for the autoencoders")
                self.model = {**self.model, key: value}
        self.epochs = self.epochs or arch.epochs
        self.lr = self.lr or arch.lr

    def settings(self) -> dict:
        """What identifies the run (for --resume): all but epochs, device, name and the CLI's
        model overrides (already in `model`)."""
        skip = ("epochs", "device", "name", "fc_hidden", "widths", "unpool", "code_norm")
        return {k: getattr(self, k) for k in self.__dataclass_fields__ if k not in skip}


@dataclass
class CorpusOptions:
    """What to train on: FMA, or a corpus deepviz synthesizes."""

    fma_audio: str | None = option(
        None, "--fma-audio", kind=str, metavar="DIR", help=HELP["fma_audio"]
    )
    fma_metadata: str | None = option(
        None, "--fma-metadata", kind=str, metavar="DIR", help=HELP["fma_metadata"]
    )
    subset: str | None = option(
        None, "--subset", choices=("small", "medium", "large"), help=HELP["subset"]
    )
    fma_split: bool = option(False, "--fma-split", flag=True, help=HELP["fma_split"])
    cache: str | None = option(None, "--cache", kind=str, metavar="DIR", help=HELP["cache"])
    max_tracks: int | None = option(None, "--max-tracks", kind=int, low=3, help=HELP["max_tracks"])
    jobs: int = option(os.cpu_count() or 1, "--jobs", low=1, help=HELP["jobs"])
    synth: int | None = option(None, "--synth", kind=int, low=3, metavar="N", help=HELP["synth"])
    synth_duration: float = option(
        30.0, "--synth-duration", low=1, high=600, help=HELP["synth_duration"]
    )


@dataclass
class TrainJob:
    """Where a training run writes, and whether it continues an earlier one."""

    output: str | None = option(
        None, "-o", "--output", kind=str, metavar="FILE.dvz", help=HELP["output"]
    )
    recipe: str | None = option(None, "--recipe", choices=("default",), help=HELP["recipe"])
    resume: str | None = option(None, "--resume", kind=str, metavar="FILE.dvz", help=HELP["resume"])
    keep_state: bool = option(False, "--keep-state", flag=True, help=HELP["keep_state"])
    log: str | None = option(None, "--log", kind=str, metavar="FILE.json", help=HELP["log"])
