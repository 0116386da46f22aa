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
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from deepviz.core.console import progress_bar
from deepviz.core.errors import DeepvizError
from deepviz.core.files import atomic_path
from deepviz.extract.checkpoint import Checkpoint, InputScaler, load_checkpoint, save_checkpoint
from deepviz.extract.extractor import resolve_device
from deepviz.extract.models.classifiers import load_pretrained
from deepviz.extract.models.registry import build_model, feature_layers, get_arch
from deepviz.training.corpus import PatchSet
from deepviz.training.options import TrainConfig
from deepviz.training.resume import TrainState, check_same_run, load_state, resume_path, save_state

EVAL_BATCH = 256
COLLAPSED_CODE_STD = 1e-3

__all__ = ["TrainConfig", "evaluate", "track_vote_accuracy", "train"]


def is_classifier(arch: str) -> bool:
    return get_arch(arch).is_classifier


def batch_of(data: PatchSet, rows: np.ndarray, scaler: InputScaler, device) -> torch.Tensor:
    """Patches `rows`, scaled, as an (n, 1, 64, 96) tensor on `device`."""
    x = torch.from_numpy(np.ascontiguousarray(data.patches[rows], dtype=np.float32))
    return scaler.transform(x.to(device)).unsqueeze(1)


def _loss(model, arch: str, x: torch.Tensor, y: torch.Tensor | None = None, style: float = 0.0):
    """(loss, logits or None) of one batch: MSE of the reconstruction (plus `style` × the style
    head's cross-entropy), or cross-entropy."""
    if not is_classifier(arch):
        if not style:
            return F.mse_loss(model(x), x), None
        rebuilt, logits = model.reconstruct_and_style(x)
        return F.mse_loss(rebuilt, x) + style * F.cross_entropy(logits, y), None
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


def evaluate(model, arch: str, data: PatchSet, rows, scaler, device, batch_size=EVAL_BATCH) -> dict:
    """Mean loss over `rows`; classifiers add accuracy per segment and per track (majority vote)."""
    model.eval()
    total, preds, probs, codes, styles = 0.0, [], [], [], []
    with torch.inference_mode():
        for i in range(0, len(rows), batch_size):
            r = rows[i : i + batch_size]
            xb = batch_of(data, r, scaler, device)
            yb = torch.from_numpy(data.labels[r]).to(device) if is_classifier(arch) else None
            loss, logits = _loss(model, arch, xb, yb)
            total += float(loss) * len(xb)
            if not is_classifier(arch):
                codes.append(model.encode(xb).float().cpu().numpy())
                if getattr(model, "style_head", None) is not None:  # --style-weight: how well
                    hits = model.style_head(model.encode(xb)).argmax(1).cpu().numpy()  # the code
                    styles.append(hits == data.labels[r])  # tells styles apart
            if logits is not None:
                probs.append(logits.float().softmax(1).cpu().numpy())
                preds.append(probs[-1].argmax(1))
    out = {"loss": total / max(1, len(rows))}
    if codes:  # how much the 10-d code varies across patches: ≈ 0 means it collapsed
        out["code_std"] = float(np.concatenate(codes).std(axis=0).mean())
    if styles:
        out["style_accuracy"] = float(np.concatenate(styles).mean())
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
    if cfg.style_weight:
        model["style_classes"] = len(data.label_names)
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


def _write_json(path: str | os.PathLike, obj: dict) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=1))


class TrainingRun:
    """One training run's state, in the steps `train` takes: set up, restore, epoch, evaluate,
    keep the best, finish."""

    def __init__(self, cfg: TrainConfig, data: PatchSet, out: str | os.PathLike, meta: dict | None):
        torch.manual_seed(cfg.seed)
        self.cfg, self.data, self.out, self.meta = cfg, data, Path(out), meta or {}
        self.rng = np.random.default_rng(cfg.seed)
        self.device = resolve_device(cfg.device)
        masks = data.split_masks(cfg.seed)
        self.train_rows, self.val_rows, self.test_rows = (np.flatnonzero(m) for m in masks)
        if len(self.train_rows) == 0:
            raise DeepvizError("no training data: the corpus is empty after the split")
        arch = get_arch(cfg.arch)
        self.scaler = InputScaler.fit_rows(data.patches, self.train_rows, arch.input_scaling)
        model = build_model(cfg.arch, _model_overrides(cfg, data))
        self.pretrained: list[str] = []
        if cfg.pretrained:
            self.pretrained = load_pretrained(model)
        self.model = model.to(self.device)
        self.model_config = {
            k: v for k, v in model.config.to_dict().items() if k not in ("variant", "arch")
        }
        self.layers, self.default_layer = feature_layers(cfg.arch, self.model_config)
        self.opt = _optimizer(cfg, model)
        settings = {**cfg.settings(), "model": self.model_config, "data": data_fingerprint(data)}
        self.settings = json.loads(json.dumps(settings))
        self.start, self.best, self.best_epoch, self.history = 0, float("inf"), None, []
        self.ckpt: Checkpoint | None = None

    def restore(self, resume: str | os.PathLike) -> None:
        """Continue from `resume`'s state: weights, optimizer, RNGs, history and best so far."""
        state = load_state(resume)
        check_same_run(state.run, self.settings, resume)
        self.model.load_state_dict(state.model)
        self.opt.load_state_dict(state.optimizer)
        self.rng.bit_generator.state = state.numpy_rng
        torch.set_rng_state(state.torch_rng)
        if state.cuda_rng and self.device.type == "cuda":
            torch.cuda.set_rng_state_all(state.cuda_rng)
        self.start, self.history, self.best_epoch = (
            state.epoch,
            list(state.history),
            state.best_epoch,
        )
        self.best = float("inf") if state.best_loss is None else state.best_loss
        best_file = resume_path(resume).with_suffix("")  # the run's best checkpoint, x.dvz
        if self.best_epoch is not None and best_file.is_file():
            self.ckpt = load_checkpoint(best_file)
            if best_file.resolve() != self.out.resolve():
                save_checkpoint(self.ckpt, self.out)

    def log(self, resumed: bool) -> dict:
        data = self.data
        return {
            "config": asdict(self.cfg),
            "model": self.model_config,
            "data": {
                **data.info,
                "tracks": int(len(np.unique(data.track_ids))),
                "labels": list(data.label_names),
            },
            "n_train": len(self.train_rows),
            "n_val": len(self.val_rows),
            "n_test": len(self.test_rows),
            "pretrained_tensors": len(self.pretrained),
            "resumed_from_epoch": self.start if resumed else None,
            "epochs": self.history,
        }

    def epoch(self, epoch: int, bar) -> dict:
        """Train one epoch over the shuffled training rows, then evaluate: the log entry."""
        cfg, data, classifier = self.cfg, self.data, is_classifier(self.cfg.arch)
        self.model.train()
        order = self.rng.permutation(len(self.train_rows))
        t0, total, correct = time.time(), 0.0, 0
        for i in range(0, len(order), cfg.batch_size):
            rows = self.train_rows[order[i : i + cfg.batch_size]]
            xb = batch_of(data, rows, self.scaler, self.device)
            labelled = classifier or cfg.style_weight
            yb = torch.from_numpy(data.labels[rows]).to(self.device) if labelled else None
            loss, logits = _loss(self.model, cfg.arch, xb, yb, cfg.style_weight)
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()
            total += loss.item() * len(xb)
            if logits is not None:
                correct += int((logits.argmax(1) == yb).sum())
            bar.update(1)
            bar.set_postfix(epoch=epoch + 1, loss=f"{loss.item():.4g}")
        accuracy = correct / len(self.train_rows) if classifier else None
        entry = self.evaluate(epoch, total / len(self.train_rows), accuracy)
        entry["seconds"] = round(time.time() - t0, 2)
        return entry

    def evaluate(self, epoch: int, train_loss: float, accuracy: float | None) -> dict:
        """The epoch's log entry: training loss, validation metrics; stops on divergence."""
        if not math.isfinite(train_loss):
            raise DeepvizError(
                f"training diverged at epoch {epoch + 1} (loss {train_loss}); try a lower --lr "
                "(the best checkpoint so far is kept)"
            )
        val = {}
        if len(self.val_rows):
            val = evaluate(
                self.model, self.cfg.arch, self.data, self.val_rows, self.scaler, self.device
            )
        entry = {
            "epoch": epoch + 1,
            "train_loss": train_loss,
            "val_loss": val.get("loss", train_loss),
        }
        if accuracy is not None:
            entry["train_accuracy"] = accuracy
        entry.update({f"val_{k}": v for k, v in val.items() if k != "loss"})
        return entry

    def keep_best(self, entry: dict) -> None:
        """Write the checkpoint when this epoch's validation loss is the best so far."""
        if entry["val_loss"] >= self.best:
            return
        self.best, self.best_epoch = entry["val_loss"], entry["epoch"]
        trained = {k: v for k, v in entry.items() if k not in ("epoch", "seconds")}
        trained = {"epochs": entry["epoch"], **trained, "n_train_segments": len(self.train_rows)}
        info = {
            "name": self.cfg.name or self.out.stem,
            "genres": list(self.data.label_names),
            "layers": self.layers,
            "trained": trained,
            **self.meta,
        }
        if self.default_layer is not None:
            info["default_layer"] = self.default_layer
        if self.data.info.get("corpus"):
            info.setdefault("corpus", self.data.info["corpus"])
        state_dict = {k: v.detach().cpu().clone() for k, v in self.model.state_dict().items()}
        self.ckpt = Checkpoint(self.cfg.arch, self.model_config, self.scaler, state_dict, info)
        save_checkpoint(self.ckpt, self.out)

    def save_state(self, epoch: int) -> None:
        """The latest state beside the checkpoint, for --resume."""
        state = TrainState(
            epoch + 1,
            self.best,
            self.best_epoch,
            self.history,
            self.settings,
            self.model.state_dict(),
            self.opt.state_dict(),
            **_rng_state(self.rng, self.device),
        )
        save_state(state, resume_path(self.out))

    def test(self) -> dict | None:
        """The best checkpoint on the test rows (once), recorded in its training summary."""
        ckpt = self.ckpt
        if ckpt is None or not len(self.test_rows) or "test_loss" in ckpt.meta.get("trained", {}):
            return None
        self.model.load_state_dict(ckpt.state_dict)
        test = evaluate(
            self.model, self.cfg.arch, self.data, self.test_rows, self.scaler, self.device
        )
        ckpt.meta["trained"].update({f"test_{k}": v for k, v in test.items()})
        save_checkpoint(ckpt, self.out)
        return test


def _warn_collapse(entry: dict) -> None:
    if entry.get("val_code_std", 1.0) < COLLAPSED_CODE_STD:
        print(
            f"deepviz: warning: epoch {entry['epoch']}: the 10-d code hardly varies across patches "
            f"(std {entry['val_code_std']:.2g}); features would be constant — try a lower --lr or "
            "--unpool nearest",
            file=sys.stderr,
        )


def train(
    cfg: TrainConfig,
    data: PatchSet,
    out: str | os.PathLike,
    log_path: str | os.PathLike | None = None,
    progress: bool = True,
    meta: dict | None = None,
    resume: str | os.PathLike | None = None,
    keep_state: bool = False,
) -> Checkpoint | None:
    """Train `cfg.arch` on `data`; write the best (lowest validation loss) checkpoint to `out`.

    `resume`: a checkpoint whose `.resume` state continues an interrupted run of the same settings.
    The state beside `out` is removed once the last epoch is done, unless `keep_state` (to train on
    later with more epochs).
    """
    run = TrainingRun(cfg, data, out, meta)
    if resume is not None:
        run.restore(resume)
    log = run.log(resumed=resume is not None)
    n_batches = -(-len(run.train_rows) // cfg.batch_size)
    total = max(0, cfg.epochs - run.start) * n_batches
    bar = progress_bar(total=total, desc=f"training {cfg.arch}", unit="batch", disable=not progress)
    for epoch in range(run.start, cfg.epochs):
        entry = run.epoch(epoch, bar)
        if progress:
            _warn_collapse(entry)
        run.history.append(entry)
        bar.set_postfix(
            epoch=epoch + 1, train=f"{entry['train_loss']:.4g}", val=f"{entry['val_loss']:.4g}"
        )
        run.keep_best(entry)
        run.save_state(epoch)
        log["best_epoch"] = run.best_epoch
        if log_path:
            _write_json(log_path, log)
    bar.close()
    test = run.test()
    if test is not None:
        log["test"] = test
    log["best_epoch"] = run.best_epoch
    if log_path:
        _write_json(log_path, log)
    if not keep_state:
        resume_path(out).unlink(missing_ok=True)
    return run.ckpt
