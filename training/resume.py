"""What `--resume` needs, kept beside the checkpoint as `<out>.resume` (one safetensors file).

Tensors: the latest weights (`model.*`), the optimizer's tensors (`optim.<param>.<key>`) and torch's
RNG state (`rng.torch`, `rng.cuda.<i>`). JSON metadata: the epoch reached, the best validation loss,
the log so far, numpy's generator state, the optimizer's param groups and the run's settings, so
that a resume of another run is refused. Nothing is pickled.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from deepviz.core.errors import DeepvizError
from deepviz.core.files import atomic_path

FORMAT = "deepviz-resume"
FORMAT_VERSION = 1


def resume_path(out: str | os.PathLike) -> Path:
    """The resume state beside checkpoint `out` (`x.dvz` → `x.dvz.resume`)."""
    out = Path(out)
    return out if out.name.endswith(".resume") else out.with_name(out.name + ".resume")


@dataclass
class TrainState:
    epoch: int  # epochs completed
    best_loss: float | None
    best_epoch: int | None
    history: list[dict]
    run: dict  # settings that must match on resume: arch, model config, optimizer, data, …
    model: dict[str, torch.Tensor]
    optimizer: dict  # torch optimizer state_dict
    numpy_rng: dict
    torch_rng: torch.Tensor
    cuda_rng: list[torch.Tensor] = field(default_factory=list)


def save_state(state: TrainState, path: str | os.PathLike) -> None:
    """Write atomically: a temporary file beside the target, renamed at the end."""

    tensors = {f"model.{k}": v.detach().cpu().contiguous().clone() for k, v in state.model.items()}
    plain: dict[str, dict] = {}
    for idx, st in state.optimizer["state"].items():
        for key, v in st.items():
            if torch.is_tensor(v):
                tensors[f"optim.{idx}.{key}"] = v.detach().cpu().contiguous().clone()
            else:
                plain.setdefault(str(idx), {})[key] = v
    tensors["rng.torch"] = state.torch_rng.cpu().contiguous()
    for i, s in enumerate(state.cuda_rng):
        tensors[f"rng.cuda.{i}"] = s.cpu().contiguous()
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "epoch": state.epoch,
        "best_loss": state.best_loss,
        "best_epoch": state.best_epoch,
        "history": state.history,
        "run": state.run,
        "numpy_rng": state.numpy_rng,
        "optimizer": {"param_groups": state.optimizer["param_groups"], "state": plain},
    }
    with atomic_path(path) as tmp:
        save_file(tensors, str(tmp), metadata={FORMAT: json.dumps(meta)})


def load_state(path: str | os.PathLike) -> TrainState:
    """Read a resume state; anything else (a pickle, a truncated file, a checkpoint) is refused."""

    path = resume_path(path)
    if not path.is_file():
        raise DeepvizError("no resume state here (training writes it beside the checkpoint)", path)
    try:
        with safe_open(str(path), framework="pt") as f:
            meta = json.loads((f.metadata() or {})[FORMAT])
            tensors = {k: f.get_tensor(k) for k in f.keys()}
        assert meta.get("format") == FORMAT
    except Exception:
        raise DeepvizError("not a deepviz resume state (or a damaged one)", path) from None
    if meta.get("format_version", 0) > FORMAT_VERSION:
        raise DeepvizError("resume state written by a newer deepviz", path)
    opt_state: dict[int, dict] = {}
    for idx, st in meta["optimizer"]["state"].items():
        opt_state.setdefault(int(idx), {}).update(st)
    model, cuda = {}, []
    for k, v in tensors.items():
        if k.startswith("model."):
            model[k.removeprefix("model.")] = v
        elif k.startswith("optim."):
            _, idx, key = k.split(".", 2)
            opt_state.setdefault(int(idx), {})[key] = v
        elif k.startswith("rng.cuda."):
            cuda.append((int(k.rsplit(".", 1)[1]), v))
    return TrainState(
        epoch=int(meta["epoch"]),
        best_loss=meta["best_loss"],
        best_epoch=meta["best_epoch"],
        history=meta["history"],
        run=meta["run"],
        model=model,
        optimizer={"state": opt_state, "param_groups": meta["optimizer"]["param_groups"]},
        numpy_rng=meta["numpy_rng"],
        torch_rng=tensors["rng.torch"],
        cuda_rng=[v for _, v in sorted(cuda, key=lambda t: t[0])],
    )


def check_same_run(saved: dict, now: dict, path: str | os.PathLike) -> None:
    """Refuse to resume when a setting that shapes the run differs (epochs may grow)."""
    diffs = [k for k in sorted(set(saved) | set(now)) if saved.get(k) != now.get(k)]
    if diffs:
        detail = "; ".join(f"{k}: saved {saved.get(k)!r}, now {now.get(k)!r}" for k in diffs[:4])
        raise DeepvizError(f"cannot resume: this is another run ({detail})", resume_path(path))
