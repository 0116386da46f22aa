"""Mapping: methods I–V × scalings, JSON reference-set fits, parameter order, curve statistics."""

from __future__ import annotations

import itertools
import json
import pickle

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from deepviz.core.errors import DeepvizError
from deepviz.mapping import (
    METHODS,
    PAPER_METHODS,
    SCALE_BY,
    SCALINGS,
    MappingOptions,
    apply_order,
    build_mapping,
    curve_stats,
    fit_mapping,
    load_mapping,
    resolve_order,
)
from deepviz.mapping.methods import KMeansSimilarity

WIDE = 3000  # a classifier-sized feature vector


@pytest.fixture(autouse=True, scope="module")
def one_blas_thread():
    """Tiny matrices: BLAS threads only add overhead, 100× on a busy 2-core machine."""
    with threadpool_limits(1):
        yield


def features(method: str, n: int = 40, seed: int = 0) -> np.ndarray:
    """Gaussian features, 10-d for I/II and WIDE-d otherwise, with unequal means and scales."""
    rng = np.random.default_rng(seed)
    d = 10 if method in ("deterministic", "random") else WIDE
    return rng.normal(size=(n, d)) * rng.uniform(0.1, 3.0, d) + rng.uniform(-5, 5, d)


def low_rank(n: int = 60, d: int = WIDE, seed: int = 0) -> np.ndarray:
    """Features from 12 latent factors of decreasing variance, plus a little noise."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 12)) * np.geomspace(8.0, 0.5, 12)
    return latent @ rng.normal(size=(12, d)) + 0.05 * rng.normal(size=(n, d))


@pytest.mark.parametrize(
    "method,scaling,scale_by", list(itertools.product(PAPER_METHODS, SCALINGS, SCALE_BY))
)
def test_every_combination_gives_ten_values_in_unit_range(method, scaling, scale_by):
    X = features(method)
    pipeline = build_mapping(MappingOptions(method, scaling, scale_by)).fit(X)
    for data in (X, 3.0 * features(method, n=25, seed=1)):  # fit data and data far outside it
        Y = pipeline.transform(data)
        assert Y.shape == (len(data), 10) and Y.dtype == np.float64
        assert np.isfinite(Y).all() and Y.min() >= 0.0 and Y.max() <= 1.0
    assert pipeline.transform(X).std(axis=0).max() > 0.01  # not a constant


def test_pca_and_kmeans_pca_scale_across_and_say_so():
    for method in ("pca", "kmeans-pca"):
        options = MappingOptions(method, scale_by="features")
        assert options.scale_by == "across"
        assert len(options.warnings) == 1 and "across" in options.warnings[0]
        assert not MappingOptions(method, scale_by="across").warnings
        assert not MappingOptions(method, scale_by=None).warnings
    assert MappingOptions("pca", scale_by=None).scale_by == "across"
    assert MappingOptions("kmeans", scale_by=None).scale_by == "features"
    assert not MappingOptions("kmeans", scale_by="features").warnings


@pytest.mark.parametrize(
    "kwargs,word",
    [
        ({"method": "umap"}, "kmeans-pca"),
        ({"scaling": "robust"}, "minmax"),
        ({"scale_by": "rows"}, "across"),
        ({"n_clusters": 0}, "clusters"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_options_are_refused(kwargs, word):
    with pytest.raises(DeepvizError, match=word):
        MappingOptions(**kwargs)


def test_standard_scaling_is_half_plus_point_four_z():
    X = features("deterministic", n=500)
    by_features = build_mapping(MappingOptions(scaling="standard", scale_by="features"))
    Y = by_features.set_params(unit__clip=False).fit_transform(X)
    np.testing.assert_allclose(Y.mean(axis=0), 0.5, atol=1e-9)
    np.testing.assert_allclose(Y.std(axis=0), 0.4, atol=1e-9)
    across = build_mapping(MappingOptions(scaling="standard", scale_by="across"))
    Y = across.set_params(unit__clip=False).fit_transform(X)
    assert Y.mean() == pytest.approx(0.5) and Y.std() == pytest.approx(0.4)
    assert Y.std(axis=0).max() > 2 * Y.std(axis=0).min()  # one statistic: columns keep their spread
    clipped = build_mapping(MappingOptions(scaling="standard")).fit_transform(X)
    assert clipped.min() == 0.0 and clipped.max() == 1.0  # |z| > 1.25 happens on 500 samples
    assert abs(clipped.mean() - 0.5) < 0.02


def test_minmax_scaling_spans_unit_range_on_fit_data():
    X = features("deterministic", n=100)
    Y = build_mapping(MappingOptions(scaling="minmax", scale_by="features")).fit_transform(X)
    np.testing.assert_allclose(Y.min(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Y.max(axis=0), 1.0, atol=1e-12)
    Y = build_mapping(MappingOptions(scaling="minmax", scale_by="across")).fit_transform(X)
    assert Y.min() == pytest.approx(0.0) and Y.max() == pytest.approx(1.0)
    assert (Y.max(axis=0) < 0.999).sum() >= 5  # one statistic over all columns


@pytest.mark.parametrize("method", ["pca", "kmeans-pca"])
@pytest.mark.parametrize("scaling", SCALINGS)
def test_components_come_in_order_of_decreasing_spread(method, scaling):
    X = low_rank()
    pipeline = build_mapping(MappingOptions(method, scaling, "across", n_clusters=20))
    if scaling == "standard":
        pipeline.set_params(unit__clip=False)
    std = pipeline.fit(X).transform(X).std(axis=0)
    assert np.all(np.diff(std) <= 1e-12), std
    assert std[0] > 1.5 * std[-1]


def blobs(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0] * 5, [10.0] * 5, [0.0, 10, 0, 10, 0]])
    return np.concatenate([c + rng.normal(size=(20, 5)) for c in centers])


def test_kmeans_similarity_peaks_at_the_nearest_centroid_and_is_finite_on_one():
    X = blobs()
    sim = KMeansSimilarity(n_clusters=3, n_init=2, random_state=0).fit(X)
    S = sim.transform(X)
    assert S.shape == (60, 3) and np.isfinite(S).all() and (S > 0).all()
    np.testing.assert_array_equal(S.argmax(axis=1), sim.kmeans_.predict(X))
    centers = sim.kmeans_.cluster_centers_
    on = sim.transform(centers)
    assert np.isfinite(on).all()
    np.testing.assert_array_equal(on.argmax(axis=1), [0, 1, 2])
    assert on.max() <= 1.0 / sim.eps_ and on.max() > S.max() * 0.999


def test_kmeans_needs_one_cluster_per_parameter():
    with pytest.raises(DeepvizError, match="kmeans-pca"):
        build_mapping(MappingOptions("kmeans", n_clusters=7))
    X = features("kmeans", n=30)
    for k in (4, 20):  # fewer clusters than parameters are padded by the PCA
        Y = build_mapping(MappingOptions("kmeans-pca", n_clusters=k)).fit(X).transform(X)
        assert Y.shape == (30, 10) and np.isfinite(Y).all()


def test_random_is_a_seeded_permutation_of_deterministic():
    X = features("random", n=50)
    det = build_mapping(MappingOptions("deterministic", "minmax")).fit(X)
    perms = []
    for seed in range(4):
        rnd = build_mapping(MappingOptions("random", "minmax", seed=seed)).fit(X)
        perm = rnd["permute"].permutation_
        assert sorted(perm) == list(range(10))
        np.testing.assert_array_equal(rnd.transform(X), det.transform(X)[:, perm])
        perms.append(tuple(perm))
    again = build_mapping(MappingOptions("random", seed=2)).fit(X)["permute"].permutation_
    assert tuple(again) == perms[2]
    assert len(set(perms)) == 4 and tuple(range(10)) not in perms


@pytest.mark.parametrize("method", ["deterministic", "random"])
def test_one_parameter_per_feature_methods_refuse_wide_features(method):
    with pytest.raises(DeepvizError, match="--mapping pca"):
        fit_mapping(features("pca", n=20), MappingOptions(method), "resnet")
    fitted = fit_mapping(features(method, n=20), MappingOptions(method), "ae")
    with pytest.raises(DeepvizError, match="10-d"):
        fitted.transform(np.zeros((3, 12)))


@pytest.mark.parametrize("method", PAPER_METHODS)
@pytest.mark.parametrize("n", [1, 2, 9])
def test_short_tracks_do_not_crash(method, n):
    X = features(method, n=n)
    fitted = fit_mapping(X, MappingOptions(method, scale_by=None), "ae")
    for data in (X, features(method, n=5, seed=1)):
        Y = fitted.transform(data)
        assert Y.shape == (len(data), 10) and np.isfinite(Y).all()
        assert Y.min() >= 0.0 and Y.max() <= 1.0
    if method == "pca":  # n − 1 components fitted, the rest padded at the neutral 0.5
        np.testing.assert_allclose(fitted.transform(X)[:, n - 1 :], 0.5, atol=1e-12)


def test_fits_are_reproducible_from_the_seed():
    X = features("kmeans-pca", n=40)
    a, b = (fit_mapping(X, MappingOptions("kmeans-pca", seed=3), "m").transform(X) for _ in "ab")
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "method,scaling,scale_by",
    [
        ("deterministic", "standard", "features"),
        ("random", "minmax", "across"),
        ("pca", "standard", "across"),
        ("kmeans", "minmax", "features"),
        ("kmeans-pca", "minmax", "across"),
    ],
)
def test_fit_saved_as_json_loads_to_identical_output(tmp_path, method, scaling, scale_by):
    options = MappingOptions(method, scaling, scale_by, seed=5)
    fitted = fit_mapping(features(method, n=40), options, "vgg16:L15")
    path = tmp_path / "fit.json"
    fitted.save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["fit.json"]  # no temporary left behind
    data = json.loads(path.read_text())
    assert data["format"] == "deepviz-mapping" and data["version"] == 1
    assert data["model_id"] == "vgg16:L15" and data["feature_dim"] == fitted.feature_dim
    assert data["options"] == options.to_dict()
    loaded = load_mapping(path)
    assert loaded.options == options and loaded.model_id == "vgg16:L15"
    new = 2.0 * features(method, n=30, seed=7)
    np.testing.assert_array_equal(loaded.transform(new), fitted.transform(new))
    loaded.check("vgg16:L15", fitted.feature_dim)


def test_a_fit_for_another_model_or_size_is_refused(tmp_path):
    path = tmp_path / "fit.json"
    fit_mapping(features("pca", n=20), MappingOptions("pca"), "resnet18:L4").save(path)
    fitted = load_mapping(path)
    with pytest.raises(DeepvizError, match="resnet18:L4") as e:
        fitted.check("default", WIDE)
    assert e.value.path == str(path) and "deepviz fit" in e.value.problem
    with pytest.raises(DeepvizError, match=f"{WIDE}-d"):
        fitted.check("resnet18:L4", 512)
    with pytest.raises(DeepvizError, match=f"expects {WIDE}-d"):
        fitted.transform(np.zeros((4, 512)))


class Payload:
    """Unpickling this creates the file `marker`: a visible, harmless side effect."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("protocol", [0, pickle.HIGHEST_PROTOCOL])
def test_a_pickle_is_refused_without_being_unpickled(tmp_path, protocol):
    marker = tmp_path / "unpickled"
    data = pickle.dumps(Payload(str(marker)), protocol=protocol)
    path = tmp_path / "fit.json"
    path.write_bytes(data)
    with pytest.raises(DeepvizError, match="not a deepviz mapping") as e:
        load_mapping(path)
    assert e.value.path == str(path)
    assert not marker.exists()
    pickle.loads(data).close()  # the payload is live: loading it as a pickle would have run it
    assert marker.exists()


def test_other_and_tampered_json_is_refused(tmp_path):
    path = tmp_path / "fit.json"
    with pytest.raises(DeepvizError, match="no such"):
        load_mapping(path)
    for text in ('{"format": "something-else"}', "[1, 2]", "", "\x00\xff"):
        path.write_text(text, encoding="latin-1")
        with pytest.raises(DeepvizError, match="not a deepviz mapping"):
            load_mapping(path)
    fit_mapping(features("pca", n=20), MappingOptions("pca"), "ae").save(path)
    data = json.loads(path.read_text())
    data["pipeline"]["pipeline"][1][1]["estimator"] = "os.system"
    path.write_text(json.dumps(data))
    with pytest.raises(DeepvizError, match="corrupt mapping file: unknown estimator"):
        load_mapping(path)
    data = json.loads(path.read_text())
    data["pipeline"]["pipeline"][1][1]["estimator"] = "ZToUnit"  # valid class, wrong place
    path.write_text(json.dumps(data))
    with pytest.raises(DeepvizError, match="corrupt mapping file"):
        load_mapping(path)
    with pytest.raises(DeepvizError, match="cannot write"):
        fit_mapping(features("pca", n=20), MappingOptions("pca"), "ae").save(tmp_path / "no/x")


Viz = (list("abcdefghij"), list("jihgfedcba"))  # a scene's parameter names and priority


def test_default_order_is_declared_except_for_pca_which_follows_priority():
    for method in ("deterministic", "random", "kmeans"):
        assert resolve_order(*Viz, method, None) == list(range(10))
    for method in ("pca", "kmeans-pca"):
        assert resolve_order(*Viz, method, None) == list(range(9, -1, -1))


def test_user_order_overrides_and_apply_order_places_components():
    order = resolve_order(*Viz, "pca", "b, a,c,d,e,f,g,h,i,j")
    assert order == [1, 0, *range(2, 10)]
    values = np.arange(20, dtype=float).reshape(2, 10)
    out = apply_order(values, order)
    assert out[0, 1] == 0.0 and out[0, 0] == 1.0  # component 0 drives parameter b
    out = apply_order(values, resolve_order(*Viz, "pca", None))
    np.testing.assert_array_equal(out, values[:, ::-1])  # first component → most dynamic (j)


@pytest.mark.parametrize(
    "order,named",
    [
        ("a,b,c,d,e,f,g,h,i,zz", ["unknown zz", "missing j"]),
        ("a,a,c,d,e,f,g,h,i,j", ["duplicate a", "missing b"]),
        ("a,b,c", ["missing d, e, f, g, h, i, j"]),
    ],
)
def test_bad_param_orders_name_the_problem(order, named):
    with pytest.raises(DeepvizError, match="--param-order") as e:
        resolve_order(*Viz, "deterministic", order)
    for text in named:
        assert text in e.value.problem


def test_curve_stats_give_mean_and_std_per_parameter():
    rng = np.random.default_rng(0)
    curves = rng.uniform(size=(300, 3)) * [1.0, 0.5, 0.0] + [0.0, 0.25, 0.7]
    stats = curve_stats(curves, ["x", "y", "z"])
    assert [s["name"] for s in stats] == ["x", "y", "z"]
    assert stats[0]["mean"] == pytest.approx(curves[:, 0].mean())
    assert stats[1]["std"] == pytest.approx(curves[:, 1].std())
    assert stats[2] == {"name": "z", "mean": pytest.approx(0.7), "std": pytest.approx(0.0)}
    with pytest.raises(DeepvizError):
        curve_stats(curves, ["x", "y"])


@pytest.mark.parametrize("method", ["deterministic", "pca", "kmeans-pca"])
def test_float_rounding_noise_is_not_stretched_into_motion(method, tmp_path):
    """Identical patches can give features differing in the last float32 bits: keep them still."""
    X = np.tile(np.linspace(0.1, 0.9, 10, dtype=np.float32), (12, 1))
    X[::2, 3] += np.float32(1.5e-8)  # what a batched float32 kernel did on silence
    fitted = fit_mapping(X, MappingOptions(method=method), "m")
    out = fitted.transform(X)
    assert np.ptp(out, axis=0).max() == 0
    fitted.save(tmp_path / "f.json")
    np.testing.assert_array_equal(load_mapping(tmp_path / "f.json").transform(X), out)
    # real variation is kept
    Y = X.copy()
    Y[::2, 3] += 0.05
    assert (
        np.ptp(fit_mapping(Y, MappingOptions(method=method), "m").transform(Y), axis=0).max() > 0.3
    )


def test_contrast_places_tracks_apart_and_needs_a_reference_set(tmp_path):
    rng = np.random.default_rng(4)
    # 6 tracks: each has its own offset along one direction, and moves a lot along another
    offsets = rng.normal(size=(6, 1)) * np.eye(12)[0] * 3
    tracks = [o + rng.normal(size=(30, 12)) * np.r_[0.2, 3.0, np.ones(10)] for o in offsets]
    X, groups = np.concatenate(tracks), np.repeat(np.arange(6), 30)
    fitted = fit_mapping(X, MappingOptions("contrast"), "ae", groups=groups)
    means = np.stack([fitted.transform(t).mean(axis=0) for t in tracks])
    assert means[:, 0].std() > 3 * means[:, 1:].std(axis=0).max()  # first component: the offsets
    path = tmp_path / "contrast.json"
    fitted.save(path)
    np.testing.assert_array_equal(load_mapping(path).transform(X), fitted.transform(X))
    with pytest.raises(DeepvizError, match="reference set"):
        fit_mapping(X, MappingOptions("contrast"), "ae")  # one track: nothing to contrast
    assert "contrast" in METHODS and "contrast" not in PAPER_METHODS
