"""The default look's two tuned numbers, fitted on a reference set of real music.

- The motion's gain (`mapping.motion`): one for every track, chosen so that the reference tracks
  move as much as TARGET_STD says (mean within-track std of the parameters).
- The sections' threshold (`mapping.sections`): the distance between two stretches' places at
  which they are two sections, chosen so that at most SECTION_SHARE of the reference tracks
  (mostly one piece of music each) are cut.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
from scipy.optimize import brentq

from deepviz.extract.features import TrackFeatures
from deepviz.mapping import stats
from deepviz.mapping.curves import segment_parameters, track_sections
from deepviz.mapping.fitted import FittedMapping, LookSettings
from deepviz.mapping.order import SceneOrder
from deepviz.mapping.sections import find_sections
from deepviz.mapping.timeline import parameter_curves

TARGET_STD = 0.13  # the reference tracks' mean within-track std (the look issue asks ≥ 0.12)
SECTION_SHARE = 0.10  # the share of reference tracks that may be cut into sections
TUNING_FPS, TUNING_SMOOTHING = 30.0, 0.25  # what the default render shows
MIN_GAIN, MAX_GAIN = 0.01, LookSettings.MAX_GAIN
NO_SECTIONS = LookSettings.MAX_THRESHOLD


def largest_gap(places: np.ndarray) -> float:
    """The largest threshold at which a track's per-segment places still make two sections."""
    low, high = 0.0, 4.0
    if len(find_sections(places, low)) < 2:
        return 0.0
    for _ in range(12):
        mid = (low + high) / 2
        low, high = (mid, high) if len(find_sections(places, mid)) > 1 else (low, mid)
    return low


def tune_threshold(fitted: FittedMapping, tracks: Sequence[TrackFeatures]) -> float:
    """The smallest threshold that cuts at most about SECTION_SHARE of the tracks (a track too
    short for two sections counts as uncut); NO_SECTIONS, a threshold no track reaches, when
    that would be 0 (nearly all the tracks too short or too even to cut)."""
    gaps = [largest_gap(fitted.places_of(t.segment_style)) for t in tracks]
    threshold = float(np.quantile(gaps, 1 - SECTION_SHARE))
    return threshold if threshold > 0 else NO_SECTIONS


def rendered_curves(fitted: FittedMapping, track, scene: SceneOrder, gain: float, sections=None):
    """A track's per-frame curves as the default render draws them, at motion `gain`
    (`sections`: its section starts, else found by the fit's look)."""
    starts = track_sections(track, fitted) if sections is None else sections
    params = segment_parameters(track, fitted, scene, gain, starts)
    return parameter_curves(params, track.anchors, track.duration, TUNING_FPS, TUNING_SMOOTHING)


def tune_gain(fitted: FittedMapping, tracks, scene: SceneOrder) -> float:
    """The gain at which the tracks move TARGET_STD (MAX_GAIN if even that is too little)."""
    sections = [track_sections(t, fitted) for t in tracks]  # the gain does not move them

    def excess(gain: float) -> float:
        curves = [rendered_curves(fitted, t, scene, gain, s) for t, s in zip(tracks, sections)]
        return stats.within_std(curves) - TARGET_STD

    if excess(MAX_GAIN) <= 0:
        return MAX_GAIN
    if excess(MIN_GAIN) >= 0:  # the sections' places alone move them that much
        return MIN_GAIN
    return float(brentq(excess, MIN_GAIN, MAX_GAIN, xtol=1e-3))


def tune_look(
    fitted: FittedMapping, tracks: Sequence[TrackFeatures], scene: SceneOrder
) -> LookSettings:
    """The look's threshold, then its gain (with the sections that threshold finds), on `tracks`:
    real music with each segment's style (a placement is needed)."""
    if fitted.place is None or any(t.segment_style is None for t in tracks):
        raise ValueError("tuning the look needs a placement and each segment's style")
    threshold = tune_threshold(fitted, tracks)
    with_sections = dataclasses.replace(fitted, look=LookSettings(1.0, threshold))
    return LookSettings(tune_gain(with_sections, tracks, scene), threshold)
