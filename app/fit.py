"""`deepviz fit`: a mapping fitted on a set of tracks (and a placement by genre), saved as JSON."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from deepviz.core.console import SILENT, Console
from deepviz.core.errors import DeepvizError
from deepviz.core.files import check_output_path
from deepviz.core.options import RunOptions
from deepviz.mapping.look import tune_look

if TYPE_CHECKING:
    from deepviz.extract.extractor import TrackFeatures
    from deepviz.mapping.fitted import FittedMapping
from collections import Counter

import numpy as np

from deepviz.app.analyze import track_labels
from deepviz.app.plan import PlanOptions
from deepviz.app.planner import Planner
from deepviz.extract.inputs import audio_files
from deepviz.mapping.fitted import fit_on_tracks
from deepviz.mapping.place import StylePlacement


def fit_files(
    inputs: Iterable[str | os.PathLike],
    output: str | os.PathLike,
    plan: PlanOptions,
    run: RunOptions,
    console: Console = SILENT,
    place: str = "none",
    fma_metadata: str | None = None,
    center_on: Sequence[str] = (),
) -> FittedMapping:
    """`deepviz fit`: the plan's mapping fitted on all segments of the inputs, saved as JSON;
    `place="genres"` adds a placement by style statistics that tells the genres apart, centred
    on the tracks of `center_on` when given (else on the inputs), and tunes the look's motion
    gain and sections' threshold on those tracks (`mapping.look`)."""

    out = check_output_path(output, run.overwrite, "fit")
    planner = Planner(plan, console)
    files = audio_files(inputs)
    genre_of, centre_files = None, audio_files(center_on) if center_on else []
    if place != "none":  # FMA tracks without a genre_top take no part
        genres = track_labels(files, list(map(str, inputs)), fma_metadata)
        genre_of = {f: genre for f, genre in zip(files, genres) if genre}
        files = list(genre_of)
        check_genres(genre_of.values())  # before any work
    elif center_on:
        console.note(
            "deepviz: note: --center-on centres a placement; without --place genres it is not used"
        )
    tracks, kept = [], []
    for path, features in planner.each_features(files, not run.quiet):
        if isinstance(features, DeepvizError):
            console.note(f"deepviz: skipped {features}")
        else:
            tracks.append(features)
            kept.append(path)
    if not tracks:
        raise DeepvizError("none of the inputs could be decoded")
    fitted = fit_on_tracks([t.values for t in tracks], planner.mapping, planner.model_id)
    if genre_of is not None:
        centre = [
            f
            for _, f in planner.each_features(centre_files, not run.quiet)
            if not isinstance(f, DeepvizError)
        ]
        fitted.place = fit_placement(
            tracks + centre, [genre_of[p] for p in kept] + [None] * len(centre)
        )
        fitted.look = tune_look(fitted, centre or tracks, planner.scene_order)
    fitted.save(out, run.overwrite)
    n = sum(len(t.values) for t in tracks)
    placed = f", placed by {len(set(genre_of.values()))} genres" if genre_of is not None else ""
    console.say(
        f"fitted {planner.mapping.method} on {n} segments of {len(tracks)} files{placed} → {out}"
    )
    return fitted


def check_genres(genres: Iterable[str]) -> None:
    """A placement by genre needs 2 genres of 2 tracks each (StylePlacement's own rule, said
    before any track is analysed)."""

    counts = Counter(genres)
    if sum(n >= 2 for n in counts.values()) < 2:
        found = ", ".join(f"{g} ({n})" for g, n in sorted(counts.items())) or "none"
        raise DeepvizError(
            f"--place genres needs at least 2 genres of at least 2 tracks each "
            f"(the first folder below each input); found {found}"
        )


def fit_placement(tracks: Sequence[TrackFeatures], genres: Sequence[str | None]):
    """A StylePlacement on the tracks' style statistics, telling the `genres` apart (None: a
    track that only centres the places)."""

    if any(t.style is None for t in tracks):
        raise DeepvizError("--place genres needs a network with convolutions (style statistics)")
    return StylePlacement().fit(np.stack([t.style for t in tracks]), np.asarray(genres, object))
