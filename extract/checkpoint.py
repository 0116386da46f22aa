"""`.dvz` checkpoints: one safetensors file holding the weights, the input scaler and a JSON config.

Loading never unpickles: the file is parsed by safetensors, the config by json.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import save_file
from torch import nn

from deepviz.core.errors import DeepvizError, first_line
from deepviz.core.files import atomic_path
from deepviz.extract import features as F
from deepviz.extract.identity import (  # noqa: F401 — where callers have always found them
    DEFAULT_NAME,
    default_checkpoint_path,
    resolve_checkpoint,
)
from deepviz.extract.models.registry import (
    ARCHITECTURES,
    INPUT_SHAPE,
    MAX_PARAMETERS,
    build_model,
    feature_layers,
)

FORMAT = "deepviz-checkpoint"
FORMAT_VERSION = 1


def preprocessing_config() -> dict:
    return {
        "sample_rate": F.SAMPLE_RATE,
        "n_mfcc": F.N_MFCC,
        "n_fft": F.N_FFT,
        "hop_length": F.HOP,
        "segment_frames": F.SEGMENT_FRAMES,
    }


@dataclass
class InputScaler:
    """Element-wise scaling of a 64×96 patch: (x − a) / b, clipped to [0, 1] for minmax."""

    kind: str  # "minmax" | "standard"
    offset: np.ndarray  # min or mean, (64, 96)
    scale: np.ndarray  # max − min or std, (64, 96)

    @classmethod
    def fit(cls, patches: np.ndarray, kind: str = "minmax") -> InputScaler:
        x = np.asarray(patches, dtype=np.float64)
        if kind == "minmax":
            offset, scale = x.min(axis=0), x.max(axis=0) - x.min(axis=0)
        elif kind == "standard":
            offset, scale = x.mean(axis=0), x.std(axis=0)
        else:
            raise ValueError(f"unknown input scaling {kind!r}")
        scale = np.where(scale > 1e-8, scale, 1.0)
        return cls(kind, offset.astype(np.float32), scale.astype(np.float32))

    @classmethod
    def fit_rows(cls, patches, rows: np.ndarray, kind: str = "minmax", chunk: int = 2048):
        """`fit(patches[rows])` read `chunk` rows at a time (memory-mapped stores); minmax exact."""
        rows = np.asarray(rows)
        if len(rows) == 0:
            raise DeepvizError("no training patches to fit the input scaler on")
        if kind not in ("minmax", "standard"):
            raise ValueError(f"unknown input scaling {kind!r}")
        lo = hi = mean = m2 = None
        n = 0
        for i in range(0, len(rows), chunk):
            x = np.asarray(patches[rows[i : i + chunk]], dtype=np.float64)
            if kind == "minmax":
                cmin, cmax = x.min(axis=0), x.max(axis=0)
                lo = cmin if lo is None else np.minimum(lo, cmin)
                hi = cmax if hi is None else np.maximum(hi, cmax)
                continue
            k, cmean = len(x), x.mean(axis=0)  # Chan et al.: merge per-chunk mean and M2
            cm2 = ((x - cmean) ** 2).sum(axis=0)
            if mean is None:
                mean, m2 = cmean, cm2
            else:
                delta = cmean - mean
                mean = mean + delta * k / (n + k)
                m2 = m2 + cm2 + delta**2 * n * k / (n + k)
            n += k
        offset, scale = (lo, hi - lo) if kind == "minmax" else (mean, np.sqrt(m2 / n))
        scale = np.where(scale > 1e-8, scale, 1.0)
        return cls(kind, offset.astype(np.float32), scale.astype(np.float32))

    def transform(self, patches: torch.Tensor) -> torch.Tensor:
        off = torch.as_tensor(self.offset, device=patches.device)
        sc = torch.as_tensor(self.scale, device=patches.device)
        x = (patches - off) / sc
        return x.clamp_(0.0, 1.0) if self.kind == "minmax" else x


@dataclass
class Checkpoint:
    arch: str  # a name in the model registry: "ae", "ae-shared", …, "vgg16"
    model_config: dict
    scaler: InputScaler
    state_dict: dict[str, torch.Tensor]
    meta: dict = field(default_factory=dict)  # name, genres, training summary, default layer, …

    @property
    def name(self) -> str:
        return self.meta.get("name", self.arch)

    @property
    def layers(self) -> dict[str, int]:
        """Feature layers → dimension (from the meta, else derived from the architecture)."""
        if "layers" in self.meta:
            return {str(k): int(v) for k, v in self.meta["layers"].items()}
        return feature_layers(self.arch, self.model_config, self.meta.get("path"))[0]

    @property
    def default_layer(self) -> str | None:
        """The layer `model.features(x)` gives when none is named (None: the model has one)."""
        if "default_layer" in self.meta:
            return self.meta["default_layer"]
        return feature_layers(self.arch, self.model_config, self.meta.get("path"))[1]

    @property
    def n_parameters(self) -> int:
        """Trainable parameters stored (batch-norm statistics not counted)."""
        return sum(v.numel() for k, v in self.state_dict.items() if not k.endswith(_BUFFERS))

    def check_layer(self, layer: str | None) -> str | None:
        """`layer` if the model has it (None → the default), else a DeepvizError listing them."""
        if layer is None:
            return self.default_layer
        if self.default_layer is None and layer in self.layers:
            return None  # a single-output model (the autoencoders' code): nothing to choose
        if layer not in self.layers:
            raise DeepvizError(
                f"{self.name} ({self.arch}) has no feature layer {layer!r}; "
                f"its layers: {', '.join(self.layers)}",
                self.meta.get("path"),
            )
        return layer

    def check_shapes(self) -> None:
        """The config's network, built on the meta device (nothing allocated), must have exactly
        the file's tensors: a config asking for more than the file holds never allocates it."""
        path = self.meta.get("path")
        with torch.device("meta"):
            skeleton = build_model(self.arch, self.model_config, path)
        want = {k: tuple(v.shape) for k, v in skeleton.state_dict().items()}
        size = sum(int(np.prod(s)) for s in want.values())
        if size > MAX_PARAMETERS:
            raise DeepvizError(
                f"the config asks for {size:,} parameters (at most {MAX_PARAMETERS:,})", path
            )
        have = {k: tuple(v.shape) for k, v in self.state_dict.items()}
        missing, unexpected = want.keys() - have.keys(), have.keys() - want.keys()
        if missing or unexpected:
            raise DeepvizError(
                f"weights do not fit architecture {self.arch} "
                f"(missing {len(missing)}, unexpected {len(unexpected)} tensors)",
                path,
            )
        other = [k for k in want if want[k] != have[k]]
        if other:
            raise DeepvizError(
                f"weights do not fit architecture {self.arch} ({len(other)} tensors of another "
                "shape)",
                path,
            )

    def build_model(self) -> nn.Module:
        self.check_shapes()
        model = build_model(self.arch, self.model_config, self.meta.get("path"))
        model.load_state_dict(self.state_dict, strict=True)
        return model.eval()

    def config_json(self) -> dict:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "arch": self.arch,
            "model": self.model_config,
            "preprocessing": preprocessing_config(),
            "input_scaling": self.scaler.kind,
            "meta": {k: v for k, v in self.meta.items() if k != "path"},
        }


_BUFFERS = ("running_mean", "running_var", "num_batches_tracked")


def save_checkpoint(ckpt: Checkpoint, path: str | os.PathLike) -> None:
    """Write atomically: a temporary file beside the target, renamed at the end."""

    tensors = {f"model.{k}": v.detach().cpu().contiguous() for k, v in ckpt.state_dict.items()}
    tensors["scaler.offset"] = torch.from_numpy(np.ascontiguousarray(ckpt.scaler.offset))
    tensors["scaler.scale"] = torch.from_numpy(np.ascontiguousarray(ckpt.scaler.scale))
    with atomic_path(path) as tmp:
        save_file(tensors, str(tmp), metadata={"deepviz": json.dumps(ckpt.config_json())})


def load_checkpoint(path: str | os.PathLike) -> Checkpoint:
    """Read a `.dvz` file; anything else (a pickle, a truncated file, another format) is refused."""

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise DeepvizError("no such checkpoint file", path)
    try:
        with safe_open(path, framework="pt") as f:
            header = f.metadata() or {}
            tensors = {k: f.get_tensor(k) for k in f.keys()}
    except Exception as exc:  # safetensors raises several types for bad headers
        raise DeepvizError(
            f"not a deepviz checkpoint (a .dvz safetensors file is expected; {_short(exc)})", path
        ) from None
    config = _config(header, path)
    scaler = _scaler(config, tensors, path)
    bad = [k for k, v in tensors.items() if v.is_floating_point() and not torch.isfinite(v).all()]
    if bad:
        raise DeepvizError(f"{len(bad)} weight tensors hold NaN or infinity (e.g. {bad[0]})", path)
    state = {k.removeprefix("model."): v for k, v in tensors.items()}
    return Checkpoint(
        config["arch"], config["model"], scaler, state, {**config["meta"], "path": path}
    )


def _config(header: dict, path: str) -> dict:
    """The JSON config, every field checked for type and range before anything is built."""
    try:
        config = json.loads(header["deepviz"])
    except (KeyError, TypeError, ValueError, RecursionError):
        raise DeepvizError("safetensors file without a deepviz config", path) from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise DeepvizError("safetensors file without a deepviz config", path)
    version = config.get("format_version", 0)
    if isinstance(version, bool) or not isinstance(version, int):
        raise DeepvizError(f"format_version must be an integer, got {version!r}", path)
    if version > FORMAT_VERSION:
        raise DeepvizError("checkpoint written by a newer deepviz", path)
    if config.get("preprocessing") != preprocessing_config():
        raise DeepvizError("checkpoint uses different audio preprocessing", path)
    arch = config.get("arch")
    if (
        not isinstance(arch, str)
        or arch not in ARCHITECTURES
        or not isinstance(config.get("model"), dict)
    ):
        raise DeepvizError(f"unknown architecture {config.get('arch')!r} in checkpoint", path)
    config["meta"] = _meta(config.get("meta", {}), path)
    return config


def _meta(meta: object, path: str) -> dict:
    """The meta fields deepviz reads: a dict with a str name, str/None default_layer, layers
    {str: positive int}, genres [str]."""
    if not isinstance(meta, dict):
        raise DeepvizError(
            f"the checkpoint's meta must be an object, got {type(meta).__name__}", path
        )
    checks = {
        "name": lambda v: isinstance(v, str),
        "default_layer": lambda v: v is None or isinstance(v, str),
        "layers": lambda v: (
            isinstance(v, dict)
            and all(
                isinstance(k, str) and type(n) is int and 0 < n <= 1 << 20 for k, n in v.items()
            )
        ),
        "genres": lambda v: isinstance(v, list) and all(isinstance(g, str) for g in v),
        "trained": lambda v: isinstance(v, dict),
    }
    for key, ok in checks.items():
        if key in meta and not ok(meta[key]):
            raise DeepvizError(f"the checkpoint's meta field {key!r} is malformed", path)
    return meta


def _scaler(config: dict, tensors: dict, path: str) -> InputScaler:
    """The input scaler: its kind, and two finite 64×96 arrays (a positive scale)."""
    kind = config.get("input_scaling")
    if kind not in ("minmax", "standard"):
        raise DeepvizError(f"unknown input_scaling {kind!r} (minmax or standard)", path)
    try:
        offset, scale = tensors.pop("scaler.offset"), tensors.pop("scaler.scale")
    except KeyError:
        raise DeepvizError("checkpoint lacks its input scaler", path) from None
    for t in (offset, scale):
        if (
            tuple(t.shape) != INPUT_SHAPE
            or not t.is_floating_point()
            or not torch.isfinite(t).all()
        ):
            raise DeepvizError(f"the input scaler must be two finite {INPUT_SHAPE} arrays", path)
    if not (scale > 0).all():
        raise DeepvizError("the input scaler's scale must be positive", path)
    return InputScaler(kind, offset.numpy(), scale.numpy())


def _short(exc: Exception) -> str:
    return first_line(exc)[:120]
