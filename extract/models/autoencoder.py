"""NET-AE, NET-AE-SHARED and NET-AE-SKIP: conv autoencoders whose 10-d middle layer is the feature.

Encoder block: conv3x3 → ReLU → conv3x3 → ReLU → 2×2 max-pool (indices kept); four blocks of
32, 64, 128, 256 filters turn 1×64×96 into 256×4×6, then FC → ReLU → FC → sigmoid gives the code.
The decoder mirrors it with max-unpooling and transposed convs. SHARED reuses the encoder's own
tensors transposed (`F.linear(x, W.T)`, `F.conv_transpose2d(x, conv.weight)`) with biases of its own;
SKIP adds each encoder conv's output (post-ReLU, pre-pool) into the matching decoder stage.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from deepviz.extract.models.registry import (
    Architecture,
    check_input_shape,
    register_model,
    whole,
)

# name, the paper's name, family, the paper's learning rate and epochs, feature layer (the code)
AUTOENCODERS = (
    Architecture("ae", "NET-AE", "autoencoder", 2.5e-4, 40, None),
    Architecture("ae-shared", "NET-AE-SHARED", "autoencoder", 2.5e-4, 40, None),
    Architecture("ae-skip", "NET-AE-SKIP", "autoencoder", 5e-3, 20, None),
)
AE_VARIANTS = tuple(a.name for a in AUTOENCODERS)


@dataclass
class AEConfig:
    variant: str = "ae"  # ae | ae-shared | ae-skip
    widths: tuple[int, ...] = (32, 64, 128, 256)
    fc_hidden: int = 3072
    code_size: int = 10
    input_shape: tuple[int, int] = (64, 96)
    tied: bool | None = None  # None: tied for ae-shared and ae-skip (the authors' choice), else not
    # "indices": max-unpool with the encoder's pooling indices (the paper's). "nearest": plain
    # upsampling, so the decoder cannot rebuild the patch from the pooling positions alone and the
    # 10-d code has to carry the information (with indices we saw the code collapse to a constant).
    unpool: str = "indices"
    # A training aid: > 0 adds a linear head from the code to the training corpus's style labels,
    # so that the code also tells styles apart (`deepviz train --style-weight`); features never
    # use it.
    style_classes: int = 0
    # Batch normalisation before the code's sigmoid: the sigmoid can then not saturate, so the code
    # never collapses to a constant early in training (seen with the narrow default model).
    code_norm: bool = False

    def __post_init__(self) -> None:
        if self.variant not in AE_VARIANTS:
            raise ValueError(f"unknown autoencoder variant {self.variant!r}; one of {AE_VARIANTS}")
        if not isinstance(self.widths, (list, tuple)) or not 1 <= len(self.widths) <= 5:
            raise ValueError(f"widths must be a list of 1 to 5 block widths, got {self.widths!r}")
        self.widths = tuple(whole("widths", w, 1, 1024) for w in self.widths)
        self.fc_hidden = whole("fc_hidden", self.fc_hidden, 1, 65536)
        self.code_size = whole("code_size", self.code_size, 1, 1024)
        self.style_classes = whole("style_classes", self.style_classes, 0, 1000)
        if not isinstance(self.code_norm, bool):
            raise ValueError(f"code_norm must be true or false, got {self.code_norm!r}")
        self.input_shape = check_input_shape(self.input_shape)
        if self.tied is not None and not isinstance(self.tied, bool):
            raise ValueError(f"tied must be true, false or null, got {self.tied!r}")
        if self.tied is None:
            self.tied = self.variant != "ae"
        if self.unpool not in ("indices", "nearest"):
            raise ValueError(f"unpool must be 'indices' or 'nearest', got {self.unpool!r}")
        scale = 2 ** len(self.widths)
        if self.input_shape[0] % scale or self.input_shape[1] % scale:
            raise ValueError(f"input {self.input_shape} is not divisible by {scale}")

    @property
    def skip(self) -> bool:
        return self.variant == "ae-skip"

    @property
    def bottom_shape(self) -> tuple[int, int, int]:
        scale = 2 ** len(self.widths)
        return (self.widths[-1], self.input_shape[0] // scale, self.input_shape[1] // scale)

    def to_dict(self) -> dict:
        return asdict(self)


class EncoderBlock(nn.Module):
    def __init__(self, c_in: int, c_out: int):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1)
        self.pool = nn.MaxPool2d(2, return_indices=True)

    def forward(self, x: torch.Tensor):
        a1 = F.relu(self.conv1(x))
        a2 = F.relu(self.conv2(a1))
        pooled, indices = self.pool(a2)
        return pooled, indices, (a1, a2)


class DecoderBlock(nn.Module):
    """Unpool, then two transposed convs mirroring an EncoderBlock; tied blocks borrow its weights."""

    def __init__(self, enc: EncoderBlock, tied: bool):
        super().__init__()
        c_out, c_in = enc.conv1.out_channels, enc.conv1.in_channels
        self.unpool = nn.MaxUnpool2d(2)
        if tied:
            object.__setattr__(self, "_enc", enc)  # a reference, not a registered submodule
            self.bias2 = nn.Parameter(torch.zeros(c_out))
            self.bias1 = nn.Parameter(torch.zeros(c_in))
        else:
            self._enc = None
            self.deconv2 = nn.ConvTranspose2d(c_out, c_out, 3, padding=1)
            self.deconv1 = nn.ConvTranspose2d(c_out, c_in, 3, padding=1)

    def forward(self, x, indices, size, skips=None, last: bool = False):
        if indices is None:
            x = F.interpolate(x, size=tuple(size), mode="nearest")
        else:
            x = self.unpool(x, indices, output_size=size)
        if skips is not None:
            x = x + skips[1]
        if self._enc is not None:
            x = F.relu(F.conv_transpose2d(x, self._enc.conv2.weight, self.bias2, padding=1))
        else:
            x = F.relu(self.deconv2(x))
        if skips is not None:
            x = x + skips[0]
        if self._enc is not None:
            x = F.conv_transpose2d(x, self._enc.conv1.weight, self.bias1, padding=1)
        else:
            x = self.deconv1(x)
        return torch.sigmoid(x) if last else F.relu(x)


@register_model(*AUTOENCODERS, config=AEConfig, name_field="variant")
class ConvAutoencoder(nn.Module):
    def __init__(self, config: AEConfig | None = None):
        super().__init__()
        self.config = cfg = config or AEConfig()
        chans = (1, *cfg.widths)
        self.encoder = nn.ModuleList(EncoderBlock(a, b) for a, b in zip(chans[:-1], chans[1:]))
        flat = math.prod(cfg.bottom_shape)
        self.fc1 = nn.Linear(flat, cfg.fc_hidden)
        self.fc2 = nn.Linear(cfg.fc_hidden, cfg.code_size)
        self.code_bn = nn.BatchNorm1d(cfg.code_size) if cfg.code_norm else None
        if cfg.tied:
            self.dec_fc1_bias = nn.Parameter(torch.zeros(cfg.fc_hidden))
            self.dec_fc2_bias = nn.Parameter(torch.zeros(flat))
        else:
            self.dec_fc1 = nn.Linear(cfg.code_size, cfg.fc_hidden)
            self.dec_fc2 = nn.Linear(cfg.fc_hidden, flat)
        self.decoder = nn.ModuleList(DecoderBlock(enc, cfg.tied) for enc in reversed(self.encoder))
        self._init_weights()
        # Made last, starting at zero: the network starts exactly as it would without the head.
        self.style_head = nn.Linear(cfg.code_size, cfg.style_classes) if cfg.style_classes else None
        if self.style_head is not None and not self.style_head.weight.is_meta:
            nn.init.zeros_(self.style_head.weight)
            nn.init.zeros_(self.style_head.bias)

    @staticmethod
    def feature_layers(config: AEConfig) -> tuple[dict[str, int], str | None]:
        """An autoencoder has one feature layer, its code (the registry's)."""
        return {"code": config.code_size}, None

    def _init_weights(self) -> None:
        """He (Kaiming) init for the ReLU stack, as torchvision's VGG does.

        PyTorch's default init shrinks the signal through the eight convs: differences between
        patches reach the bottleneck at ~1e-5, the code starts (and with unpooling indices stays)
        constant. With He init they arrive at ~0.1.
        """
        if self.fc1.weight.is_meta:  # a shape check (checkpoint.py): nothing to fill, and
            return  # filling meta tensors would import torch._dynamo (1.6 s)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                nn.init.zeros_(m.bias)

    def _encode(self, x: torch.Tensor):
        pools = []
        for block in self.encoder:
            size = x.shape[-2:]
            x, indices, acts = block(x)
            pools.append((indices, size, acts))
        pre = self.fc2(F.relu(self.fc1(x.flatten(1))))
        code = torch.sigmoid(pre if self.code_bn is None else self.code_bn(pre))
        return code, pools

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The 10-d feature of each (N, 1, 64, 96) patch."""
        return self._encode(x)[0]

    def decode(self, code: torch.Tensor, pools) -> torch.Tensor:
        if self.config.tied:
            h = F.relu(F.linear(code, self.fc2.weight.t(), self.dec_fc1_bias))
            h = F.relu(F.linear(h, self.fc1.weight.t(), self.dec_fc2_bias))
        else:
            h = F.relu(self.dec_fc2(F.relu(self.dec_fc1(code))))
        x = h.view(-1, *self.config.bottom_shape)
        for i, (block, (indices, size, acts)) in enumerate(zip(self.decoder, reversed(pools))):
            skips = acts if self.config.skip else None
            indices = indices if self.config.unpool == "indices" else None
            x = block(x, indices, size, skips, last=i == len(self.decoder) - 1)
        return x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        code, pools = self._encode(x)
        return self.decode(code, pools)

    def reconstruct_and_style(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(reconstruction, style logits from the code): the training step of --style-weight."""
        code, pools = self._encode(x)
        return self.decode(code, pools), self.style_head(code)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.encode(x)


def build_autoencoder(variant: str = "ae", **overrides) -> ConvAutoencoder:
    return ConvAutoencoder(AEConfig(variant=variant, **overrides))
