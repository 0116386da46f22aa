"""NET-ALEX, NET-VGG11, NET-VGG13, NET-VGG16: torchvision's classifiers adapted to MFCC patches.

Each wraps torchvision's own network (VGG with batch norm) with the paper's changes: a 1-channel
first conv, no average pool (the head sees the trunk's natural 256×6×4 = 6144 or 512×2×3 = 3072
values), and a new head FC → ReLU → Dropout → FC → ReLU → Dropout → FC(n_genres). Features are the
activations of named layers, taken with forward hooks in eval mode:

    L<n>    the last max-pool of `features`, flattened (n = the number of conv layers)
    L<n+1>  ReLU after the first FC layer
    L<n+2>  ReLU after the second FC layer

so NET-ALEX L6, NET-VGG11 L8, NET-VGG13 L10 and NET-VGG16 L13/L14/L15 carry the paper's names.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlparse

import torch
from torch import nn

from deepviz.core.errors import DeepvizError
from deepviz.extract.models.registry import (
    Architecture,
    check_input_shape,
    register_model,
    whole,
)


def _classifier(name: str, builder: str, weights: str, n_conv: int, layer: str) -> Architecture:
    paper = f"NET-{name.upper().replace('ALEXNET', 'ALEX')}"
    return Architecture(name, paper, "classifier", 1e-5, 25, layer, (builder, weights, n_conv))


# name, torchvision's builder, its ImageNet weights, conv layers, the paper's feature layer
CLASSIFIERS = {
    a.name: a
    for a in (
        _classifier("alexnet", "alexnet", "AlexNet_Weights", 5, "L6"),
        _classifier("vgg11", "vgg11_bn", "VGG11_BN_Weights", 8, "L8"),
        _classifier("vgg13", "vgg13_bn", "VGG13_BN_Weights", 10, "L10"),
        _classifier("vgg16", "vgg16_bn", "VGG16_BN_Weights", 13, "L15"),
    )
}
CLASSIFIER_ARCHS = tuple(CLASSIFIERS)


def _torchvision_models():
    """torchvision's models: loaded when a classifier is built, not when the default network,
    an autoencoder, registers beside the classifiers."""
    import torchvision.models  # lazy: torchvision takes a second and 150 MiB to load

    return torchvision.models


def _torchvision_builder(arch: str):
    """torchvision's constructor for `arch` (vgg16 → torchvision.models.vgg16_bn)."""
    return getattr(_torchvision_models(), CLASSIFIERS[arch].torchvision[0])


@dataclass
class ClassifierConfig:
    arch: str = "vgg16"  # alexnet | vgg11 | vgg13 | vgg16
    n_genres: int = 8
    fc_hidden: int = 4096  # width of the two hidden FC layers (the paper's 4096; tests: narrower)
    dropout: float = 0.5
    input_shape: tuple[int, int] = (64, 96)

    def __post_init__(self) -> None:
        if self.arch not in CLASSIFIER_ARCHS:
            raise ValueError(f"unknown classifier {self.arch!r}; one of {CLASSIFIER_ARCHS}")
        self.input_shape = check_input_shape(self.input_shape)
        self.n_genres = whole("n_genres (a classifier needs at least 2)", self.n_genres, 2, 10000)
        self.fc_hidden = whole("fc_hidden", self.fc_hidden, 1, 65536)
        if (
            isinstance(self.dropout, bool)
            or not isinstance(self.dropout, (int, float))
            or not (0 <= self.dropout < 1)
        ):
            raise ValueError(f"dropout must be a number in [0, 1), got {self.dropout!r}")

    @property
    def n_conv(self) -> int:
        return CLASSIFIERS[self.arch].torchvision[2]

    @property
    def default_layer(self) -> str:
        return CLASSIFIERS[self.arch].default_layer

    def to_dict(self) -> dict:
        return asdict(self)


def first_conv(arch: str) -> nn.Conv2d:
    """The paper's 1-channel replacement of the first conv layer."""
    if arch == "alexnet":
        return nn.Conv2d(1, 64, kernel_size=11, stride=(1, 2), padding=2)
    return nn.Conv2d(1, 64, kernel_size=3, padding=1)


def head(fc_dim: int, fc_hidden: int, n_genres: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(fc_dim, fc_hidden),
        nn.ReLU(inplace=True),
        nn.Dropout(p=dropout),
        nn.Linear(fc_hidden, fc_hidden),
        nn.ReLU(inplace=True),
        nn.Dropout(p=dropout),
        nn.Linear(fc_hidden, n_genres),
    )


@register_model(*CLASSIFIERS.values(), config=ClassifierConfig, name_field="arch")
class GenreClassifier(nn.Module):
    """A torchvision AlexNet / VGG-BN (`self.net`) adapted to 1×64×96 MFCC patches."""

    def __init__(self, config: ClassifierConfig | None = None):
        super().__init__()
        self.config = cfg = config or ClassifierConfig()
        builder = _torchvision_builder(cfg.arch)
        # Built on the meta device first: torchvision's ImageNet head is never allocated.
        with torch.device("meta"):
            net = builder(weights=None)
            net.features[0] = first_conv(cfg.arch)
            net.avgpool = nn.Identity()
            self.trunk_shape = tuple(net.features(torch.empty(1, 1, *cfg.input_shape)).shape[1:])
            net.classifier = head(self.fc_dim, cfg.fc_hidden, cfg.n_genres, cfg.dropout)
        # on the default device: "meta" when only the shapes are wanted (checkpoint.py)
        self.net = net.to_empty(device=torch.get_default_device())
        self.reset_parameters()

    @property
    def fc_dim(self) -> int:
        c, h, w = self.trunk_shape
        return c * h * w

    def reset_parameters(self) -> None:
        """torchvision's initialisation for the trunk; N(0, 0.01) for the head (as in its VGG)."""
        for m in self.net.modules():
            if hasattr(m, "reset_parameters"):
                m.reset_parameters()  # AlexNet's scheme (PyTorch's defaults); BN statistics too
        convs = self.net.modules() if self.config.arch != "alexnet" else [self.net.features[0]]
        for m in convs:
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                nn.init.zeros_(m.bias)
        for m in self.net.classifier:
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Genre logits of (N, 1, 64, 96) patches."""
        return self.net(x)

    @staticmethod
    def feature_layers(config: ClassifierConfig) -> tuple[dict[str, int], str | None]:
        """(layer → dimension, default layer) of a config, no weights allocated (the registry's)."""
        return classifier_layers(config), config.default_layer

    @property
    def layers(self) -> dict[str, int]:
        """Feature layers by the paper's names → their dimension."""
        return classifier_layers(self.config, self.fc_dim)

    @property
    def default_layer(self) -> str:
        return self.config.default_layer

    def layer_module(self, layer: str) -> nn.Module:
        n = self.config.n_conv
        modules = {
            f"L{n}": self.net.features[-1],
            f"L{n + 1}": self.net.classifier[1],
            f"L{n + 2}": self.net.classifier[4],
        }
        if layer not in modules:
            raise DeepvizError(
                f"{self.config.arch} has no feature layer {layer!r}; "
                f"its layers: {', '.join(modules)} (default {self.default_layer})"
            )
        return modules[layer]

    def features(self, x: torch.Tensor, layer: str | None = None) -> torch.Tensor:
        """(N, d) activations of `layer` (default: the paper's for this arch), in eval mode."""
        module = self.layer_module(layer or self.default_layer)
        taken: list[torch.Tensor] = []
        handle = module.register_forward_hook(lambda m, i, o: taken.append(o.flatten(1).clone()))
        was_training = self.training
        try:
            self.eval()
            self.net(x)
        finally:
            handle.remove()
            self.train(was_training)
        return taken[0]


def classifier_layers(config: ClassifierConfig, fc_dim: int | None = None) -> dict[str, int]:
    """The feature layers of a classifier config and their sizes (no weights are allocated)."""
    if fc_dim is None:
        fc_dim = trunk_size(config)
    n = config.n_conv
    return {f"L{n}": fc_dim, f"L{n + 1}": config.fc_hidden, f"L{n + 2}": config.fc_hidden}


def trunk_size(config: ClassifierConfig) -> int:
    """Flattened size of the conv trunk's output for the config's input (on the meta device)."""
    with torch.device("meta"):
        net = _torchvision_builder(config.arch)(weights=None)
        net.features[0] = first_conv(config.arch)
        return net.features(torch.empty(1, 1, *config.input_shape)).numel()


def pretrained_file(arch: str) -> tuple[Path, str]:
    """Where torch hub caches torchvision's ImageNet weights for `arch`, and their URL."""
    weights = getattr(_torchvision_models(), CLASSIFIERS[arch].torchvision[1]).IMAGENET1K_V1
    name = os.path.basename(urlparse(weights.url).path)
    return Path(torch.hub.get_dir()) / "checkpoints" / name, weights.url


def load_pretrained(model: GenreClassifier) -> list[str]:
    """Initialise the trunk (all but the new first conv) from the locally cached ImageNet weights.

    Nothing is downloaded: a missing file stops with a DeepvizError naming the file and the place.
    Returns the names of the tensors loaded.
    """
    path, url = pretrained_file(model.config.arch)
    if not path.is_file():
        raise DeepvizError(
            f"--pretrained needs torchvision's ImageNet weights {path.name} in the torch hub cache "
            f"(deepviz never downloads): put the file from {url} at {path}",
            path,
        )
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise DeepvizError(f"cannot read pretrained weights ({type(exc).__name__})", path) from None
    own = model.net.state_dict()
    keep = {
        k: v
        for k, v in state.items()
        if k.startswith("features.") and not k.startswith("features.0.") and k in own
    }
    bad = [k for k, v in keep.items() if v.shape != own[k].shape]
    expected = [k for k in own if k.startswith("features.") and not k.startswith("features.0.")]
    missing = [k for k in expected if k not in keep and not k.endswith("num_batches_tracked")]
    if bad or missing or not keep:
        raise DeepvizError(
            f"pretrained weights do not fit {model.config.arch} "
            f"({len(bad)} of other shape, {len(missing)} missing)",
            path,
        )
    model.net.load_state_dict(keep, strict=False)
    return sorted(keep)


def build_classifier(arch: str = "vgg16", **overrides) -> GenreClassifier:
    return GenreClassifier(ClassifierConfig(arch=arch, **overrides))
