"""`deepviz compare`: --vary cross products, grids, labels, parameter strips, tracks, stills, refusals."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import decode_frames, encode, invoke
from PIL import Image

from deepviz.app.compare import check_layout, vary_variants
from deepviz.cli import main
from deepviz.core.errors import DeepvizError
from deepviz.extract.synth import synth_track
from deepviz.renderer.labels import grid_shape

SMALL = ["--size", "192x96", "--fps", "10", "--preset", "ultrafast", "--samples", "1", "-q"]


def run(*args, expect: int = 0):
    result = CliRunner().invoke(main, ["compare", *map(str, args)])
    assert result.exit_code == expect, result.output
    return result


def still(tmp_path, music_wav, *args, name="s.png") -> np.ndarray:
    out = tmp_path / name
    run(music_wav, "-o", out, "--still", "2", *SMALL, *args)
    return np.asarray(Image.open(out).convert("RGB")).astype(int)


@pytest.mark.parametrize("n", range(1, 17))
def test_grids_hold_1_to_16_panels_most_square_and_wider_than_tall(n):
    cols, rows = grid_shape(n)
    assert cols * rows >= n and cols >= rows and (cols - 1) * rows < n
    check_layout(n, None)


def test_refusals_name_the_problem_before_any_work(tmp_path, music_wav):
    out = tmp_path / "x.mp4"
    for args, named in [
        (["--vary", "colour=red"], "unknown key 'colour'"),
        (["--vary", "mapping=pca,wobble"], "'wobble' is not one of"),
        (["--vary", "smoothing=2"], "--smoothing: 2 is not in"),
        (["--vary", "seed=1,2,3,4,5,6", "--vary", "smoothing=0,0.1,0.2"], "1 to 16 panels"),
        (["--vary", "seed=1,2,3", "--grid", "1x2"], "room for 2 of 3"),
        (["--vary", "seed=1,2", "--mappings", "pca"], "not both"),
    ]:
        result = run(music_wav, "-o", out, *args, expect=1)
        assert named in result.output and "extracting" not in result.output, result.output
    result = run(music_wav, "-o", tmp_path / "x.png", "--vary", "seed=1,2", expect=1)
    assert "needs --still" in result.output
    result = run(music_wav, music_wav, "-o", out, "--vary", "seed=1,2", expect=1)
    assert "several tracks compare the tracks" in result.output
    assert not list(tmp_path.iterdir())


def test_cross_product_labels_name_only_the_varied_keys():
    variants = vary_variants(["mapping=pca,kmeans", "scale-by=across,features"])
    assert [v.label for v in variants] == [
        "mapping=pca · scale-by=across",
        "mapping=pca · scale-by=features",
        "mapping=kmeans · scale-by=across",
        "mapping=kmeans · scale-by=features",
    ]
    assert variants[3].overrides == {"method": "kmeans", "scale_by": "features"}
    model = vary_variants(["model=default,vgg16.dvz:L15"])[1].overrides
    assert model == {"model": "vgg16.dvz", "layer": "L15"}
    with pytest.raises(DeepvizError, match="KEY=V1"):
        vary_variants(["mapping"])


def test_equal_variants_draw_equal_panels_and_different_ones_differ(tmp_path, music_wav):
    img = still(
        tmp_path,
        music_wav,
        "--vary",
        "seed=3,3",
        "--vary",
        "smoothing=0,0.6",
        "--no-labels",
        "--grid",
        "2x2",
    )
    h, w = img.shape[0] // 2, img.shape[1] // 2
    a, b = img[:h, :w], img[:h, w:]  # seed 3, smoothing 0 and 0.6
    c, d = img[h:, :w], img[h:, w:]  # seed 3 again: the same two
    np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(b, d)
    assert np.abs(a - b).mean() > 0.5


def test_labels_and_parameter_strips_appear_where_expected(tmp_path, music_wav):
    args = ("--vary", "mapping=pca,kmeans")
    bare = still(tmp_path, music_wav, *args, "--no-labels", name="bare.png")
    labelled = still(tmp_path, music_wav, *args, name="labelled.png")
    strips = still(tmp_path, music_wav, *args, "--no-labels", "--show-params", name="strips.png")
    changed = np.any(bare != labelled, axis=2)
    assert changed[:20, :40].mean() > 0.2 and changed[20:].mean() == 0  # labels: top left only
    changed = np.any(bare != strips, axis=2)
    assert changed[-6:].mean() > 0.5 and changed[:-8].mean() == 0  # strips: the bottom rows


def test_a_comparison_video_is_as_long_as_its_audio(tmp_path, music_wav):
    out = tmp_path / "cmp.mp4"
    run(music_wav, "-o", out, "--vary", "scene=bar,real", *SMALL)
    frames = decode_frames(out, 192, 96)
    assert abs(len(frames) / 10 - 4.0) <= 0.1
    left, right = frames[:, :, :96].astype(int), frames[:, :, 96:].astype(int)
    assert np.abs(left - right).mean() > 5  # bars and disco balls


def test_several_tracks_share_one_fit_and_take_the_chosen_audio(tmp_path, music_wav):
    short = encode(synth_track(8, 2.0, "ambient")[0], tmp_path / "short.wav")
    out = tmp_path / "tracks.mp4"
    run(music_wav, short, "-o", out, "--mapping", "pca", "--audio", "2", *SMALL)
    assert abs(len(decode_frames(out, 192, 96)) / 10 - 2.0) <= 0.1  # the second track's length
    ref = tmp_path / "ref.json"
    fitted = CliRunner().invoke(main, ["fit", str(music_wav), str(short), "-o", str(ref), "-q"])
    assert fitted.exit_code == 0, fitted.output
    common = ["--still", "1", "--fit", ref, "--no-labels", "--fps", "10", "--samples", "1", "-q"]
    run(music_wav, short, "-o", tmp_path / "both.png", "--size", "192x96", *common)
    run(music_wav, "-o", tmp_path / "one.png", "--size", "96x96", "--vary", "seed=0", *common)
    both = np.asarray(Image.open(tmp_path / "both.png"))
    one = np.asarray(Image.open(tmp_path / "one.png"))
    np.testing.assert_array_equal(both[:, :96], one)  # the first track's panel: the shared fit
    assert np.abs(both[:, 96:].astype(int) - one).mean() > 1  # the other track looks different


def test_models_vary_with_one_extraction_per_track_and_model(tmp_path, music_wav):
    import torch

    from deepviz.extract.checkpoint import Checkpoint, InputScaler, save_checkpoint
    from deepviz.extract.models import build_model

    torch.manual_seed(0)
    model = build_model("ae", {"widths": (4, 4, 4, 4), "fc_hidden": 8, "unpool": "nearest"})
    scaler = InputScaler(
        "minmax", np.full((64, 96), -300, np.float32), np.full((64, 96), 600, np.float32)
    )
    tiny = tmp_path / "tiny.dvz"
    save_checkpoint(
        Checkpoint("ae", model.config.to_dict(), scaler, model.state_dict(), {"name": "tiny"}), tiny
    )
    out = tmp_path / "models.png"
    varied = ["--still", "1", "--vary", f"model=default,{tiny}", "--vary", "mapping=pca,kmeans"]
    result = invoke("compare", music_wav, "-o", out, *varied, "--size", "192x96", "--samples", "1")
    assert result.exit_code == 0, result.output
    assert result.output.count("extracting features") <= 2  # 4 panels, 2 networks: once each
    img = np.asarray(Image.open(out)).astype(int)
    assert np.abs(img[:48, :96] - img[48:, :96]).mean() > 0.5  # another network, another look


def test_sixteen_panels_fill_a_4x4_grid(tmp_path, music_wav):
    img = still(
        tmp_path,
        music_wav,
        "--vary",
        f"seed={','.join(map(str, range(16)))}",
        "--no-labels",
        "--size",
        "256x128",
    )
    h, w = 128 // 4, 256 // 4
    cells = [img[r * h : (r + 1) * h, c * w : (c + 1) * w] for r in range(4) for c in range(4)]
    assert all(cell.max() > 60 for cell in cells)  # every cell holds a picture
