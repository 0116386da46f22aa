"""The training loop for autoencoders and classifiers, resume, checkpoint refusals, the CLI."""

from __future__ import annotations

import json
from functools import partial

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from conftest import epochs_of
from fma_fixture import BROKEN_ID, make_fma
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from deepviz.cli import training as cli_training
from deepviz.cli.training import models, train
from deepviz.core.errors import DeepvizError
from deepviz.extract.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from deepviz.extract.extractor import FeatureExtractor
from deepviz.extract.models import list_models
from deepviz.training.corpus import synth_corpus
from deepviz.training.resume import load_state, resume_path
from deepviz.training.train import TrainConfig, track_vote_accuracy
from deepviz.training.train import train as run_training

TINY_AE = {"widths": (4, 8, 8, 8), "fc_hidden": 32}


@pytest.fixture(scope="module")
def mini_fma(tmp_path_factory):
    return make_fma(tmp_path_factory.mktemp("fma"))


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_paper_defaults():
    arch_option = next(p for p in cli_training.train.params if p.name == "arch")
    assert tuple(arch_option.type.choices) == list_models()  # the CLI offers the registry's list
    vgg, ae, skip = TrainConfig("vgg16"), TrainConfig("ae"), TrainConfig("ae-skip")
    assert (vgg.lr, vgg.epochs, vgg.batch_size, vgg.momentum, vgg.optimizer) == (
        1e-5,
        25,
        64,
        0.95,
        "sgd",
    )
    assert (ae.lr, ae.epochs, skip.lr, skip.epochs) == (2.5e-4, 40, 5e-3, 20)
    with pytest.raises(DeepvizError, match="--pretrained is for the classifiers"):
        TrainConfig("ae", pretrained=True)


def test_a_style_head_teaches_the_code_the_styles(corpus, tmp_path):
    """--style-weight: the code's mean per track separates the (training) styles far better than
    without; --code-norm keeps the tiny code alive."""
    from sklearn.metrics import silhouette_score

    data = synth_corpus(24, 4.0, seed=5, progress=False)  # 4 tracks of each of the 6 styles
    scores = {}
    for weight in (0.0, 1.0):
        cfg = TrainConfig(
            "ae",
            model=TINY_AE,
            epochs=6,
            batch_size=16,
            optimizer="adam",
            lr=3e-3,
            seed=3,
            device="cpu",
            style_weight=weight,
            code_norm=True,
        )
        run_training(
            cfg, data, tmp_path / f"w{weight}.dvz", tmp_path / f"w{weight}.json", progress=False
        )
        ckpt = load_checkpoint(tmp_path / f"w{weight}.dvz")
        assert ckpt.model_config.get("style_classes", 0) == (6 if weight else 0)
        assert ckpt.model_config["code_norm"] is True
        feats = FeatureExtractor(ckpt, device="cpu").features_of_patches(data.patches)
        assert feats.shape == (len(data), 10)  # features are the code, head or not
        ids = np.unique(data.track_ids)
        means = np.array([feats[data.track_ids == t].mean(0) for t in ids])
        labels = [data.labels[data.track_ids == t][0] for t in ids]
        scores[weight] = silhouette_score(means, labels)
    log = json.loads((tmp_path / "w1.0.json").read_text())["epochs"][-1]
    assert 0.0 <= log["val_style_accuracy"] <= 1.0
    assert scores[1.0] > scores[0.0] + 0.1, scores
    with pytest.raises(DeepvizError, match="--style-weight is for the autoencoders"):
        TrainConfig("vgg11", style_weight=0.1)


@pytest.mark.parametrize("arch", ["ae", "ae-shared", "ae-skip"])
def test_autoencoder_training_lowers_the_loss(arch, corpus, tmp_path):
    cfg = TrainConfig(
        arch, model=TINY_AE, epochs=3, batch_size=8, optimizer="adam", lr=3e-3, seed=3, device="cpu"
    )
    ckpt = run_training(cfg, corpus, tmp_path / "ae.dvz", tmp_path / "log.json", progress=False)
    log = epochs_of(tmp_path / "log.json")
    assert len(log) == 3 and log[-1]["train_loss"] < log[0]["train_loss"]
    loaded = load_checkpoint(tmp_path / "ae.dvz")
    assert loaded.arch == arch and loaded.layers == {"code": 10} and loaded.default_layer is None
    assert loaded.scaler.kind == "minmax"
    assert loaded.meta["trained"]["epochs"] == ckpt.meta["trained"]["epochs"]
    assert "test_loss" in loaded.meta["trained"]
    assert not resume_path(tmp_path / "ae.dvz").exists()  # a finished run leaves no state
    feats = FeatureExtractor(loaded, device="cpu").features_of_patches(corpus.patches[:4])
    assert feats.shape == (4, 10)
    if arch == "ae":  # the same seed gives the same model
        again = run_training(cfg, corpus, tmp_path / "again.dvz", progress=False)
        assert all(torch.equal(v, again.state_dict[k]) for k, v in ckpt.state_dict.items())


def test_classifier_on_fma_through_the_cli(mini_fma, tmp_path):
    out, runner = tmp_path / "alex.dvz", CliRunner()
    args = [
        "--arch",
        "alexnet",
        "--fma-audio",
        str(mini_fma["audio"]),
        "--fma-metadata",
        str(mini_fma["metadata"]),
        "--cache",
        str(tmp_path / "cache"),
        "--fc-hidden",
        "32",
        "--optimizer",
        "adam",
        "--lr",
        "3e-4",
        "--batch-size",
        "8",
        "--epochs",
        "3",
        "--seed",
        "1",
        "--device",
        "cpu",
        "--jobs",
        "2",
        "-o",
        str(out),
        "-q",
    ]
    result = runner.invoke(train, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"skipped 1 unreadable tracks: {BROKEN_ID} (cannot decode audio" in result.output
    log = json.loads((tmp_path / "alex.dvz.log.json").read_text())
    assert list(log["data"]["skipped"]) == [str(BROKEN_ID)]
    assert log["data"]["labels"] == ["Electronic", "Folk", "Hip-Hop", "Rock"]
    epochs = log["epochs"]
    assert len(epochs) == 3 and epochs[-1]["train_loss"] < epochs[0]["train_loss"]
    for key in ("val_loss", "val_accuracy", "val_track_accuracy", "train_accuracy"):
        assert 0 <= epochs[-1][key] < 10
    ckpt = load_checkpoint(out)
    assert ckpt.scaler.kind == "standard" and ckpt.meta["genres"] == log["data"]["labels"]
    assert ckpt.meta["default_layer"] == "L6" and ckpt.model_config["n_genres"] == 4
    listed = runner.invoke(models, [str(out), "--json"], catch_exceptions=False)
    builtin, mine = json.loads(listed.output)
    assert builtin["builtin"] and builtin["name"] == "default"
    assert mine["arch"] == "alexnet" and mine["layers"] == {"L5": 6144, "L6": 32, "L7": 32}
    assert mine["parameters"] == sum(p.numel() for p in ckpt.build_model().parameters())
    assert mine["file_bytes"] == out.stat().st_size
    text = runner.invoke(models, [str(out)], catch_exceptions=False).output
    assert "NET-ALEX" in text and "L6 (32-d)" in text and "default L6" in text


def test_resume_continues_from_the_saved_epoch(corpus, tmp_path):
    few = corpus.subset(np.isin(corpus.track_ids, [0, 1, 2, 3, 4, 5]))
    kw = dict(model={"fc_hidden": 16}, batch_size=4, optimizer="sgd", lr=1e-3, seed=5, device="cpu")
    straight, cut = tmp_path / "straight.dvz", tmp_path / "cut.dvz"
    train_kept = partial(run_training, progress=False, keep_state=True)
    train_kept(TrainConfig("alexnet", epochs=3, **kw), few, straight, tmp_path / "straight.json")
    train_kept(TrainConfig("alexnet", epochs=2, **kw), few, cut, tmp_path / "cut.json")
    assert load_state(cut).epoch == 2
    train_kept(TrainConfig("alexnet", epochs=3, **kw), few, cut, tmp_path / "cut.json", resume=cut)
    a, b = load_state(straight), load_state(cut)
    assert b.epoch == 3
    assert all(torch.equal(v, b.model[k]) for k, v in a.model.items())  # dropout RNG restored
    assert epochs_of(tmp_path / "straight.json") == epochs_of(tmp_path / "cut.json")
    assert json.loads((tmp_path / "cut.json").read_text())["resumed_from_epoch"] == 2
    with pytest.raises(DeepvizError, match="another run.*lr"):
        run_training(
            TrainConfig("alexnet", epochs=4, **{**kw, "lr": 0.1}),
            few,
            cut,
            progress=False,
            resume=cut,
        )
    with pytest.raises(DeepvizError, match="no resume state"):
        run_training(
            TrainConfig("alexnet", epochs=4, **kw),
            few,
            tmp_path / "new.dvz",
            progress=False,
            resume=tmp_path / "nothing.dvz",
        )


def test_track_accuracy_is_a_majority_vote():
    tracks = np.array([1, 1, 1, 2, 2, 3, 3])
    labels = np.array([0, 0, 0, 1, 1, 2, 2])
    preds = np.array([0, 1, 0, 0, 1, 2, 0])
    probs = np.full((7, 3), 0.1)
    probs[3, 0], probs[4, 1] = 0.6, 0.9  # track 2 ties 1–1; its mean probability favours 1
    assert track_vote_accuracy(tracks, labels, preds, probs) == pytest.approx(2 / 3)


@pytest.fixture(scope="module")
def small_ckpt(tmp_path_factory, corpus):
    path = tmp_path_factory.mktemp("ckpt") / "ae.dvz"
    cfg = TrainConfig("ae", model=TINY_AE, epochs=1, batch_size=16, seed=0, device="cpu")
    run_training(cfg, corpus, path, progress=False)
    return path


def test_pickle_truncated_and_foreign_files_are_refused(small_ckpt, tmp_path):
    pickled = tmp_path / "pickled.dvz"
    torch.save(load_checkpoint(small_ckpt).state_dict, pickled)
    with pytest.raises(DeepvizError, match="not a deepviz checkpoint"):
        load_checkpoint(pickled)
    data = small_ckpt.read_bytes()
    for n in (5, 100, len(data) // 2, len(data) - 1):
        cut = tmp_path / f"cut{n}.dvz"
        cut.write_bytes(data[:n])
        with pytest.raises(DeepvizError, match="not a deepviz checkpoint") as err:
            FeatureExtractor(str(cut), device="cpu")
        assert str(cut) in str(err.value)
    plain = tmp_path / "plain.dvz"
    save_file({"w": torch.zeros(3)}, str(plain))
    with pytest.raises(DeepvizError, match="without a deepviz config"):
        load_checkpoint(plain)
    (tmp_path / "x.dvz.resume").write_bytes(pickled.read_bytes())
    with pytest.raises(DeepvizError, match="not a deepviz resume state"):
        load_state(tmp_path / "x.dvz")


def test_weights_of_another_architecture_are_refused(small_ckpt, tmp_path):
    ae = load_checkpoint(small_ckpt)
    wrong = Checkpoint("alexnet", {"n_genres": 6, "fc_hidden": 8}, ae.scaler, ae.state_dict, {})
    save_checkpoint(wrong, tmp_path / "wrong.dvz")
    with pytest.raises(DeepvizError, match="weights do not fit architecture alexnet"):
        FeatureExtractor(str(tmp_path / "wrong.dvz"), device="cpu")
    wider = Checkpoint("ae", {**TINY_AE, "widths": [8, 8, 8, 8]}, ae.scaler, ae.state_dict, {})
    save_checkpoint(wider, tmp_path / "wider.dvz")
    with pytest.raises(DeepvizError, match="tensors of another shape"):
        load_checkpoint(tmp_path / "wider.dvz").build_model()
    tensors = load_file(str(small_ckpt))
    with safe_open(str(small_ckpt), framework="pt") as f:
        meta = json.loads(f.metadata()["deepviz"])
    meta["arch"] = "resnet"
    save_file(tensors, str(tmp_path / "resnet.dvz"), metadata={"deepviz": json.dumps(meta)})
    with pytest.raises(DeepvizError, match="unknown architecture 'resnet'"):
        load_checkpoint(tmp_path / "resnet.dvz")


def test_cli_refusals(tmp_path, monkeypatch, small_ckpt):
    runner = CliRunner()

    def fails(args, match):
        with pytest.raises(DeepvizError, match=match):
            runner.invoke(train, args, catch_exceptions=False)

    fails(["-o", str(tmp_path / "a.dvz")], "give one corpus")
    fails(["-o", str(tmp_path / "a.dvz"), "--synth", "3", "--fma-audio", str(tmp_path)], "not both")
    fails(["-o", str(tmp_path / "a.dvz"), "--fma-audio", str(tmp_path)], "needs --fma-metadata")
    fails(["-o", str(tmp_path / "a.txt"), "--synth", "3"], "ends in .dvz")
    fails(["-o", str(small_ckpt), "--synth", "3"], "already exists")
    fails(["--recipe", "default", "-o", str(tmp_path / "d.dvz"), "--arch", "vgg16"], "drop --arch")
    fails(
        ["--arch", "vgg11", "--widths", "4,8", "--synth", "3", "-o", str(tmp_path / "a.dvz")],
        "--widths is for the autoencoders",
    )
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "empty"))
    fails(
        ["--arch", "vgg13", "--pretrained", "--synth", "3", "-o", str(tmp_path / "v.dvz")],
        f"put the file from .*vgg13_bn-abd245e5.pth at {tmp_path / 'empty'}",
    )
    assert not (tmp_path / "v.dvz").exists()
    with pytest.raises(DeepvizError, match="no such checkpoint"):
        runner.invoke(models, [str(tmp_path / "none.dvz")], catch_exceptions=False)


def test_divergence_stops_with_a_clear_error(corpus, tmp_path):
    few = corpus.subset(np.isin(corpus.track_ids, [0, 1, 2, 3, 4]))
    cfg = TrainConfig(
        "alexnet", model={"fc_hidden": 8}, epochs=3, batch_size=3, lr=1e9, seed=0, device="cpu"
    )
    with pytest.raises(DeepvizError, match="diverged at epoch .* lower --lr"):
        run_training(cfg, few, tmp_path / "nan.dvz", progress=False)


def test_train_checks_the_output_folder_before_any_work(tmp_path):
    from click.testing import CliRunner

    from deepviz.cli import main

    result = CliRunner().invoke(
        main, ["train", "--synth", "3", "-o", str(tmp_path / "no" / "x.dvz")]
    )
    assert result.exit_code == 1
    assert "output folder does not exist" in result.output and "synth" not in result.output
