"""The training loop: autoencoders (MSE) on MFCC patches, best checkpoint kept, JSON log per epoch."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from deepviz.extract.checkpoint import Checkpoint, InputScaler, build_model, save_checkpoint
from deepviz.extract.extractor import resolve_device
from deepviz.extract.models.autoencoder import AE_VARIANTS
from deepviz.training.corpus import PatchSet, split_tracks

# The paper's defaults (PAPER-NOTES.md): SGD, momentum 0.95, batch 64.
PAPER_DEFAULTS = {
    "ae": {"lr": 2.5e-4, "epochs": 40},
    "ae-shared": {"lr": 2.5e-4, "epochs": 40},
    "ae-skip": {"lr": 5e-3, "epochs": 20},
}


@dataclass
class TrainConfig:
    arch: str = "ae"
    model: dict = field(default_factory=dict)  # overrides of the architecture's config
    epochs: int | None = None
    batch_size: int = 64
    lr: float | None = None
    momentum: float = 0.95
    optimizer: str = "sgd"  # sgd (the paper's) | adam
    seed: int = 0
    device: str = "auto"
    name: str | None = None

    def __post_init__(self) -> None:
        defaults = PAPER_DEFAULTS.get(self.arch, {"lr": 1e-3, "epochs": 10})
        self.epochs = self.epochs or defaults["epochs"]
        self.lr = self.lr or defaults["lr"]


def input_scaling_for(arch: str) -> str:
    """Autoencoders see min-max scaled patches (sigmoid output), classifiers standard-scaled ones."""
    return "minmax" if arch in AE_VARIANTS else "standard"


def _loss(model, arch: str, x: torch.Tensor) -> torch.Tensor:
    return F.mse_loss(model(x), x)


def evaluate(model, arch: str, x: torch.Tensor, batch_size: int, device) -> float:
    model.eval()
    total = 0.0
    with torch.inference_mode():
        for i in range(0, len(x), batch_size):
            xb = x[i : i + batch_size].to(device)
            total += float(_loss(model, arch, xb)) * len(xb)
    return total / max(1, len(x))


def train(
    cfg: TrainConfig,
    data: PatchSet,
    out: str | os.PathLike,
    log_path: str | os.PathLike | None = None,
    progress: bool = True,
    meta: dict | None = None,
) -> Checkpoint:
    """Train `cfg.arch` on `data`; write the best (lowest validation loss) checkpoint to `out`."""
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    device = resolve_device(cfg.device)
    train_mask, val_mask, test_mask = split_tracks(data.track_ids, seed=cfg.seed)
    scaler = InputScaler.fit(data.patches[train_mask], input_scaling_for(cfg.arch))

    def tensor(mask):
        x = torch.from_numpy(data.patches[mask])
        return scaler.transform(x).unsqueeze(1)

    x_train, x_val = tensor(train_mask), tensor(val_mask)
    model = build_model(cfg.arch, cfg.model).to(device)
    model_config = model.config.to_dict()
    model_config.pop("variant", None)
    if cfg.optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=cfg.momentum)
    log = {"config": asdict(cfg), "n_train": len(x_train), "n_val": len(x_val), "epochs": []}
    best = float("inf")
    ckpt = None
    bar = tqdm(range(cfg.epochs), desc=f"training {cfg.arch}", unit="epoch", disable=not progress)
    for epoch in bar:
        model.train()
        order = rng.permutation(len(x_train))
        t0, total = time.time(), 0.0
        for i in range(0, len(order), cfg.batch_size):
            xb = x_train[order[i : i + cfg.batch_size]].to(device)
            loss = _loss(model, cfg.arch, xb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
        train_loss = total / len(x_train)
        val_loss = evaluate(model, cfg.arch, x_val, 256, device) if len(x_val) else train_loss
        entry = {"epoch": epoch + 1, "train_loss": train_loss, "val_loss": val_loss,
                 "seconds": round(time.time() - t0, 2)}
        log["epochs"].append(entry)
        bar.set_postfix(train=f"{train_loss:.5f}", val=f"{val_loss:.5f}")
        if val_loss < best:
            best = val_loss
            info = {"name": cfg.name or Path(out).stem, "genres": data.label_names,
                    "trained": {"epochs": epoch + 1, "val_loss": val_loss, "train_loss": train_loss,
                                "n_train_segments": len(x_train)}, **(meta or {})}
            state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
            ckpt = Checkpoint(cfg.arch, model_config, scaler, state, info)
            save_checkpoint(ckpt, out)
        if log_path:
            Path(log_path).write_text(json.dumps(log, indent=1))
    return ckpt
