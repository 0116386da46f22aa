"""FMA as training data: tracks.csv, subsets and splits, the patch cache, unreadable MP3s."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from fma_fixture import BROKEN_ID, HEADER, make_fma

from deepviz.core.errors import DeepvizError
from deepviz.extract.audio import load_audio
from deepviz.extract.stream import audio_patches
from deepviz.training import fma


@pytest.fixture(scope="module")
def fixture_fma(tmp_path_factory):
    return make_fma(tmp_path_factory.mktemp("fma"))


@pytest.fixture
def fresh_fma(fixture_fma, tmp_path):
    """A copy of the miniature FMA with no cache yet."""
    audio = tmp_path / "fma_small"
    shutil.copytree(fixture_fma["audio"], audio, ignore=shutil.ignore_patterns(".deepviz-cache"))
    return {**fixture_fma, "audio": audio}


def test_tracks_csv_two_row_header(fixture_fma):
    assert len(HEADER) == 52  # FMA's column count
    tracks = fma.read_tracks(fixture_fma["metadata"])
    rows = fixture_fma["rows"]
    assert [t.track_id for t in tracks] == [r["id"] for r in rows]
    by_id = {t.track_id: t for t in tracks}
    for r in rows:
        t = by_id[r["id"]]
        assert (t.subset, t.split, t.genre) == (r["subset"], r["split"], r["genre"])


def test_subsets_are_nested_and_need_a_genre(fixture_fma):
    tracks = fma.read_tracks(fixture_fma["metadata"])
    small, medium, large = ({t.track_id for t in fma.select_tracks(tracks, s)} for s in fma.SUBSETS)
    assert small < medium < large
    assert (len(small), len(medium), len(large)) == (13, 21, 25)  # 4 genres × 3/5/6 + broken
    assert 5 not in large  # no genre_top
    with pytest.raises(DeepvizError, match="unknown FMA subset"):
        fma.select_tracks(tracks, "huge")


def test_not_fma_tracks_csv_is_refused(tmp_path):
    bad = tmp_path / "tracks.csv"
    bad.write_text("track_id,genre\n2,Rock\n")
    with pytest.raises(DeepvizError, match="not FMA's tracks.csv"):
        fma.read_tracks(bad)
    with pytest.raises(DeepvizError, match="no FMA tracks.csv"):
        fma.read_tracks(tmp_path / "nowhere")


def test_load_skips_and_reports_the_broken_mp3(fixture_fma):
    fresh_fma = fixture_fma
    data = fma.load_fma(fresh_fma["audio"], fresh_fma["metadata"], progress=False, jobs=2)
    assert data.info["subset"] == "small"  # from the folder's name
    assert list(data.info["skipped"]) == [str(BROKEN_ID)]
    assert "cannot decode" in data.info["skipped"][str(BROKEN_ID)]
    assert data.label_names == ["Electronic", "Folk", "Hip-Hop", "Rock"]
    good = [r for r in fresh_fma["rows"] if r["subset"] == "small" and r["genre"]]
    good = [r for r in good if r["id"] != BROKEN_ID]
    assert sorted(set(data.track_ids.tolist())) == sorted(r["id"] for r in good)
    genre_of = {r["id"]: r["genre"] for r in good}
    for tid, label in zip(data.track_ids, data.labels, strict=True):
        assert data.label_names[label] == genre_of[tid]
    # The cached rows are what decoding the MP3 gives.
    tid = good[0]["id"]
    want, _ = audio_patches(load_audio(fma.audio_path(fresh_fma["audio"], tid)))
    np.testing.assert_array_equal(data.patches[np.flatnonzero(data.track_ids == tid)], want)
    assert data.patches.shape == (len(data), 64, 96)
    assert data.split is None  # split 90/5/5 by the training loop
    train, val, test = data.split_masks(seed=0)
    assert train.sum() and val.sum() and test.sum() and not (train & val).any()


def test_fma_split_and_subset(fixture_fma):
    fresh_fma = fixture_fma
    data = fma.load_fma(
        fresh_fma["audio"],
        fresh_fma["metadata"],
        subset="medium",
        fma_split=True,
        progress=False,
        jobs=2,
    )
    split_of = {r["id"]: fma.SPLITS[r["split"]] for r in fresh_fma["rows"]}
    assert [split_of[t] for t in data.track_ids] == data.split.tolist()
    assert data.info["tracks_read"] == 20
    train, val, test = data.split_masks()
    assert set(data.track_ids[test]) == {
        r["id"] for r in fresh_fma["rows"] if r["split"] == "test" and r["subset"] != "large"
    }


def test_second_load_reads_the_cache(fresh_fma):
    before = fma.decode_count()
    first = fma.load_fma(fresh_fma["audio"], fresh_fma["metadata"], progress=False, jobs=2)
    assert fma.decode_count() - before == 13  # 12 tracks and the broken one
    store = fma.PatchStore.open(fresh_fma["audio"] / ".deepviz-cache")
    stamps = {p.name: p.stat().st_mtime_ns for p in store.root.iterdir()}
    second = fma.load_fma(fresh_fma["audio"], fresh_fma["metadata"], progress=False)
    assert fma.decode_count() - before == 13  # nothing decoded, the broken MP3 not retried
    assert {p.name: p.stat().st_mtime_ns for p in store.root.iterdir()} == stamps
    assert isinstance(second.patches.store, np.memmap)
    np.testing.assert_array_equal(first.patches[:], second.patches[:])
    assert second.info["skipped"] == first.info["skipped"]


def test_cache_resumes_per_track(fresh_fma, tmp_path):
    cache = tmp_path / "cache"
    before = fma.decode_count()
    fma.load_fma(
        fresh_fma["audio"], fresh_fma["metadata"], cache_dir=cache, max_tracks=5, progress=False
    )
    assert fma.decode_count() - before == 5
    # An interruption mid-track: rows written, their index line cut short.
    store = fma.PatchStore.open(cache)
    with open(store.data_path, "ab") as f:
        f.write(np.ones((2, 64, 96), "<f4").tobytes())
    with open(store.index_path, "a") as f:
        f.write('{"id": 99, "size": 1')
    data = fma.load_fma(
        fresh_fma["audio"], fresh_fma["metadata"], cache_dir=cache, progress=False, jobs=2
    )
    assert fma.decode_count() - before == 13  # only the 8 missing tracks were decoded
    assert data.info["tracks_read"] == 12
    store = fma.PatchStore.open(cache)
    assert store.data_path.stat().st_size == store.n_rows * 64 * 96 * 4
    lines = [json.loads(x) for x in store.index_path.read_text().splitlines()[:5]]
    assert len(lines) == 5 and all("id" in x for x in lines)


def test_changed_mp3_is_decoded_again(fresh_fma):
    fma.load_fma(fresh_fma["audio"], fresh_fma["metadata"], progress=False, jobs=2)
    path = fma.audio_path(fresh_fma["audio"], BROKEN_ID)
    good = fma.audio_path(fresh_fma["audio"], 2)
    shutil.copyfile(good, path)  # the broken file is fixed
    path.write_bytes(path.read_bytes() + b"\0" * 7)
    before = fma.decode_count()
    data = fma.load_fma(fresh_fma["audio"], fresh_fma["metadata"], progress=False)
    assert fma.decode_count() - before == 1
    assert data.info["skipped"] == {} and BROKEN_ID in data.track_ids


def test_no_readable_track_is_an_error(fresh_fma, tmp_path):
    empty = tmp_path / "fma_large"
    empty.mkdir()
    with pytest.raises(DeepvizError, match="none of the 25 tracks of subset large"):
        fma.load_fma(empty, fresh_fma["metadata"], cache_dir=tmp_path / "c", progress=False)
    assert fma.guess_subset(tmp_path / "fma_medium") == "medium"
    assert fma.guess_subset(tmp_path / "music") == "small"
