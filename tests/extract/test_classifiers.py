"""The genre classifiers: torchvision's networks with the paper's changes, their feature layers."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torchvision

from deepviz.core.errors import DeepvizError
from deepviz.extract.checkpoint import Checkpoint, InputScaler, load_checkpoint, save_checkpoint
from deepviz.extract.extractor import FeatureExtractor
from deepviz.extract.models import build_model
from deepviz.extract.models.classifiers import (
    ClassifierConfig,
    GenreClassifier,
    build_classifier,
    classifier_layers,
    load_pretrained,
    pretrained_file,
)

PATCH = (1, 1, 64, 96)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.mark.parametrize(
    ("arch", "fc_dim", "trunk", "convs", "default"),
    [
        ("alexnet", 6144, (256, 6, 4), 5, "L6"),
        ("vgg11", 3072, (512, 2, 3), 8, "L8"),
        ("vgg13", 3072, (512, 2, 3), 10, "L10"),
        ("vgg16", 3072, (512, 2, 3), 13, "L15"),
    ],
)
def test_trunk_output_is_the_papers_fc_input(arch, fc_dim, trunk, convs, default):
    model = build_classifier(arch, n_genres=5, fc_hidden=32).eval()
    x = torch.randn(PATCH)
    with torch.no_grad():
        out = model.net.features(x)
        logits = model(x)
        feats = model.features(x)
    assert tuple(out.shape[1:]) == trunk and out[0].numel() == fc_dim == model.fc_dim
    assert model.net.classifier[0].in_features == fc_dim
    assert logits.shape == (1, 5)
    assert sum(isinstance(m, torch.nn.Conv2d) for m in model.net.features) == convs
    assert isinstance(model.net.avgpool, torch.nn.Identity)
    n = convs  # L<n>: last max-pool; L<n+1>, L<n+2>: ReLUs after FC1, FC2
    assert model.layers == {f"L{n}": fc_dim, f"L{n + 1}": 32, f"L{n + 2}": 32}
    assert model.default_layer == default and feats.shape == (1, model.layers[default])
    full = classifier_layers(ClassifierConfig(arch))  # the paper's widths, no weights allocated
    assert full == {f"L{n}": fc_dim, f"L{n + 1}": 4096, f"L{n + 2}": 4096}


def test_torchvision_definitions_with_a_one_channel_first_conv():
    alex, vgg = build_classifier("alexnet", fc_hidden=16), build_classifier("vgg16", fc_hidden=16)
    assert isinstance(alex.net, torchvision.models.AlexNet)
    assert isinstance(vgg.net, torchvision.models.VGG)
    a0, v0 = alex.net.features[0], vgg.net.features[0]
    assert (a0.in_channels, a0.out_channels, a0.kernel_size, a0.stride, a0.padding) == (
        1,
        64,
        (11, 11),
        (1, 2),
        (2, 2),
    )
    assert (v0.in_channels, v0.out_channels, v0.kernel_size, v0.padding) == (1, 64, (3, 3), (1, 1))
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in vgg.net.features) == 13  # vgg16_bn
    kinds = [type(m).__name__ for m in vgg.net.classifier]
    assert kinds == ["Linear", "ReLU", "Dropout", "Linear", "ReLU", "Dropout", "Linear"]
    assert all(torch.isfinite(p).all() for p in vgg.parameters())  # materialised, not meta


def test_vgg16_layers_at_full_width():
    model = build_classifier("vgg16", n_genres=8).eval()  # the paper's 4096-wide head
    assert model.layers == {"L13": 3072, "L14": 4096, "L15": 4096}
    x = torch.randn(PATCH)
    with torch.no_grad():
        feats = {layer: model.features(x, layer) for layer in model.layers}
    assert {k: tuple(v.shape) for k, v in feats.items()} == {
        "L13": (1, 3072),
        "L14": (1, 4096),
        "L15": (1, 4096),
    }
    assert model.default_layer == "L15"
    assert (feats["L14"] >= 0).all() and (feats["L15"] >= 0).all()  # taken after the ReLUs
    with torch.no_grad():  # L13 is the flattened output of the last max-pool of `features`
        assert torch.equal(feats["L13"], model.net.features(x).flatten(1))


def test_unknown_layer_names_the_layers():
    model = build_classifier("vgg16", fc_hidden=16)
    with pytest.raises(DeepvizError, match="L13, L14, L15"):
        model.features(torch.randn(PATCH), "L7")


def test_extraction_runs_in_eval_mode_whatever_the_model_mode():
    torch.manual_seed(0)
    model = build_classifier("alexnet", n_genres=3, fc_hidden=64)
    model.train()
    x = torch.randn(4, 1, 64, 96)
    with torch.no_grad():
        assert not torch.equal(model(x), model(x))  # dropout: training mode is random
        a, b = model.features(x, "L7"), model.features(x, "L7")
    assert torch.equal(a, b)
    assert model.training  # the caller's mode is given back
    with torch.no_grad():
        assert torch.equal(model.eval().features(x, "L7"), a)


def test_checkpoint_round_trip_and_feature_extractor(tmp_path):
    model = build_classifier("alexnet", n_genres=4, fc_hidden=32).eval()
    cfg = model.config.to_dict()
    cfg.pop("arch")
    scaler = InputScaler.fit(np.random.default_rng(0).normal(size=(20, 64, 96)), "standard")
    meta = {"name": "tiny", "layers": model.layers, "default_layer": model.default_layer}
    save_checkpoint(
        Checkpoint("alexnet", cfg, scaler, model.state_dict(), meta), tmp_path / "a.dvz"
    )
    ckpt = load_checkpoint(tmp_path / "a.dvz")
    assert ckpt.layers == {"L5": 6144, "L6": 32, "L7": 32} and ckpt.default_layer == "L6"
    assert ckpt.check_layer("L7") == "L7" and ckpt.check_layer(None) == "L6"
    with pytest.raises(DeepvizError, match="L5, L6, L7"):
        ckpt.check_layer("L15")
    patches = np.random.default_rng(1).normal(size=(3, 64, 96)).astype(np.float32)
    x = scaler.transform(torch.from_numpy(patches)).unsqueeze(1)
    for layer in ("L5", None):
        fx = FeatureExtractor(ckpt, device="cpu", layer=layer)
        f1, f2 = fx.features_of_patches(patches), fx.features_of_patches(patches)
        with torch.no_grad():
            want = model.features(x, layer).numpy()
        assert f1.shape == want.shape == (3, ckpt.layers[layer or "L6"])
        assert np.array_equal(f1, f2)
        np.testing.assert_allclose(f1, want, rtol=1e-5, atol=1e-6)


def test_build_model_dispatches_every_classifier():
    for arch in ("alexnet", "vgg11", "vgg13", "vgg16"):
        model = build_model(arch, {"n_genres": 3, "fc_hidden": 8})
        assert isinstance(model, GenreClassifier) and model.config.arch == arch
    with pytest.raises(DeepvizError, match="bad model config"):
        build_model("vgg16", {"widths": [4, 8]})
    with pytest.raises(DeepvizError, match="unknown architecture"):
        build_model("resnet50", {})


def test_pretrained_without_cached_weights_says_which_file_where(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    model = build_classifier("vgg16", fc_hidden=8)
    want = tmp_path / "torch" / "hub" / "checkpoints" / "vgg16_bn-6c64b313.pth"
    assert pretrained_file("vgg16")[0] == want
    with pytest.raises(DeepvizError) as err:
        load_pretrained(model)
    text = str(err.value)
    assert "vgg16_bn-6c64b313.pth" in text and str(want) in text and "never downloads" in text
    assert not want.exists()


def test_pretrained_loads_the_trunk_from_the_hub_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    path = pretrained_file("alexnet")[0]
    path.parent.mkdir(parents=True)
    torch.manual_seed(1)
    trunk = torchvision.models.alexnet().features.state_dict()  # torchvision's own key names
    torch.save({f"features.{k}": v for k, v in trunk.items()}, path)
    model = GenreClassifier(ClassifierConfig("alexnet", n_genres=3, fc_hidden=8))
    first = model.net.features[0].weight.clone()
    loaded = load_pretrained(model)
    assert loaded == sorted(f"features.{k}" for k in trunk if not k.startswith("0."))
    assert torch.equal(model.net.features[3].weight, trunk["3.weight"])
    assert torch.equal(model.net.features[10].bias, trunk["10.bias"])
    assert torch.equal(model.net.features[0].weight, first)  # 1-channel conv keeps its own
