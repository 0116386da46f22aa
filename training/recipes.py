"""The recipe of the embedded default model, so that one command reproduces it."""

from __future__ import annotations

from pathlib import Path

from deepviz.core.errors import DeepvizError
from deepviz.training.corpus import folder_corpus, join, synth_corpus
from deepviz.training.train import TrainConfig, train

# `deepviz train --recipe default -o extract/weights/default.dvz` (or `make default-model`) runs this.
DEFAULT_MODEL = {
    "arch": "ae",
    # Narrow NET-AE (≈0.6 M parameters). Upsampling instead of unpooling with the encoder's indices:
    # with indices the decoder rebuilt patches from the pooling positions alone and the 10-d code
    # collapsed to a constant (seen with this recipe at widths 16–128); here it must use the code.
    "model": {"widths": (8, 16, 32, 64), "fc_hidden": 128, "unpool": "nearest"},
    "synth_tracks": 240,
    "synth_duration": 30.0,
    # plus the real-music development set (`make music`: Debian's freely licensed game music, 30 s
    # clips): trained on synthesized music alone, the code hardly told real styles apart
    "music": ".cache/music",
    "epochs": 20,
    "optimizer": "adam",
    "lr": 1e-3,
    "batch_size": 32,
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

    r = DEFAULT_MODEL
    if not Path(r["music"]).is_dir():
        raise DeepvizError(
            "the default recipe also trains on real music: run `make music` first", r["music"]
        )
    data = synth_corpus(r["synth_tracks"], r["synth_duration"], seed=r["seed"], progress=progress)
    data = join(data, folder_corpus(r["music"], progress=progress))
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
    corpus = f"synth:{r['synth_tracks']}x{r['synth_duration']:g}s+music:{r['music']}"
    meta = {"recipe": "default", "corpus": corpus}
    return train(cfg, data, out, log_path, progress, meta, resume=resume, keep_state=keep_state)
