"""The recipe of the embedded default model, so that one command reproduces it."""

from __future__ import annotations

# `deepviz train --recipe default -o extract/weights/default.dvz` (or `make default-model`) runs this.
DEFAULT_MODEL = {
    "arch": "ae",
    "model": {"widths": (16, 32, 64, 128), "fc_hidden": 256},  # ≈2.2 M parameters, 8.7 MB
    "synth_tracks": 240,
    "synth_duration": 30.0,
    "epochs": 12,
    "optimizer": "adam",
    "lr": 1e-3,
    "batch_size": 64,
    "seed": 0,
    "name": "default",
}


def train_default(
    out: str,
    log_path: str | None = None,
    progress: bool = True,
    device: str = "cpu",
    resume: str | None = None,
    keep_state: bool = False,
):
    from deepviz.training.corpus import synth_corpus
    from deepviz.training.train import TrainConfig, train

    r = DEFAULT_MODEL
    data = synth_corpus(r["synth_tracks"], r["synth_duration"], seed=r["seed"], progress=progress)
    cfg = TrainConfig(
        arch=r["arch"],
        model=dict(r["model"]),
        epochs=r["epochs"],
        optimizer=r["optimizer"],
        lr=r["lr"],
        batch_size=r["batch_size"],
        seed=r["seed"],
        device=device,
        name=r["name"],
    )
    meta = {"recipe": "default", "corpus": f"synth:{r['synth_tracks']}x{r['synth_duration']:g}s"}
    return train(cfg, data, out, log_path, progress, meta, resume=resume, keep_state=keep_state)
