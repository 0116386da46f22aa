"""The table of feature networks, torchvision-style: `list_models()`, `get_model(name, **config)`.

The registry knows no model: each network module registers its architectures with
`@register_model(...)` on its `nn.Module`, as torchvision's `_api.py` does; importing
`deepviz.extract.models` imports them all. This module itself imports no torch.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from deepviz.core.errors import DeepvizError

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
    torchvision: tuple[str, str, int] | None = None  # builder, ImageNet weights enum, conv layers

    @property
    def input_scaling(self) -> str:
        """Autoencoders see min-max scaled patches (sigmoid output), classifiers standard ones."""
        return "minmax" if self.family == "autoencoder" else "standard"

    @property
    def is_classifier(self) -> bool:
        return self.family == "classifier"


@dataclass(frozen=True)
class Registration:
    """How the networks of registered architectures are built: the config dataclass (its field
    `name_field` holds the architecture's name) and the `nn.Module` class built from it."""

    config: type
    builder: type
    name_field: str


ARCHITECTURES: dict[str, Architecture] = {}  # filled by register_model, in import order
_BUILDERS: dict[str, Registration] = {}


def register_model(*archs: Architecture, config: type, name_field: str) -> Callable[[type], type]:
    """Class decorator: the `nn.Module` builds these architectures from a `config` instance; it
    may define `feature_layers(config) -> (layer → dimension, default layer)`."""

    def register(builder: type) -> type:
        for arch in archs:
            if arch.name in ARCHITECTURES:
                raise ValueError(f"architecture {arch.name!r} is registered twice")
            ARCHITECTURES[arch.name] = arch
            _BUILDERS[arch.name] = Registration(config, builder, name_field)
        return builder

    return register


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
    get_arch(name, path)
    reg = _BUILDERS[name]
    try:
        return reg.config(**{**config, reg.name_field: name})
    except (TypeError, ValueError) as exc:
        raise DeepvizError(f"bad model config for {name}: {exc}", path) from None


def build_model(name: str, config: dict[str, Any], path: str | None = None) -> nn.Module:
    """An untrained network of architecture `name` from its config dict."""
    config = model_config(name, config, path)  # an unknown name: one error here
    return _BUILDERS[name].builder(config)


def get_model(name: str, **config: Any) -> nn.Module:
    """torchvision's spelling: `get_model("vgg16", n_genres=8)`."""
    return build_model(name, config)


def feature_layers(
    name: str, config: dict[str, Any], path: str | None = None
) -> tuple[dict[str, int], str | None]:
    """(layer → dimension, default layer) of an architecture, from its builder's own account."""
    cfg = model_config(name, config, path)
    return _BUILDERS[name].builder.feature_layers(cfg)
