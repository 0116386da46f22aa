"""The training loop of all seven networks: autoencoders (MSE), genre classifiers (cross-entropy).

Patches are read, scaled and moved to the device batch by batch, so a memory-mapped FMA cache works
as well as an in-memory corpus. The best epoch (lowest validation loss) is written to `out`; the
latest state goes to `<out>.resume` each epoch for `--resume`; a JSON log gets every epoch.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from deepviz.errors import DeepvizError
from deepviz.extract.checkpoint import (
    AE_ARCHS,
    ARCHS,
    CLASSIFIER_ARCHS,
    Checkpoint,
    InputScaler,
    build_model,
    feature_layers,
    load_checkpoint,
    save_checkpoint,
)
from deepviz.extract.extractor import resolve_device
from deepviz.fileio import atomic_path
from deepviz.training.corpus import PatchSet
from deepviz.training.resume import TrainState, check_same_run, load_state, resume_path, save_state

# The paper's defaults (PAPER-NOTES.md): SGD, momentum 0.95, batch 64.
PAPER_DEFAULTS = {
    "ae": {"lr": 2.5e-4, "epochs": 40},
    "ae-shared": {"lr": 2.5e-4, "epochs": 40},
    "ae-skip": {"lr": 5e-3, "epochs": 20},
    **{arch: {"lr": 1e-5, "epochs": 25} for arch in CLASSIFIER_ARCHS},
}
EVAL_BATCH = 256


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
    pretrained: bool = False  # classifiers: trunk from torchvision's ImageNet weights (local cache)

    def __post_init__(self) -> None:
        if self.arch not in ARCHS:
            raise DeepvizError(f"unknown architecture {self.arch!r} (one of {', '.join(ARCHS)})")
        if self.optimizer not in ("sgd", "adam"):
            raise DeepvizError(f"unknown optimizer {self.optimizer!r} (sgd or adam)")
        if self.pretrained and self.arch not in CLASSIFIER_ARCHS:
            raise DeepvizError("--pretrained is for the classifiers (alexnet, vgg11, vgg13, vgg16)")
        defaults = PAPER_DEFAULTS[self.arch]
        self.epochs = self.epochs or defaults["epochs"]
        self.lr = self.lr or defaults["lr"]


def input_scaling_for(arch: str) -> str:
    """Autoencoders see min-max scaled patches (sigmoid output), classifiers standard ones."""
    return "minmax" if arch in AE_ARCHS else "standard"


def is_classifier(arch: str) -> bool:
    return arch in CLASSIFIER_ARCHS


def batch_of(data: PatchSet, rows: np.ndarray, scaler: InputScaler, device) -> torch.Tensor:
    """Patches `rows`, scaled, as an (n, 1, 64, 96) tensor on `device`."""
    x = torch.from_numpy(np.ascontiguousarray(data.patches[rows], dtype=np.float32))
    return scaler.transform(x.to(device)).unsqueeze(1)


def _loss(model, arch: str, x: torch.Tensor, y: torch.Tensor | None = None):
    """(loss, logits or None) of one batch: MSE of the reconstruction, or cross-entropy."""
    if arch in AE_ARCHS:
        return F.mse_loss(model(x), x), None
    logits = model(x)
    return F.cross_entropy(logits, y), logits


def track_vote_accuracy(track_ids, labels, preds, probs) -> float:
    """Accuracy per track: its segments' majority vote (ties: the higher mean probability)."""
    tracks, inv = np.unique(track_ids, return_inverse=True)
    votes = np.zeros((len(tracks), probs.shape[1]))
    np.add.at(votes, (inv, preds), 1.0)
    prob_sum = np.zeros_like(votes)
    np.add.at(prob_sum, inv, probs)
    votes += 1e-3 * prob_sum / np.bincount(inv)[:, None]  # < 1 vote: only breaks ties
    truth = np.zeros(len(tracks), dtype=np.int64)
    truth[inv] = labels
    return float((votes.argmax(axis=1) == truth).mean())


COLLAPSED_CODE_STD = 1e-3


def evaluate(model, arch: str, data: PatchSet, rows, scaler, device, batch_size=EVAL_BATCH) -> dict:
    """Mean loss over `rows`; classifiers add accuracy per segment and per track (majority vote)."""
    model.eval()
    total, preds, probs, codes = 0.0, [], [], []
    with torch.inference_mode():
        for i in range(0, len(rows), batch_size):
            r = rows[i : i + batch_size]
            xb = batch_of(data, r, scaler, device)
            yb = torch.from_numpy(data.labels[r]).to(device) if is_classifier(arch) else None
            loss, logits = _loss(model, arch, xb, yb)
            total += float(loss) * len(xb)
            if not is_classifier(arch):
                codes.append(model.encode(xb).float().cpu().numpy())
            if logits is not None:
                probs.append(logits.float().softmax(1).cpu().numpy())
                preds.append(probs[-1].argmax(1))
    out = {"loss": total / max(1, len(rows))}
    if codes:  # how much the 10-d code varies across patches: ≈ 0 means it collapsed
        out["code_std"] = float(np.concatenate(codes).std(axis=0).mean())
    if is_classifier(arch) and len(rows):
        preds, probs = np.concatenate(preds), np.concatenate(probs)
        labels = data.labels[rows]
        out["accuracy"] = float((preds == labels).mean())
        out["track_accuracy"] = track_vote_accuracy(data.track_ids[rows], labels, preds, probs)
    return out


def data_fingerprint(data: PatchSet) -> str:
    """A short hash of what the run sees: tracks, labels, label names, patch count."""
    h = hashlib.sha1()
    for a in (data.track_ids, data.labels, data.split if data.split is not None else np.zeros(0)):
        h.update(np.ascontiguousarray(a, dtype=np.int64).tobytes())
    h.update(json.dumps([list(data.label_names), len(data)]).encode())
    return h.hexdigest()[:16]


def _model_overrides(cfg: TrainConfig, data: PatchSet) -> dict:
    model = dict(cfg.model)
    if is_classifier(cfg.arch):
        n = model.setdefault("n_genres", len(data.label_names))
        if n != len(data.label_names):
            raise DeepvizError(f"n_genres {n} does not match the {len(data.label_names)} labels")
    return model


def _optimizer(cfg: TrainConfig, model) -> torch.optim.Optimizer:
    if cfg.optimizer == "adam":
        return torch.optim.Adam(model.parameters(), lr=cfg.lr)
    return torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=cfg.momentum)


def _rng_state(rng: np.random.Generator, device) -> dict:
    cuda = torch.cuda.get_rng_state_all() if device.type == "cuda" else []
    torch_rng = torch.get_rng_state()
    return {"numpy_rng": rng.bit_generator.state, "torch_rng": torch_rng, "cuda_rng": cuda}


def train(
    cfg: TrainConfig,
    data: PatchSet,
    out: str | os.PathLike,
    log_path: str | os.PathLike | None = None,
    progress: bool = True,
    meta: dict | None = None,
    resume: str | os.PathLike | None = None,
    keep_state: bool = False,
) -> Checkpoint:
    """Train `cfg.arch` on `data`; write the best (lowest validation loss) checkpoint to `out`.

    `resume`: a checkpoint whose `.resume` state continues an interrupted run of the same settings.
    The state beside `out` is removed once the last epoch is done, unless `keep_state` (to train on
    later with more epochs).
    """
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    device = resolve_device(cfg.device)
    train_rows, val_rows, test_rows = (np.flatnonzero(m) for m in data.split_masks(cfg.seed))
    if len(train_rows) == 0:
        raise DeepvizError("no training data: the corpus is empty after the split")
    scaler = InputScaler.fit_rows(data.patches, train_rows, input_scaling_for(cfg.arch))
    model = build_model(cfg.arch, _model_overrides(cfg, data))
    pretrained = []
    if cfg.pretrained:
        from deepviz.extract.models.classifiers import load_pretrained

        pretrained = load_pretrained(model)
    model = model.to(device)
    model_config = model.config.to_dict()
    model_config.pop("variant", None)
    model_config.pop("arch", None)
    layers, default_layer = feature_layers(cfg.arch, model_config)
    opt = _optimizer(cfg, model)
    classifier = is_classifier(cfg.arch)
    run = {k: v for k, v in asdict(cfg).items() if k not in ("epochs", "device", "name")}
    run = json.loads(json.dumps({**run, "model": model_config, "data": data_fingerprint(data)}))

    start, best, best_epoch, history, ckpt = 0, float("inf"), None, [], None
    if resume is not None:
        state = load_state(resume)
        check_same_run(state.run, run, resume)
        model.load_state_dict(state.model)
        opt.load_state_dict(state.optimizer)
        rng.bit_generator.state = state.numpy_rng
        torch.set_rng_state(state.torch_rng)
        if state.cuda_rng and device.type == "cuda":
            torch.cuda.set_rng_state_all(state.cuda_rng)
        start, history, best_epoch = state.epoch, list(state.history), state.best_epoch
        best = float("inf") if state.best_loss is None else state.best_loss
        best_file = resume_path(resume).with_suffix("")  # the run's best checkpoint, x.dvz
        if best_epoch is not None and best_file.is_file():
            ckpt = load_checkpoint(best_file)
            if best_file.resolve() != Path(out).resolve():
                save_checkpoint(ckpt, out)

    log = {
        "config": asdict(cfg),
        "model": model_config,
        "data": {
            **data.info,
            "tracks": int(len(np.unique(data.track_ids))),
            "labels": list(data.label_names),
        },
        "n_train": len(train_rows),
        "n_val": len(val_rows),
        "n_test": len(test_rows),
        "pretrained_tensors": len(pretrained),
        "resumed_from_epoch": start if resume is not None else None,
        "epochs": history,
    }
    n_batches = -(-len(train_rows) // cfg.batch_size)
    bar = tqdm(
        total=max(0, cfg.epochs - start) * n_batches,
        desc=f"training {cfg.arch}",
        unit="batch",
        disable=not progress,
    )
    for epoch in range(start, cfg.epochs):
        model.train()
        order = rng.permutation(len(train_rows))
        t0, total, correct = time.time(), 0.0, 0
        for i in range(0, len(order), cfg.batch_size):
            rows = train_rows[order[i : i + cfg.batch_size]]
            xb = batch_of(data, rows, scaler, device)
            yb = torch.from_numpy(data.labels[rows]).to(device) if classifier else None
            loss, logits = _loss(model, cfg.arch, xb, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
            if logits is not None:
                correct += int((logits.argmax(1) == yb).sum())
            bar.update(1)
            bar.set_postfix(epoch=epoch + 1, loss=f"{loss.item():.4g}")
        train_loss = total / len(train_rows)
        if not math.isfinite(train_loss):
            raise DeepvizError(
                f"training diverged at epoch {epoch + 1} (loss {train_loss}); try a lower --lr "
                "(the best checkpoint so far is kept)"
            )
        val = evaluate(model, cfg.arch, data, val_rows, scaler, device) if len(val_rows) else {}
        val_loss = val.get("loss", train_loss)
        entry = {"epoch": epoch + 1, "train_loss": train_loss, "val_loss": val_loss}
        if classifier:
            entry["train_accuracy"] = correct / len(train_rows)
        entry.update({f"val_{k}": v for k, v in val.items() if k != "loss"})
        if val.get("code_std", 1.0) < COLLAPSED_CODE_STD and progress:
            tqdm.write(
                f"deepviz: warning: epoch {epoch + 1}: the 10-d code hardly varies across patches "
                f"(std {val['code_std']:.2g}); features would be constant — try a lower --lr or "
                "--unpool nearest"
            )
        entry["seconds"] = round(time.time() - t0, 2)
        history.append(entry)
        bar.set_postfix(epoch=epoch + 1, train=f"{train_loss:.4g}", val=f"{val_loss:.4g}")
        if val_loss < best:
            best, best_epoch = val_loss, epoch + 1
            trained = {k: v for k, v in entry.items() if k not in ("epoch", "seconds")}
            trained = {"epochs": epoch + 1, **trained, "n_train_segments": len(train_rows)}
            info = {
                "name": cfg.name or Path(out).stem,
                "genres": list(data.label_names),
                "layers": layers,
                "trained": trained,
                **(meta or {}),
            }
            if default_layer is not None:
                info["default_layer"] = default_layer
            if data.info.get("corpus"):
                info.setdefault("corpus", data.info["corpus"])
            state_dict = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
            ckpt = Checkpoint(cfg.arch, model_config, scaler, state_dict, info)
            save_checkpoint(ckpt, out)
        opt_state = opt.state_dict()
        save_state(
            TrainState(
                epoch + 1,
                best,
                best_epoch,
                history,
                run,
                model.state_dict(),
                opt_state,
                **_rng_state(rng, device),
            ),
            resume_path(out),
        )
        log["best_epoch"] = best_epoch
        if log_path:
            _write_json(log_path, log)
    bar.close()
    if ckpt is not None and len(test_rows) and "test_loss" not in ckpt.meta.get("trained", {}):
        model.load_state_dict(ckpt.state_dict)
        test = evaluate(model, cfg.arch, data, test_rows, scaler, device)
        log["test"] = test
        ckpt.meta["trained"].update({f"test_{k}": v for k, v in test.items()})
        save_checkpoint(ckpt, out)
    log["best_epoch"] = best_epoch
    if log_path:
        _write_json(log_path, log)
    if not keep_state:
        resume_path(out).unlink(missing_ok=True)
    return ckpt


def _write_json(path: str | os.PathLike, obj: dict) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=1))
