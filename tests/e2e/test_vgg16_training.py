"""End to end, slow: the paper's largest classifier trains on a synthesized corpus."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import epochs_of

from deepviz.extract.checkpoint import load_checkpoint
from deepviz.training.train import TrainConfig
from deepviz.training.train import train as run_training


@pytest.mark.slow
def test_vgg16_full_trunk_training_lowers_the_loss(corpus, tmp_path):
    few = corpus.subset(np.isin(corpus.track_ids, [0, 1, 2, 3, 4]))  # 3 to train on: 9 patches
    adam = dict(optimizer="adam", lr=1e-4, seed=0, device="cpu")
    cfg = TrainConfig("vgg16", model={"fc_hidden": 16}, epochs=2, batch_size=9, **adam)
    run_training(cfg, few, tmp_path / "vgg.dvz", tmp_path / "log.json", progress=False)
    log = epochs_of(tmp_path / "log.json")
    assert log[-1]["train_loss"] < log[0]["train_loss"]
    assert load_checkpoint(tmp_path / "vgg.dvz").layers == {"L13": 3072, "L14": 16, "L15": 16}
