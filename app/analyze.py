"""`deepviz analyze`: feature statistics and the mappings' aims, as a report folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from deepviz.core.console import SILENT, Console
from deepviz.core.errors import DeepvizError
from deepviz.core.options import RunOptions
from deepviz.extract.decode import audio_chunks
from deepviz.extract.timbre import timbral_change

if TYPE_CHECKING:
    pass
from deepviz.app.plan import DEFAULT_MOTION, PlanOptions
from deepviz.app.planner import Planner
from deepviz.extract.inputs import audio_files
from deepviz.extract.labels import genre_label, read_tracks
from deepviz.mapping import analysis, report


def track_labels(
    files: Sequence[Path], inputs: Sequence[str], fma_metadata: str | None
) -> list[str | None]:
    """Each file's genre: FMA's genre_top by track id (None when it has none), else its folder."""

    if fma_metadata is None:
        return [genre_label(f, inputs) for f in files]

    genres = {t.track_id: t.genre for t in read_tracks(fma_metadata)}
    return [genres.get(int(f.stem)) or None if f.stem.isdigit() else None for f in files]


def analysis_features(planner: Planner, files, labels, progress: bool):
    """(features, labels, file names) of the tracks that decode, and the skipped ones."""
    label_of = dict(zip(files, labels))
    skipped = [
        {"file": str(f), "error": "no genre_top in FMA's tracks.csv"}
        for f, label in label_of.items()
        if label is None
    ]
    tracks, kept, names = [], [], []
    for path, features in planner.each_features([f for f in files if label_of[f]], progress):
        if isinstance(features, DeepvizError):
            skipped.append({"file": str(path), "error": features.problem})
            continue
        tracks.append(features)
        kept.append(label_of[path])
        names.append(str(path))
    if len(tracks) < 2:
        raise DeepvizError(f"analyze needs at least 2 tracks that decode, got {len(tracks)}")
    return tracks, kept, names, skipped


def analyze_tracks(
    inputs: Sequence[str],
    output: str,
    plan: PlanOptions,
    run: RunOptions,
    fma_metadata: str | None = None,
    compare: bool = False,
    console: Console = SILENT,
) -> dict:
    """`deepviz analyze`: feature statistics and the mappings' aims, as a report folder."""

    report.pyplot()  # before any work: is matplotlib there?
    folder = Path(output)
    if (folder / "index.html").exists() and not run.overwrite:
        raise DeepvizError("already holds a report (use -y/--overwrite to replace it)", folder)
    files = audio_files(inputs)
    planner = Planner(plan, console)
    labels = track_labels(files, inputs, fma_metadata)
    tracks, labels, names, skipped = analysis_features(planner, files, labels, not run.quiet)
    for s in skipped:
        console.note(f"deepviz: skipped {s['file']}: {s['error']}")
    fitted = planner.fitted
    main = (
        analysis.Trial(fitted.options, fitted.path, planner.motion, plan.sections == "auto")
        if fitted
        else analysis.Trial(planner.mapping)
    )
    trials = analysis.trials_for(main, compare, DEFAULT_MOTION)
    scene = planner.scene_order
    changes = [timbral_change(audio_chunks(name, plan.audio_stream)) for name in names]
    rows, curves = [], None
    for trial in trials:
        row, trial_curves = analysis.evaluate(
            trial, tracks, labels, plan.fps, plan.smoothing, scene, changes
        )
        rows.append(row)
        curves = curves if curves is not None else trial_curves  # the main (first) trial's
    doc = analysis.analysis_doc(
        tracks, labels, names, skipped, rows, curves, trials[0], scene.names, plan.seed
    )
    report.write_report(folder, doc)
    console.say(f"wrote the report {folder / 'index.html'}")
    return doc
