"""Sections: a change that lasts is a boundary, a homogeneous track keeps one place, and the
picture changes most where a section begins."""

from __future__ import annotations

import json

import numpy as np
import pytest

from deepviz.app.plan import reference_fit_path
from deepviz.core.errors import DeepvizError
from deepviz.extract.features import Segmentation, TrackFeatures
from deepviz.mapping.fitted import load_mapping
from deepviz.mapping.look import NO_SECTIONS, tune_threshold
from deepviz.mapping.motion import ACCENT, place_and_motion
from deepviz.mapping.sections import MIN_SECTION, find_sections, section_means, section_of


def stretches(rng, means, lengths, noise=0.05):
    return np.concatenate(
        [m + noise * rng.normal(size=(n, len(m))) for m, n in zip(means, lengths)]
    )


def test_a_lasting_change_is_found_where_it_happens():
    rng = np.random.default_rng(0)
    a, b = np.full(10, 0.3), np.full(10, 0.3) + np.r_[0.4, np.zeros(9)]
    points = stretches(rng, [a, b, a], [20, 15, 25])
    starts = find_sections(points, threshold=0.2)
    assert len(starts) == 3 and abs(starts[1] - 20) <= 1 and abs(starts[2] - 35) <= 1


def test_a_homogeneous_track_keeps_one_section():
    rng = np.random.default_rng(1)
    points = stretches(rng, [np.full(10, 0.5)], [80])
    assert list(find_sections(points, threshold=0.2)) == [0]
    assert list(find_sections(points[:10], threshold=0.0)) == [0]  # too short to have two


def test_no_section_is_shorter_than_the_minimum():
    rng = np.random.default_rng(2)
    means = [np.full(10, v) for v in (0.2, 0.8, 0.2, 0.8)]
    points = stretches(rng, means, [20, 3, 20, 20])  # a blip of 3 segments is no section
    starts = find_sections(points, threshold=0.2)
    assert np.all(np.diff([*starts, len(points)]) >= MIN_SECTION)


def test_section_means_and_numbers():
    values = np.arange(12.0)[:, None] * np.ones((1, 2))
    starts = np.array([0, 4])
    assert list(section_of(starts, 12)) == [0] * 4 + [1] * 8
    np.testing.assert_allclose(section_means(values, starts)[:, 0], [1.5] * 4 + [7.5] * 8)


def test_the_picture_changes_most_where_a_section_begins():
    rng = np.random.default_rng(3)
    values = 0.5 + 0.05 * rng.normal(size=(40, 10))
    place = np.concatenate([np.full((20, 10), 0.50), np.full((20, 10), 0.51)])  # alike places
    out = place_and_motion(values, 1.0, place=place, sections=np.array([0, 20]))
    steps = np.linalg.norm(np.diff(out, axis=0), axis=1)
    assert steps[19] >= 0.99 * ACCENT * np.median(steps)


@pytest.mark.parametrize(
    "look",
    [
        {"motion_gain": "x", "section_threshold": 0.5},
        {"motion_gain": float("nan"), "section_threshold": 0.5},
        {"motion_gain": True, "section_threshold": 0.5},
        {"motion_gain": 1.0, "section_threshold": 1e9},
        {"motion_gain": 1.0},
        [1.0, 0.5],
    ],
)
def test_a_fit_with_a_bad_look_is_one_error_naming_the_file(tmp_path, look):
    doc = json.loads(reference_fit_path("default").read_text())
    path = tmp_path / "fit.json"
    path.write_text(json.dumps({**doc, "look": look}))
    with pytest.raises(DeepvizError, match="look") as exc:
        load_mapping(path)
    assert str(path) in str(exc.value) and "\n" not in str(exc.value)


def test_the_shipped_fit_carries_its_look():
    look = load_mapping(reference_fit_path("default")).look
    assert 0 < look.motion_gain <= 20 and 0 < look.section_threshold < 10


def test_tracks_too_short_to_cut_turn_sections_off_rather_than_cut_everything():
    fitted = load_mapping(reference_fit_path("default"))
    rng = np.random.default_rng(4)
    dim = fitted.place.n_features_in_
    short = [
        TrackFeatures(
            rng.normal(size=(10, 10)).astype(np.float32),
            Segmentation(np.arange(10), np.arange(10.0)),
            10.0,
            "default",
            segment_style=rng.uniform(size=(10, dim)).astype(np.float32),
        )
        for _ in range(5)
    ]
    assert tune_threshold(fitted, short) == NO_SECTIONS
