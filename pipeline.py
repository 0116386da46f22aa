"""The pipeline put together once: options → network → features → mapping → per-frame curves.

`Planner` loads the feature network (and a saved fit) once and turns any number of tracks into
curves; render, params, fit and compare all go through it. Commands only parse options and call it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from deepviz import interrupts
from deepviz.errors import DeepvizError
from deepviz.fileio import check_output_path, is_batch
from deepviz.mapping.options import METHODS, SCALE_BY, SCALINGS, MappingOptions
from deepviz.options import RunOptions, option
from deepviz.scenes.registry import scene_names

if TYPE_CHECKING:
    from deepviz.extract.extractor import TrackFeatures
    from deepviz.mapping.curves import Curves
    from deepviz.mapping.fitted import FittedMapping
    from deepviz.renderer.options import OverlayOptions, VideoOptions

Say = Callable[[str], None]  # where progress lines and notes go (stderr, or nowhere)


def silent(line: str) -> None:
    pass


@dataclass
class PlanOptions:
    """How a track becomes per-frame parameters: scene, network, mapping, timeline."""

    scene: str = option("real", "--scene", choices=scene_names,
                        help="VIZ-REAL or VIZ-BAR (`deepviz scenes` lists their parameters).")  # fmt: skip
    model: str = option("default", "--model", metavar="NAME|FILE",
                        help="Feature network: 'default' (embedded autoencoder) or a .dvz "
                        "checkpoint.")  # fmt: skip
    layer: str | None = option(None, "--layer", kind=str,
                               help="Feature layer of a classifier (e.g. L15).")  # fmt: skip
    device: str = option("auto", "--device", choices=("auto", "cpu", "cuda"),
                         help="Where the network runs (auto: a small network such as the default "
                         "one on the CPU, a large one on CUDA when torch sees a GPU).")  # fmt: skip
    method: str | None = option(None, "--mapping", choices=METHODS, show_default=False,
                                help="I deterministic, II random, III pca, IV kmeans, V kmeans-pca, "
                                "fitted on the track [default: the model's reference fit (the "
                                "default look), else deterministic].")  # fmt: skip
    scaling: str | None = option(None, "--scaling", choices=SCALINGS, show_default=False,
                                 help="standard: 0.5 ± 0.4·z clipped; minmax: to [0, 1] "
                                 "[default: standard].")  # fmt: skip
    scale_by: str | None = option(None, "--scale-by", choices=SCALE_BY, show_default=False,
                                  help="One statistic per component, or one across all [default: "
                                  "across for pca and kmeans-pca, features otherwise].")  # fmt: skip
    clusters: int | None = option(None, "--clusters", kind=int, low=2, high=1000,
                                  help="K-Means clusters (kmeans, kmeans-pca) [default: 10].")  # fmt: skip
    fit_path: str | None = option(None, "--fit", kind=str, metavar="reference|track|batch|FILE",
                                  help="reference: the model's shipped reference fit (the default "
                                  "unless a mapping option is given); track: fit on the track "
                                  "itself; batch: one fit on all the tracks given (the paper's; "
                                  "`deepviz batch` with a mapping option); FILE: a fit saved by "
                                  "`deepviz fit`.")  # fmt: skip
    motion: float | None = option(None, "--motion", kind=float, low=0, high=0.45,
                                  help="With a reference fit: the spread (std) of the track's own "
                                  "motion around its place; 0 = the fit's values as they are "
                                  "[default: 0.28 with the reference fit, 0 with a FILE].")  # fmt: skip
    audio_stream: int = option(0, "--audio-stream", low=0, high=63,
                               help="Which audio stream of a file that has several (0 = the "
                               "first; deepviz says when a file has several).")  # fmt: skip
    pulse: float = option(1.0, "--pulse", low=0, high=2,
                          help="Strength of the frame-accurate hits (onsets) and loudness in the "
                          "picture; 0 = the paper's pure mapping.")  # fmt: skip
    param_order: str | None = option(None, "--param-order", kind=str, metavar="NAMES",
                                     help="Comma-separated parameter names: which parameter gets "
                                     "which component.")  # fmt: skip
    fps: float = option(30.0, "--fps", low=1, high=240, help="Frames per second.")
    smoothing: float = option(0.25, "--smoothing", low=0, high=1, high_open=True,
                              help="EMA smoothing: share of the old value kept per 0.96 s "
                              "segment (0 = off).")  # fmt: skip
    seed: int = option(0, "--seed", low=0, high=2**32 - 1, help="Seed for random choices.")

    def mapping_given(self) -> bool:
        """Did the user choose a mapping (then it is fitted on the track, as the paper did)?"""
        return any(v is not None for v in (self.method, self.scaling, self.scale_by, self.clusters))

    def mapping_options(self) -> MappingOptions:
        return MappingOptions(self.method or "deterministic", self.scaling or "standard",
                              self.scale_by, self.clusters or 10, self.seed)  # fmt: skip


DEFAULT_MOTION = 0.28  # the default look's motion target (chosen with `deepviz analyze`, README)


def reference_fit_path(model: str) -> Path:
    """Where a model's reference fit lies: beside its checkpoint, `<name>.fit.json`."""
    from deepviz.extract.identity import resolve_checkpoint

    ckpt = resolve_checkpoint(model)
    return ckpt.with_name(ckpt.name.removesuffix(".dvz") + ".fit.json")


def reference_fit(plan: PlanOptions, note: Say) -> tuple[FittedMapping | None, float]:
    """(the fit every track shares, or None to fit each track on itself; the motion target)."""
    from deepviz.mapping.fitted import load_mapping

    if plan.fit_path in ("track", "batch"):  # batch: fitted on a batch's tracks (deepviz batch)
        return None, 0.0
    if plan.fit_path not in (None, "reference"):
        if plan.mapping_given():
            note("deepviz: note: --fit decides the mapping; --mapping/--scaling/--scale-by/"
                 "--clusters are not used")  # fmt: skip
        return load_mapping(plan.fit_path), plan.motion or 0.0
    if plan.fit_path is None and plan.mapping_given():
        return None, 0.0
    path = reference_fit_path(plan.model)
    if not path.is_file():
        if plan.fit_path == "reference":
            raise DeepvizError("this model has no reference fit beside it", path)
        note(f"deepviz: note: no reference fit {path.name} beside the model: fitting each track "
             "on itself")  # fmt: skip
        return None, 0.0
    motion = DEFAULT_MOTION if plan.motion is None else plan.motion
    return load_mapping(path), motion


class Planner:
    """The feature network loaded once, and the plan's mapping: audio paths → `Curves`."""

    def __init__(
        self, plan: PlanOptions, say: Say = silent, note: Say = silent, extractor=None,
        prefetch: str | os.PathLike | None = None,
    ):  # fmt: skip
        """With `prefetch`, that track's features (unless cached) are extracted in a second
        process from now on, while the fit loads and the caller sets up the rest."""
        from deepviz.extract.cache import FeatureCache
        from deepviz.extract.identity import model_identity
        from deepviz.scenes.registry import get_scene

        self.plan, self.say, self.note = plan, say, note
        self.scene_cls = get_scene(plan.scene)
        self.mapping = plan.mapping_options()
        for line in self.mapping.warnings:
            note(f"deepviz: note: {line}")
        if plan.param_order is not None:  # a misspelt name is an error before any work
            from deepviz.mapping.order import resolve_order

            cls = self.scene_cls
            resolve_order(cls.param_names(), cls.priority, "deterministic", plan.param_order)
        # The network is loaded when a track is not in the feature cache; until then the
        # checkpoint's header names it (no torch: a cached render starts 1.2 s sooner).
        self.identity = None if extractor else model_identity(plan.model, plan.layer)
        self._extractor = extractor
        if self.identity is None:
            self._extractor = self.extractor  # a bad model: an error now, before any work
        self.cache = FeatureCache()
        self._background: dict[str, tuple] = {}  # path → (NetworkProcess, length, entry)
        if prefetch is not None:
            self.prefetch(prefetch)
        self.fitted, self.motion = reference_fit(plan, note)

    @property
    def extractor(self):
        """The feature network, loaded on first use."""
        if self._extractor is None:
            from deepviz.extract.extractor import FeatureExtractor

            plan = self.plan
            self._extractor = FeatureExtractor(plan.model, plan.device, plan.layer)
        return self._extractor

    @property
    def loaded_extractor(self):
        """The network if it is loaded in this process (else None: not yet, or in its own)."""
        return self._extractor

    @property
    def model_id(self) -> str:
        return self._extractor.model_id if self._extractor else self.identity.model_id

    @property
    def cache_key(self) -> str | None:
        return self._extractor.cache_key if self._extractor else self.identity.cache_key

    def _track(self, path: str | os.PathLike):
        """(the track's length in seconds or None, its cache entry or None), once the file is
        checked: there, a readable audio file of a length deepviz takes."""
        from deepviz.extract.audio import check_input_file
        from deepviz.extract.decode import check_length, probe

        stream = self.plan.audio_stream
        check_input_file(path)
        info = probe(path)
        check_length(info.duration, path)
        streams = info.audio_streams
        if streams > 1:
            self.note(f"deepviz: note: {path} has {streams} audio streams; using stream {stream} "
                      "(--audio-stream N picks another)")  # fmt: skip
        key = self.cache_key and (self.cache_key + (f"-a{stream}" if stream else ""))
        return info.duration, self.cache.entry(path, key) if key else None

    def prefetch(self, path: str | os.PathLike) -> None:
        """Start extracting the track in a second process, unless it is cached or the network
        is loaded here already (`features` then takes the result)."""
        from deepviz.extract.background import NetworkProcess

        duration, entry = self._track(path)
        if self._extractor is None and entry is not None and not entry.is_file():
            network = NetworkProcess(self.plan.model, self.plan.device, self.plan.layer)
            self._background[os.fspath(path)] = (network, duration, entry)

    def features(self, path: str | os.PathLike) -> TrackFeatures:
        """The track's features: from the cache, else decoded, run through the network, cached."""
        import numpy as np

        background, duration, entry = self._background.pop(os.fspath(path), None) or (
            None, *self._track(path))  # fmt: skip
        if (
            background is None
            and entry is not None
            and (hit := self.cache.load(entry, self.model_id))
        ):
            return hit
        minutes, seconds = divmod(duration or 0.0, 60)
        length = f"{int(minutes)}:{seconds:04.1f}, " if duration else ""

        def announce(device: str, model_id: str) -> None:
            self.say(f"{path}: {length}extracting features with {model_id} on {device} …")

        if background is not None:  # the network in its own process, since the Planner began
            try:
                features = background.extract(path, self.plan.audio_stream, announce)
            finally:
                background.close()
        else:
            ex = self.extractor
            announce(ex.device.type, ex.model_id)
            features = ex.extract(path, self.plan.audio_stream)
        model_id = self.model_id
        if not np.isfinite(features.values).all():
            raise DeepvizError(f"the network {model_id} gave NaN or infinite features", path)
        interrupts.check()  # one that a finalizer or callback swallowed during the analysis
        if entry is not None:
            self.cache.save(entry, features)
        return features

    def each_features(self, files: Sequence[Path], progress: bool = True):
        """(path, its features or the DeepvizError that kept it from decoding) for each file,
        with a progress bar: a batch goes on past a broken file."""
        from deepviz.progress import progress_bar

        for path in progress_bar(files, desc="extracting", unit="file", disable=not progress):
            try:
                yield path, self.features(path)
            except DeepvizError as exc:
                yield path, exc

    def fit(self, features: TrackFeatures, mapping: MappingOptions | None = None) -> FittedMapping:
        """The saved fit (checked against these features' model), or one fitted on them."""
        from deepviz.mapping.fitted import fit_mapping

        if self.fitted is not None and mapping is None:
            self.fitted.check(features.model_id, features.values.shape[1])
            return self.fitted
        return fit_mapping(features.values, mapping or self.mapping, features.model_id)

    def curves_of(
        self, features: TrackFeatures, mapping: MappingOptions | None = None,
        shared: tuple[FittedMapping, float] | None = None,
    ) -> Curves:  # fmt: skip
        """Per-frame curves of extracted features: with the plan's mapping, or another `mapping`
        fitted on them, or a `shared` (fit, motion) such as one fitted on several tracks."""
        from deepviz.mapping.curves import curves_from_features

        cls, plan = self.scene_cls, self.plan
        if shared is not None:
            fitted, motion = shared
        else:
            fitted = self.fit(features, mapping)
            motion = self.motion if fitted is self.fitted else 0.0
        return curves_from_features(
            features, fitted, cls.param_names(), cls.priority, plan.fps, plan.smoothing,
            plan.param_order, plan.pulse, motion, cls.identity,
        )  # fmt: skip

    def curves(self, path: str | os.PathLike) -> Curves:
        return self.curves_of(self.features(path))

    def provenance(self, video: VideoOptions | None = None) -> dict[str, str]:
        """What a video records of how it was made (`deepviz info` reads it back): the plan's
        options and, with `video`, its palette and background (files by name and digest)."""
        import json

        from deepviz import __version__
        from deepviz.extract.cache import file_digest

        plan, fitted = self.plan, self.fitted
        mapping = (fitted.options if fitted else self.mapping).to_dict()
        doc = {
            "deepviz": __version__, "model": self.model_id,
            "model_key": self.cache_key, "scene": plan.scene, "mapping": mapping,
            "fit": os.path.basename(fitted.path) if fitted and fitted.path else "track",
            "fit_sha256": file_digest(fitted.path) if fitted and fitted.path else None,
            "motion": self.motion, "pulse": plan.pulse, "smoothing": plan.smoothing,
            "fps": plan.fps, "seed": plan.seed, "param_order": plan.param_order,
        }  # fmt: skip
        if video is not None:
            doc["palette"] = video.palette or "spectrum"
            for key in ("palette", "background"):
                path = getattr(video, key)
                if path and os.path.isfile(path):
                    doc[key], doc[f"{key}_sha256"] = os.path.basename(path), file_digest(path)
        return {"comment": "deepviz " + json.dumps(doc, separators=(",", ":"))}


def fit_files(
    inputs: Iterable[str | os.PathLike], output: str | os.PathLike, plan: PlanOptions,
    run: RunOptions, say: Say = silent, note: Say = silent, place: str = "none",
    fma_metadata: str | None = None, center_on: Sequence[str] = (),
) -> FittedMapping:  # fmt: skip
    """`deepviz fit`: the plan's mapping fitted on all segments of the inputs, saved as JSON;
    `place="genres"` adds a placement by style statistics that tells the genres apart, centred
    on the tracks of `center_on` when given (else on the inputs)."""
    from deepviz.fileio import audio_files
    from deepviz.mapping.fitted import fit_on_tracks

    out = check_output_path(output, run.overwrite, "fit")
    planner = Planner(plan, note=note)
    files = audio_files(inputs)
    genre_of, centre_files = None, audio_files(center_on) if center_on else []
    if place != "none":  # FMA tracks without a genre_top take no part
        genres = track_labels(files, list(map(str, inputs)), fma_metadata)
        genre_of = {f: genre for f, genre in zip(files, genres) if genre}
        files = list(genre_of)
        check_genres(genre_of.values())  # before any work
    elif center_on:
        note(
            "deepviz: note: --center-on centres a placement; without --place genres it is not used"
        )
    tracks, kept = [], []
    for path, features in planner.each_features(files, not run.quiet):
        if isinstance(features, DeepvizError):
            note(f"deepviz: skipped {features}")
        else:
            tracks.append(features)
            kept.append(path)
    if not tracks:
        raise DeepvizError("none of the inputs could be decoded")
    fitted = fit_on_tracks([t.values for t in tracks], planner.mapping, planner.model_id)
    if genre_of is not None:
        centre = [f for _, f in planner.each_features(centre_files, not run.quiet)
                  if not isinstance(f, DeepvizError)]  # fmt: skip
        fitted.place = fit_placement(
            tracks + centre, [genre_of[p] for p in kept] + [None] * len(centre)
        )
    fitted.save(out, run.overwrite)
    n = sum(len(t.values) for t in tracks)
    placed = f", placed by {len(set(genre_of.values()))} genres" if genre_of is not None else ""
    say(f"fitted {planner.mapping.method} on {n} segments of {len(tracks)} files{placed} → {out}")
    return fitted


def check_genres(genres: Iterable[str]) -> None:
    """A placement by genre needs 2 genres of 2 tracks each (StylePlacement's own rule, said
    before any track is analysed)."""
    from collections import Counter

    counts = Counter(genres)
    if sum(n >= 2 for n in counts.values()) < 2:
        found = ", ".join(f"{g} ({n})" for g, n in sorted(counts.items())) or "none"
        raise DeepvizError(f"--place genres needs at least 2 genres of at least 2 tracks each "
                           f"(the first folder below each input); found {found}")  # fmt: skip


def fit_placement(tracks: Sequence[TrackFeatures], genres: Sequence[str | None]):
    """A StylePlacement on the tracks' style statistics, telling the `genres` apart (None: a
    track that only centres the places)."""
    import numpy as np

    from deepviz.mapping.place import StylePlacement

    if any(t.style is None for t in tracks):
        raise DeepvizError("--place genres needs a network with convolutions (style statistics)")
    return StylePlacement().fit(np.stack([t.style for t in tracks]), np.asarray(genres, object))


def single_job(audio: str, output: str | None, overwrite: bool, start: float) -> tuple[Path, Path]:
    """(input, output) of a one-file render, checked before any work."""
    from deepviz.extract.audio import check_input_file
    from deepviz.extract.decode import probe
    from deepviz.renderer.encoder import check_format

    check_input_file(audio)
    name = Path(audio).with_suffix(".mp4").name
    if output and (output.endswith(("/", os.sep)) or Path(output).is_dir()):  # a folder: put it in
        Path(output).mkdir(parents=True, exist_ok=True)
        output = str(Path(output) / name)
    from deepviz.renderer.sequence import check_sequence, is_sequence

    if output and is_sequence(output):
        out = check_sequence(output, overwrite)
    else:
        out = check_output_path(output or name, overwrite, "video")
    check_format(out)
    if start:  # a probe is cheap; extraction is not
        length = probe(audio).duration
        if length is not None and start >= length:
            raise DeepvizError(f"--start {start:g}s is past the end ({length:.2f}s)", audio)
    if out.resolve() == Path(audio).resolve():
        raise DeepvizError("output would overwrite the input audio", out)
    return Path(audio), out


def render_tracks(
    inputs: Sequence[str], output: str | None, plan: PlanOptions, video: VideoOptions,
    run: RunOptions, dump_params: str | None = None, say: Say = silent, note: Say = silent,
    overlay: OverlayOptions | None = None,
) -> None:  # fmt: skip
    """`deepviz render`: one video per input; in a batch a failing file is reported and skipped."""
    from deepviz.mapping.curves import write_curves
    from deepviz.renderer.render import Panel, frame_range, render_panels
    from deepviz.scenes import create_context

    if is_batch(inputs):  # several inputs or a folder: the batch engine, one track at a time
        from deepviz.batch import BatchOptions, run_batch

        if dump_params:
            raise DeepvizError("--dump-params takes a single input (use `deepviz params` per file)")
        run_batch(inputs, output, plan, video, run, BatchOptions(jobs=1), say, note, overlay)
        return
    from deepviz.renderer.titles import check_dressing, overlays_for

    video = video.effective()
    check_dressing(video, None, (plan.scene,), note)  # the logo: overlays_for, below
    if dump_params:
        from deepviz.mapping.export import curve_format

        curve_format(dump_params, None)
        check_output_path(dump_params, run.overwrite, "curve file")
    src, out = single_job(inputs[0], output, run.overwrite, video.start)
    overlays = overlays_for(overlay, src, video.width, video.height)  # a bad logo: before work
    gl = create_context()  # before the slow part: no EGL is an error at once
    planner = Planner(plan, say, note, prefetch=src)
    curves = planner.curves(src)
    render_panels([Panel(curves, plan.scene, plan.seed)], src, out, video, run.quiet, gl,
                  overwrite=run.overwrite, metadata=planner.provenance(video),
                  audio_stream=plan.audio_stream, overlays=overlays)  # fmt: skip
    if dump_params:  # only once the video is there: a failed render leaves neither
        frames = frame_range(curves, video.start, video.duration)
        write_curves(curves, dump_params, slice(frames.start, frames.stop), run.overwrite)
    say(f"wrote {out}")


def track_labels(
    files: Sequence[Path], inputs: Sequence[str], fma_metadata: str | None
) -> list[str | None]:
    """Each file's genre: FMA's genre_top by track id (None when it has none), else its folder."""
    from deepviz.fileio import genre_label

    if fma_metadata is None:
        return [genre_label(f, inputs) for f in files]
    from deepviz.training.fma import read_tracks

    genres = {t.track_id: t.genre for t in read_tracks(fma_metadata)}
    return [genres.get(int(f.stem)) or None if f.stem.isdigit() else None for f in files]


def analysis_features(planner: Planner, files, labels, progress: bool):
    """(features, labels, file names) of the tracks that decode, and the skipped ones."""
    label_of = dict(zip(files, labels))
    skipped = [{"file": str(f), "error": "no genre_top in FMA's tracks.csv"}
               for f, label in label_of.items() if label is None]  # fmt: skip
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
    inputs: Sequence[str], output: str, plan: PlanOptions, run: RunOptions,
    fma_metadata: str | None = None, compare: bool = False, say: Say = silent,
    note: Say = silent,
) -> dict:  # fmt: skip
    """`deepviz analyze`: feature statistics and the mappings' aims, as a report folder."""
    from deepviz.fileio import audio_files
    from deepviz.mapping import analysis, report

    report.pyplot()  # before any work: is matplotlib there?
    folder = Path(output)
    if (folder / "index.html").exists() and not run.overwrite:
        raise DeepvizError("already holds a report (use -y/--overwrite to replace it)", folder)
    files = audio_files(inputs)
    planner = Planner(plan, note=note)
    labels = track_labels(files, inputs, fma_metadata)
    tracks, labels, names, skipped = analysis_features(planner, files, labels, not run.quiet)
    for s in skipped:
        note(f"deepviz: skipped {s['file']}: {s['error']}")
    fitted = planner.fitted
    main = analysis.Trial(fitted.options, fitted.path, planner.motion) if fitted else analysis.Trial(
        planner.mapping)  # fmt: skip
    trials = analysis.trials_for(main, compare, DEFAULT_MOTION)
    cls = planner.scene_cls
    scene = analysis.SceneOrder(cls.param_names(), cls.priority, plan.param_order, cls.identity)
    rows, curves = [], None
    for trial in trials:
        row, trial_curves = analysis.evaluate(trial, tracks, labels, plan.fps, plan.smoothing,
                                              scene)  # fmt: skip
        rows.append(row)
        curves = curves if curves is not None else trial_curves  # the main (first) trial's
    doc = analysis.analysis_doc(tracks, labels, names, skipped, rows, curves, trials[0],
                                scene.names, plan.seed)  # fmt: skip
    report.write_report(folder, doc)
    say(f"wrote the report {folder / 'index.html'}")
    return doc


def video_provenance(path: str) -> dict:
    """What a deepviz video records of how it was made (its `comment` tag)."""
    import json

    from deepviz.extract.audio import check_input_file
    from deepviz.extract.decode import read_tags

    check_input_file(path)
    comment = read_tags(path).get("comment", "")
    if not comment.startswith("deepviz "):
        raise DeepvizError("no deepviz provenance in this file (not made by deepviz ≥ 0.2?)", path)
    try:
        return json.loads(comment.removeprefix("deepviz "))
    except ValueError:
        raise DeepvizError("its deepviz provenance is damaged", path) from None


def still_frame(
    audio: str, output: str, at: float, plan: PlanOptions, video: VideoOptions, run: RunOptions,
    say: Say = silent, note: Say = silent, overlay: OverlayOptions | None = None,
) -> Path:  # fmt: skip
    """`deepviz still`: the frame at second `at` as a PNG, nothing encoded."""
    from PIL import Image

    from deepviz.extract.audio import check_input_file
    from deepviz.fileio import atomic_path
    from deepviz.renderer.render import Panel, render_still
    from deepviz.renderer.titles import check_dressing, overlays_for
    from deepviz.scenes import create_context

    check_dressing(video, None, (plan.scene,), note)  # the logo: overlays_for, below
    check_input_file(audio)
    out = check_output_path(output, run.overwrite, "picture")
    if out.suffix.lower() != ".png":
        raise DeepvizError("a still is a .png", out)
    overlays = overlays_for(overlay, audio, video.width, video.height)
    gl = create_context()
    planner = Planner(plan, say, note, prefetch=audio)
    image = render_still([Panel(planner.curves(audio), plan.scene, plan.seed)], at, video, gl,
                         overlays=overlays)  # fmt: skip
    with atomic_path(out, run.overwrite) as tmp:
        Image.fromarray(image).save(tmp, format="PNG")
    say(f"wrote {out}")
    return out


def export_params(
    audio: str, output: str | None, fmt: str | None, units: bool, section: tuple,
    stats: bool, plan: PlanOptions, run: RunOptions, say: Say = silent, note: Say = silent,
) -> None:  # fmt: skip
    """`deepviz params`: the curves of one track in an editor's format, and/or their stats."""
    import math

    from deepviz.mapping import curve_stats
    from deepviz.mapping.export import curve_format, export_curves
    from deepviz.renderer.render import frame_range

    if output is None and not stats:
        raise DeepvizError("nothing to do: give -o FILE (or -) and/or --stats")
    start, duration = section
    for name, value in (("--start", start), ("--duration", duration)):
        if value is not None and (not math.isfinite(value) or value < 0):
            raise DeepvizError(f"{name}: must be a finite number ≥ 0, got {value}")
    if output and output != "-":
        curve_format(output, fmt)
        check_output_path(output, run.overwrite, "curve file")
    planner = Planner(plan, say, note, prefetch=audio)
    curves = planner.curves(audio)
    try:
        frames = frame_range(curves, start, duration)
    except DeepvizError as exc:
        raise DeepvizError(exc.problem, audio) from None
    if output:
        params = planner.scene_cls.params if units else None
        export_curves(curves, output, fmt, slice(frames.start, frames.stop), params,
                      run.overwrite)  # fmt: skip
        if output != "-":
            say(f"wrote {len(frames)} frames × {curves.values.shape[1]} parameters → {output}")
    if stats:
        print(f"{'parameter':<12}{'mean':>8}{'std':>8}")
        for row in curve_stats(curves.values[frames.start : frames.stop], curves.names):
            print(f"{row['name']:<12}{row['mean']:>8.3f}{row['std']:>8.3f}")
