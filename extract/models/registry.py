"""The one table of feature networks, torchvision-style: `list_models()`, `get_model(name, **config)`.

Torch-free until a model is built: the command line reads names, paper names and defaults from here
without importing torch. Each architecture's builder module is imported on first use.
"""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from deepviz.errors import DeepvizError

if TYPE_CHECKING:
    from torch import nn


@dataclass(frozen=True)
class Architecture:
    """What deepviz knows of one architecture: names, the paper's training defaults, its input
    scaling, its feature layer, and where its config and builder live."""

    name: str  # the CLI's name: ae, vgg16, …
    paper_name: str  # NET-AE, NET-VGG16, …
    family: str  # "autoencoder" (MSE, 10-d code) or "classifier" (cross-entropy, named layers)
    lr: float  # the paper's learning rate (SGD, momentum 0.95, batch 64)
    epochs: int  # and epochs
    default_layer: str | None  # the paper's feature layer (None: the autoencoders' code)
    module: str  # deepviz.extract.models.<module> holds `config` and `builder`
    config: str  # its config dataclass
    builder: str  # its nn.Module class, built from the config
    torchvision: tuple[str, str, int] | None = None  # builder, ImageNet weights enum, conv layers

    @property
    def input_scaling(self) -> str:
        """Autoencoders see min-max scaled patches (sigmoid output), classifiers standard ones."""
        return "minmax" if self.family == "autoencoder" else "standard"

    @property
    def is_classifier(self) -> bool:
        return self.family == "classifier"


def _ae(name: str, paper: str, lr: float, epochs: int) -> Architecture:
    return Architecture(
        name, paper, "autoencoder", lr, epochs, None, "autoencoder", "AEConfig", "ConvAutoencoder"
    )


def _classifier(name: str, builder: str, weights: str, n_conv: int, layer: str) -> Architecture:
    return Architecture(
        name, f"NET-{name.upper().replace('ALEXNET', 'ALEX')}", "classifier", 1e-5, 25, layer,
        "classifiers", "ClassifierConfig", "GenreClassifier", (builder, weights, n_conv),
    )  # fmt: skip


ARCHITECTURES: dict[str, Architecture] = {
    a.name: a
    for a in (
        _ae("ae", "NET-AE", 2.5e-4, 40),
        _ae("ae-shared", "NET-AE-SHARED", 2.5e-4, 40),
        _ae("ae-skip", "NET-AE-SKIP", 5e-3, 20),
        _classifier("alexnet", "alexnet", "AlexNet_Weights", 5, "L6"),
        _classifier("vgg11", "vgg11_bn", "VGG11_BN_Weights", 8, "L8"),
        _classifier("vgg13", "vgg13_bn", "VGG13_BN_Weights", 10, "L10"),
        _classifier("vgg16", "vgg16_bn", "VGG16_BN_Weights", 13, "L15"),
    )
}


INPUT_SHAPE = (64, 96)  # MFCCs × frames of one patch: fixed by the preprocessing
MAX_PARAMETERS = 300_000_000  # a network deepviz will build (VGG16 at the paper's widths: 138 M)


def whole(name: str, value: Any, low: int, high: int) -> int:
    """`value` as an int in [low, high]: a whole number (not a bool, not 2.5), else ValueError."""
    bad_type = isinstance(value, bool) or not isinstance(value, (int, float))
    if bad_type or not math.isfinite(value) or value != int(value):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be in {low}..{high}, got {value!r}")
    return int(value)


def check_input_shape(shape: Any) -> tuple[int, int]:
    if not isinstance(shape, (list, tuple)) or len(shape) != 2:
        raise ValueError(f"input_shape must be [64, 96], got {shape!r}")
    shape = tuple(whole("input_shape", s, 1, 4096) for s in shape)
    if shape != INPUT_SHAPE:
        raise ValueError(
            f"input_shape must be {list(INPUT_SHAPE)} (64 MFCCs × 96 frames), got {shape}"
        )
    return shape


def list_models(family: str | None = None) -> tuple[str, ...]:
    """Architecture names (of one family, if given), in the paper's order."""
    return tuple(n for n, a in ARCHITECTURES.items() if family in (None, a.family))


def get_arch(name: str, path: str | None = None) -> Architecture:
    if name not in ARCHITECTURES:
        raise DeepvizError(
            f"unknown architecture {name!r} (one of {', '.join(ARCHITECTURES)})", path
        )
    return ARCHITECTURES[name]


def model_config(name: str, config: dict[str, Any], path: str | None = None) -> Any:
    """The architecture's config dataclass (AEConfig / ClassifierConfig) from a config dict."""
    arch = get_arch(name, path)
    cls = getattr(importlib.import_module(f"deepviz.extract.models.{arch.module}"), arch.config)
    key = "variant" if arch.family == "autoencoder" else "arch"
    try:
        return cls(**{**config, key: name})
    except (TypeError, ValueError) as exc:
        raise DeepvizError(f"bad model config for {name}: {exc}", path) from None


def build_model(name: str, config: dict[str, Any], path: str | None = None) -> nn.Module:
    """An untrained network of architecture `name` from its config dict."""
    cfg = model_config(name, config, path)
    arch = ARCHITECTURES[name]
    return getattr(importlib.import_module(f"deepviz.extract.models.{arch.module}"), arch.builder)(
        cfg
    )


def get_model(name: str, **config: Any) -> nn.Module:
    """torchvision's spelling: `get_model("vgg16", n_genres=8)`."""
    return build_model(name, config)


def feature_layers(
    name: str, config: dict[str, Any], path: str | None = None
) -> tuple[dict[str, int], str | None]:
    """(layer → dimension, default layer) of an architecture; autoencoders have one, "code"."""
    cfg = model_config(name, config, path)
    if not ARCHITECTURES[name].is_classifier:
        return {"code": cfg.code_size}, None
    from deepviz.extract.models.classifiers import classifier_layers

    return classifier_layers(cfg), cfg.default_layer
