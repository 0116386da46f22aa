"""The embedded default model: shipped, small, and its features really respond to music."""

import numpy as np

from deepviz.extract.checkpoint import default_checkpoint_path, load_checkpoint
from deepviz.extract.extractor import FeatureExtractor
from deepviz.extract.synth import synth_track


def test_default_model_ships_inside_the_package_and_is_small():
    path = default_checkpoint_path()
    assert path.is_file() and path.stat().st_size <= 20 * 2**20
    ckpt = load_checkpoint(path)
    assert ckpt.arch in ("ae", "ae-shared", "ae-skip")
    assert ckpt.meta["trained"]["val_loss"] < 0.01


def test_default_features_move_with_the_music_and_differ_between_styles():
    extractor = FeatureExtractor("default", device="cpu")
    rock = extractor.extract_audio(synth_track(101, 12.0, "rock")[0]).values
    ambient = extractor.extract_audio(synth_track(102, 12.0, "ambient")[0]).values
    assert rock.shape == (13, 10) and rock.dtype == np.float32
    # a live code: several components vary within a track (a collapsed one is constant)
    assert (rock.std(axis=0) > 0.01).sum() >= 3
    # and the two styles land in different places
    gap = np.linalg.norm(rock.mean(axis=0) - ambient.mean(axis=0))
    assert gap > 3 * max(rock.std(axis=0).mean(), 1e-3) or gap > 0.1


def test_auto_keeps_the_small_default_network_on_the_cpu_and_a_large_one_where_cuda_is():
    import torch

    from deepviz.extract.extractor import is_small, resolve_device
    from deepviz.extract.models import get_model

    # the default network: on the CPU under auto even with a GPU there (CUDA's start-up costs
    # more than the whole run); a 40 M-parameter one goes to CUDA when torch sees it
    assert FeatureExtractor("default", device="auto").device.type == "cpu"
    large = get_model("ae")
    assert not is_small(large)
    assert resolve_device("auto", large).type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert resolve_device("cpu", large).type == "cpu"
