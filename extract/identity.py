"""Which network a plan names, known without loading it (no torch): where its checkpoint lies,
its name and its digest, enough to find a track's cached features before any network is built."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from safetensors import safe_open

from deepviz.core.errors import DeepvizError
from deepviz.extract.cache import file_digest

DEFAULT_NAME = "default"


def default_checkpoint_path() -> Path:
    """The embedded default model, shipped inside the package."""
    return Path(str(resources.files("deepviz.extract") / "weights" / f"{DEFAULT_NAME}.dvz"))


def resolve_checkpoint(model: str | os.PathLike | None) -> Path:
    """`None` or "default" → the embedded model; anything else is a path to a .dvz file."""
    if model is None or str(model) == DEFAULT_NAME:
        path = default_checkpoint_path()
        if not path.is_file():
            raise DeepvizError("the embedded default model is missing from the installation", path)
        return path
    return Path(model)


@dataclass(frozen=True)
class ModelIdentity:
    """A checkpoint's name, file digest and the feature layer its features come from."""

    name: str
    digest: str
    layer: str | None

    @property
    def model_id(self) -> str:
        return f"{self.name}:{self.layer}" if self.layer else self.name

    @property
    def cache_key(self) -> str:
        return f"{self.name}-{self.digest}-{self.layer or 'code'}"


def model_identity(model: str, layer: str | None) -> ModelIdentity | None:
    """The identity from the checkpoint's header alone; None when that cannot be read (then the
    network is loaded at once, and its own checks say what is wrong)."""

    if layer is not None:  # a named layer is checked against the network: load it
        return None
    try:
        path = resolve_checkpoint(model)
        with safe_open(str(path), framework="numpy") as f:
            config = json.loads((f.metadata() or {})["deepviz"])
        meta, arch = config.get("meta", {}), config["arch"]
        name, default = meta.get("name", arch), meta.get("default_layer")
        # the layer features come from when none is named: the meta's, or an autoencoder's code
        if not isinstance(name, str) or (default is None and not arch.startswith("ae")):
            return None
        return ModelIdentity(name, file_digest(path), default if isinstance(default, str) else None)
    except Exception:  # any doubt: load the network as before
        return None
