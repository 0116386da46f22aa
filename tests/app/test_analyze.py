"""`deepviz analyze`: the report folder, its numbers against numpy, separability, labels, skips."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import encode
from fma_fixture import BROKEN_ID, GENRES, make_fma

from deepviz.cli import main
from deepviz.extract.extractor import FeatureExtractor
from deepviz.extract.synth import synth_track
from deepviz.mapping import MappingOptions, fit_mapping
from deepviz.mapping.analysis import Trial, evaluate
from deepviz.mapping.stats import silhouette
from deepviz.mapping.timeline import parameter_curves

STYLES = ("electronic", "ambient", "rock")
FILES = ["raw.png", "scaled.png", "transformed.png", "variance.png", "heatmaps.png",
         "tracks2d.png", "index.html", "stats.json"]  # fmt: skip

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def styled(tmp_path_factory):
    """3 styles × 3 tracks of 4 s in one folder each, and one broken file among the rock."""
    root = tmp_path_factory.mktemp("styles")
    for s in STYLES:
        (root / s).mkdir()
        for i in range(3):
            encode(synth_track(200 + i, 4.0, s)[0], root / s / f"{s}{i}.wav")
    (root / "rock" / "broken.mp3").write_bytes(b"not audio" * 50)
    return root


@pytest.fixture(scope="module")
def analyzed(styled):
    out = styled / "report"
    args = [
        "analyze",
        *(str(styled / s) for s in STYLES),
        "-o",
        str(out),
        "-q",
        "--device",
        "cpu",
        "--fit",
        "track",
    ]  # the paper's per-track fit: the direct computation below repeats it
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return out, json.loads((out / "stats.json").read_text()), result.output


def test_the_report_folder_holds_every_figure_the_page_and_the_numbers(analyzed):
    out, doc, printed = analyzed
    for name in FILES:
        assert (out / name).stat().st_size > 500, name
    page = (out / "index.html").read_text()
    assert all(f'src="{n}"' in page for n in FILES if n.endswith(".png"))
    assert doc["genres"] == {"ambient": 3, "electronic": 3, "rock": 3}
    assert "silhouette" in printed and doc["mappings"][0]["mapping"] in printed


def test_the_numbers_equal_a_direct_computation(analyzed, styled):
    _, doc, _ = analyzed
    extractor = FeatureExtractor("default", device="cpu")
    files = [t["file"] for t in doc["tracks"]]
    feats = [extractor.extract(f) for f in files]
    raw = np.concatenate([f.values for f in feats]).astype(np.float64)
    np.testing.assert_allclose(doc["spaces"]["raw"]["overall"]["mean"], raw.mean(axis=0), rtol=1e-9)
    np.testing.assert_allclose(doc["spaces"]["raw"]["overall"]["std"], raw.std(axis=0), rtol=1e-9)
    # the main mapping (deterministic, fitted per track) by hand: per-frame curves, their stds
    curves = []
    for f in feats:
        params = fit_mapping(f.values, MappingOptions(), "default").transform(f.values)
        curves.append(parameter_curves(params, f.anchors, f.duration, 30.0, 0.25))
    row = doc["mappings"][0]
    want = np.mean([c.std(axis=0).mean() for c in curves])
    assert row["within_std"] == pytest.approx(want, rel=1e-9)
    from sklearn.metrics import silhouette_score

    means = np.stack([c.mean(axis=0) for c in curves])
    labels = [t["genre"] for t in doc["tracks"]]
    assert row["silhouette"] == pytest.approx(silhouette_score(means, labels), rel=1e-9)
    np.testing.assert_allclose(doc["tracks"][0]["param_mean"], curves[0].mean(axis=0), atol=1e-6)


def test_separated_styles_score_higher_than_shuffled_labels(styled):
    extractor = FeatureExtractor("default", device="cpu")
    feats, labels = [], []
    for s in STYLES:
        for i in range(3):
            feats.append(extractor.extract(styled / s / f"{s}{i}.wav"))
            labels.append(s)
    trial = Trial(MappingOptions("pca"), "reference")
    true, _ = evaluate(trial, feats, labels, 10.0, 0.0)

    def groups(lab):
        return {frozenset(i for i, x in enumerate(lab) if x == g) for g in set(lab)}

    shuffled = [np.random.default_rng(k).permutation(labels).tolist() for k in range(12)]
    shuffled = [lab for lab in shuffled if groups(lab) != groups(labels)]  # really other groups
    scores = [evaluate(trial, feats, lab, 10.0, 0.0)[0]["silhouette"] for lab in shuffled]
    assert len(scores) >= 8 and true["silhouette"] > max(scores) and true["silhouette"] > 0.05
    assert silhouette(np.zeros((3, 2)), ["a", "a", "a"]) is None  # one label: undefined


def test_a_broken_file_is_listed_as_skipped(analyzed):
    out, doc, _ = analyzed
    assert [s["file"].endswith("broken.mp3") for s in doc["skipped"]] == [True]
    assert "broken.mp3" in (out / "index.html").read_text()


def test_fma_labels_come_from_tracks_csv(tmp_path):
    fma = make_fma(tmp_path, duration=1.5, n_per_genre=2)
    out = tmp_path / "report"
    args = [
        "analyze",
        str(fma["audio"]),
        "--fma-metadata",
        str(fma["metadata"]),
        "-o",
        str(out),
        "-q",
        "--device",
        "cpu",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "stats.json").read_text())
    assert doc["genres"] == {g: 2 for g in sorted(GENRES)}
    by_id = {int(t["file"].rsplit("/", 1)[1][:6]): t["genre"] for t in doc["tracks"]}
    for r in fma["rows"]:
        if r["id"] in by_id:
            assert by_id[r["id"]] == r["genre"]
    skipped = {s["file"].rsplit("/", 1)[1]: s["error"] for s in doc["skipped"]}
    assert "no genre_top" in skipped["000005.mp3"] and f"{BROKEN_ID:06d}.mp3" in skipped


def test_an_existing_report_is_kept_without_y(analyzed, styled):
    out, _, _ = analyzed
    result = CliRunner().invoke(main, ["analyze", str(styled / "rock"), "-o", str(out)])
    assert result.exit_code == 1 and "already holds a report" in result.output
