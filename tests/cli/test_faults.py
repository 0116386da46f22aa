"""Files a user hands over, mutated at random (seeded): every case loads or gives one DeepvizError,
nothing else escapes, and nothing allocates beyond a budget."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

import numpy as np
import pytest
import torch
from fuzz import dumps, mutate
from safetensors.torch import load_file, save_file

from deepviz.core.errors import DeepvizError
from deepviz.extract.checkpoint import Checkpoint, InputScaler, load_checkpoint, save_checkpoint
from deepviz.extract.models import build_model
from deepviz.mapping import MappingOptions, fit_mapping, load_mapping

BUDGET_MIB = 1024  # peak memory the whole fuzz may add


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.fixture(scope="module")
def tiny_dvz(tmp_path_factory):
    torch.manual_seed(0)
    model = build_model("ae", {"widths": (4, 4, 4, 4), "fc_hidden": 8, "unpool": "nearest"})
    scaler = InputScaler("minmax", np.zeros((64, 96), np.float32), np.ones((64, 96), np.float32))
    path = tmp_path_factory.mktemp("dvz") / "tiny.dvz"
    save_checkpoint(
        Checkpoint("ae", model.config.to_dict(), scaler, model.state_dict(), {"name": "tiny"}), path
    )
    return path


def test_mutated_checkpoints_load_or_give_one_error(tmp_path, tiny_dvz):
    from safetensors import safe_open

    with safe_open(str(tiny_dvz), framework="pt") as f:
        config = json.loads(f.metadata()["deepviz"])
    tensors = load_file(str(tiny_dvz))
    rng, before, errors = np.random.default_rng(2026), peak_mib(), 0
    for case in range(300):
        doc, tens = mutate(config, rng), dict(tensors)
        if case % 10 == 0:  # the tensors too: a NaN weight, a wrongly shaped scaler
            key = list(tens)[rng.integers(len(tens))]
            tens[key] = torch.full((3, 5), float("nan")) if case % 20 else tens[key][..., :1]
        path = tmp_path / f"m{case}.dvz"
        text = dumps(doc)
        save_file({k: v.contiguous() for k, v in tens.items()}, str(path), {"deepviz": text})
        try:
            load_checkpoint(path).build_model()
        except DeepvizError as exc:
            errors += 1
            assert "\n" not in str(exc) and str(path) in str(exc)
    assert errors > 100  # most mutations are refused …
    assert peak_mib() - before < BUDGET_MIB  # … before they allocate anything large


def test_mutated_fits_load_or_give_one_error(tmp_path):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(60, 12))
    path = tmp_path / "fit.json"
    for method in ("pca", "kmeans-pca", "deterministic"):
        feats = X if method != "deterministic" else X[:, :10]
        fit_mapping(feats, MappingOptions(method), "m").save(path)
        good = json.loads(path.read_text())
        before, errors = peak_mib(), 0
        for _ in range(150):
            path.write_text(dumps(mutate(good, rng)))
            try:
                out = load_mapping(path).transform(feats)
                assert out.shape == (60, 10) and np.isfinite(out).all()
            except DeepvizError as exc:
                errors += 1
                assert "\n" not in str(exc)
        assert errors > 50 and peak_mib() - before < BUDGET_MIB


def _deepviz(*args, env=None, preexec_fn=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "deepviz", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=preexec_fn,
    )


def _one_error_line(proc: subprocess.CompletedProcess, *words: str) -> None:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("deepviz: error: "), proc.stderr
    assert all(w in lines[0] for w in words), lines[0]


def test_an_encoder_that_fails_to_start_leaves_nothing(tmp_path, music_wav):
    env = {**os.environ, "IMAGEIO_FFMPEG_EXE": "/bin/false"}
    out = tmp_path / "v.mp4"
    proc = _deepviz(
        "render",
        music_wav,
        "-o",
        out,
        "--size",
        "64x48",
        "-q",
        "--dump-params",
        tmp_path / "v.csv",
        env=env,
    )
    _one_error_line(proc, str(out))
    assert os.listdir(tmp_path) == []


def test_a_full_disk_names_the_file_and_leaves_nothing(tmp_path, music_wav):
    """RLIMIT_FSIZE makes every write past 4 KiB fail as a full disk would (EFBIG)."""

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    out = tmp_path / "curves.csv"
    _deepviz("params", music_wav, "-o", tmp_path / "warm.csv")  # features cached: no cache write
    proc = _deepviz("params", music_wav, "-o", out, preexec_fn=small_files)
    _one_error_line(proc, str(out), "File too large")
    assert sorted(os.listdir(tmp_path)) == ["warm.csv"]


def test_a_network_that_gives_nan_names_the_track(tmp_path, tiny_dvz, music_wav):
    """Finite weights so large that the activations overflow: the features are NaN."""
    ckpt = load_checkpoint(tiny_dvz)
    state = {k: v * 1e30 if v.is_floating_point() else v for k, v in ckpt.state_dict.items()}
    huge = tmp_path / "huge.dvz"
    save_checkpoint(
        Checkpoint(ckpt.arch, ckpt.model_config, ckpt.scaler, state, {"name": "huge"}), huge
    )
    proc = _deepviz(
        "params", music_wav, "--model", huge, "--fit", "track", "-q", "-o", tmp_path / "p.csv"
    )
    _one_error_line(proc, str(music_wav), "NaN or infinite features")
    assert not (tmp_path / "p.csv").exists()


def test_a_fit_that_overflows_on_a_track_is_one_error():
    """A fit file can pass every check on load (its probe stays in range) and still overflow on
    a track's features, as a cluster centre damaged to 1e308 does: one error naming the file,
    not sklearn's traceback."""
    X = np.random.default_rng(7).normal(size=(60, 10))
    fit = fit_mapping(X, MappingOptions("kmeans-pca"), "m")
    fit.pipeline.named_steps["kmeans"].kmeans_.cluster_centers_[0, 0] = 1e308
    fit.path = "damaged.json"
    with pytest.raises(DeepvizError, match="no finite values") as caught:
        fit.transform(X)
    assert str(caught.value).startswith("damaged.json: ") and "\n" not in str(caught.value)
