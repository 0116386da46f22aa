"""The mapping from the command line: fit on a reference set, render with it, parameter curves."""

import json

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from conftest import encode

from deepviz.cli import main
from deepviz.extract.checkpoint import load_checkpoint, resolve_checkpoint, save_checkpoint
from deepviz.extract.synth import synth_track

SMALL = ["--size", "64x48", "--fps", "10", "--preset", "ultrafast", "--samples", "1", "-q"]


def run(*args, expect=0):
    result = CliRunner().invoke(main, list(map(str, args)))
    assert result.exit_code == expect, result.output
    return result


@pytest.fixture(scope="module")
def genre_dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("genres")
    for style in ("rock", "ambient"):
        (root / style).mkdir()
        for i in range(2):
            y, _ = synth_track(20 + i, 3.0, style)
            encode(y, root / style / f"{style}{i}.ogg", args=("-c:a", "libvorbis"))
    (root / "rock" / "cover.txt").write_text("not audio, ignored by extension")
    return root


def test_fit_then_render_and_params_with_the_fit(tmp_path, genre_dirs, music_wav):
    ref = tmp_path / "reference.json"
    genres = (genre_dirs / "rock", genre_dirs / "ambient")
    run("fit", *genres, "-o", ref, "--mapping", "kmeans-pca", "-q")
    doc = json.loads(ref.read_text())
    assert doc["model_id"] == "default" and doc["feature_dim"] == 10
    a, b = tmp_path / "a.csv", tmp_path / "b.json"
    run("params", music_wav, "-o", a, "--fit", ref, "--fps", "10", "-q")
    run("params", music_wav, "-o", b, "--fit", ref, "--fps", "10", "-q")
    rows = np.loadtxt(a, delimiter=",", skiprows=1)
    js = json.loads(b.read_text())
    np.testing.assert_allclose(rows[:, 2:], np.array(js["values"]), atol=1e-6)
    assert js["names"][0] == "sphR" and js["names"][10:] == [
        "pulse",
        "level",
        "section",
    ]  # + the hits
    # the render with --dump-params writes exactly what `params` computes
    dump = tmp_path / "dump.csv"
    real = ["--scene", "real", "--dump-params", dump, *SMALL]
    run("render", music_wav, "-o", tmp_path / "v.mp4", "--fit", ref, *real)
    np.testing.assert_array_equal(np.loadtxt(dump, delimiter=",", skiprows=1), rows)


def test_fit_made_with_another_model_is_refused(tmp_path, genre_dirs, music_wav):
    ckpt = load_checkpoint(resolve_checkpoint(None))
    ckpt.meta["name"] = "other-model"
    ckpt.state_dict = {k: v + 0.01 * torch.randn_like(v) for k, v in ckpt.state_dict.items()}
    other = tmp_path / "other.dvz"
    save_checkpoint(ckpt, other)
    ref = tmp_path / "ref.json"
    run("fit", genre_dirs / "rock", "-o", ref, "--model", other, "--mapping", "pca", "-q")
    result = run("render", music_wav, "-o", tmp_path / "v.mp4", "--fit", ref, *SMALL, expect=1)
    assert "other-model" in result.output and str(ref) in result.output
    assert not (tmp_path / "v.mp4").exists()


@pytest.mark.parametrize("method", ["deterministic", "random", "pca", "kmeans", "kmeans-pca"])
@pytest.mark.parametrize("scaling", ["standard", "minmax"])
def test_every_method_and_scaler_from_the_cli(tmp_path, music_wav, method, scaling):
    out = tmp_path / "p.csv"
    mapping = ["--mapping", method, "--scaling", scaling]
    run("params", music_wav, "-o", out, *mapping, *"--scale-by across --fps 5 -q".split())
    vals = np.loadtxt(out, delimiter=",", skiprows=1)[
        :, 2:12
    ]  # the ten parameters (pulse and level follow)
    assert vals.shape == (20, 10) and vals.min() >= 0 and vals.max() <= 1


def test_stats_and_param_order(tmp_path, music_wav):
    result = run("params", music_wav, "--stats", "--mapping", "pca", "-q")
    lines = result.output.strip().splitlines()
    assert lines[0].split() == ["parameter", "mean", "std"] and len(lines) == 11
    order = "camSpeed,sphRad,sphDist,sphR,sphG,sphB,skyR,skyG,skyB,camHeight"
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    run("params", music_wav, "-o", a, "--mapping", "deterministic", "-q")
    run("params", music_wav, "-o", b, "--mapping", "deterministic", "--param-order", order, "-q")
    va, vb = (
        np.array(json.loads(a.read_text())["values"]),
        np.array(json.loads(b.read_text())["values"]),
    )
    names = json.loads(a.read_text())["names"]
    # component 0 (which drove sphR by default) now drives camSpeed
    np.testing.assert_allclose(vb[:, names.index("camSpeed")], va[:, names.index("sphR")])
    bad = run("params", music_wav, "-o", a, "-y", "--param-order", "camSpeed,wobble", expect=1)
    assert "wobble" in bad.output


@pytest.fixture(scope="module")
def classifier_dvz(tmp_path_factory):
    """A small AlexNet genre classifier (untrained) whose L5 layer gives 6144-d features."""
    from deepviz.extract.checkpoint import Checkpoint, InputScaler
    from deepviz.extract.models.classifiers import build_classifier

    torch.manual_seed(0)
    model = build_classifier("alexnet", n_genres=3, fc_hidden=32).eval()
    cfg = model.config.to_dict()
    cfg.pop("arch")
    scaler = InputScaler.fit(np.random.default_rng(0).normal(size=(20, 64, 96)) * 50, "standard")
    meta = {"name": "alex-tiny", "layers": model.layers, "default_layer": model.default_layer}
    path = tmp_path_factory.mktemp("models") / "alex.dvz"
    save_checkpoint(Checkpoint("alexnet", cfg, scaler, model.state_dict(), meta), path)
    return path


@pytest.mark.parametrize("method", ["pca", "kmeans", "kmeans-pca"])
def test_methods_on_classifier_features_through_a_reference_fit(
    tmp_path, genre_dirs, music_wav, classifier_dvz, method
):
    ref = tmp_path / "ref.json"
    l5 = ["--model", classifier_dvz, "--layer", "L5"]
    run("fit", genre_dirs, "-o", ref, *l5, "--mapping", method, "-q")
    assert json.loads(ref.read_text())["feature_dim"] == 6144
    out = tmp_path / "p.csv"
    run("params", music_wav, "-o", out, *l5, "--fit", ref, "--fps", "5", "-q")
    vals = np.loadtxt(out, delimiter=",", skiprows=1)[:, 2:12]
    assert vals.shape == (20, 10) and 0 <= vals.min() and vals.max() <= 1 and vals.std() > 0
    # the same fit with another layer (another feature size) is refused
    l6 = ["--model", classifier_dvz, "--layer", "L6"]
    bad = run("params", music_wav, "-o", tmp_path / "q.csv", *l6, "--fit", ref, "-q", expect=1)
    assert str(ref) in bad.output


def test_deterministic_on_classifier_features_suggests_pca(tmp_path, music_wav, classifier_dvz):
    l5 = ["--model", classifier_dvz, "--layer", "L5"]
    bad = run("params", music_wav, "--stats", *l5, "--mapping", "deterministic", "-q", expect=1)
    assert "pca" in bad.output and "6144" in bad.output
