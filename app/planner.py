"""The pipeline put together once: options → network → features → mapping → per-frame curves.

`Planner` loads the feature network (and a saved fit) once and turns any number of tracks into
curves; render, still, params, fit, analyze and compare all go through it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from deepviz.core import interrupts
from deepviz.core.errors import DeepvizError
from deepviz.mapping.options import MappingOptions
from deepviz.mapping.order import SceneOrder
from deepviz.mapping.timeline import TimelineOptions

if TYPE_CHECKING:
    from deepviz.extract.extractor import TrackFeatures
    from deepviz.mapping.curves import Curves
    from deepviz.mapping.fitted import FittedMapping
    from deepviz.renderer.options import VideoOptions
import json

import numpy as np

from deepviz import __version__
from deepviz.app.plan import PlanOptions, reference_fit
from deepviz.core.console import SILENT, Console, progress_bar
from deepviz.extract.audio import check_input_file
from deepviz.extract.background import NetworkProcess
from deepviz.extract.cache import FeatureCache, file_digest
from deepviz.extract.decode import check_length, probe
from deepviz.extract.identity import model_identity
from deepviz.mapping.curves import curves_from_features
from deepviz.mapping.order import resolve_order
from deepviz.scenes.registry import get_scene


class Planner:
    """The feature network loaded once, and the plan's mapping: audio paths → `Curves`."""

    def __init__(
        self,
        plan: PlanOptions,
        console: Console = SILENT,
        extractor=None,
        prefetch: str | os.PathLike | None = None,
    ):
        """With `prefetch`, that track's features (unless cached) are extracted in a second
        process from now on, while the fit loads and the caller sets up the rest."""

        self.plan, self.console = plan, console
        self.scene_cls = get_scene(plan.scene)
        self.mapping = plan.mapping_options()
        for line in self.mapping.warnings:
            console.note(f"deepviz: note: {line}")
        if plan.param_order is not None:  # a misspelt name is an error before any work
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
        self.fitted, self.motion = reference_fit(plan, console)

    @property
    def extractor(self):
        """The feature network, loaded on first use."""
        if self._extractor is None:
            # lazy: torch (1-2 s, 0.5 GiB) only when a track is not cached and runs here
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

        stream = self.plan.audio_stream
        check_input_file(path)
        info = probe(path)
        check_length(info.duration, path)
        streams = info.audio_streams
        if streams > 1:
            self.console.note(
                f"deepviz: note: {path} has {streams} audio streams; using stream {stream} "
                "(--audio-stream N picks another)"
            )
        key = self.cache_key and (self.cache_key + (f"-a{stream}" if stream else ""))
        return info.duration, self.cache.entry(path, key) if key else None

    def prefetch(self, path: str | os.PathLike) -> None:
        """Start extracting the track in a second process, unless it is cached or the network
        is loaded here already (`features` then takes the result)."""

        duration, entry = self._track(path)
        if self._extractor is None and entry is not None and not entry.is_file():
            network = NetworkProcess(self.plan.model, self.plan.device, self.plan.layer)
            self._background[os.fspath(path)] = (network, duration, entry)

    def features(self, path: str | os.PathLike) -> TrackFeatures:
        """The track's features: from the cache, else decoded, run through the network, cached."""

        background, duration, entry = self._background.pop(os.fspath(path), None) or (
            None,
            *self._track(path),
        )
        if (
            background is None
            and entry is not None
            and (hit := self.cache.load(entry, self.model_id))
        ):
            return hit
        minutes, seconds = divmod(duration or 0.0, 60)
        length = f"{int(minutes)}:{seconds:04.1f}, " if duration else ""

        def announce(device: str, model_id: str) -> None:
            self.console.say(f"{path}: {length}extracting features with {model_id} on {device} …")

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

        for path in progress_bar(files, desc="extracting", unit="file", disable=not progress):
            try:
                yield path, self.features(path)
            except DeepvizError as exc:
                yield path, exc

    def fit(self, features: TrackFeatures, mapping: MappingOptions | None = None) -> FittedMapping:
        """The saved fit (checked against these features' model), or one fitted on them."""
        # lazy: scikit-learn (0.7 s) loads while the network's process starts
        from deepviz.mapping.fitted import fit_mapping

        if self.fitted is not None and mapping is None:
            self.fitted.check(features.model_id, features.values.shape[1])
            return self.fitted
        return fit_mapping(features.values, mapping or self.mapping, features.model_id)

    def curves_of(
        self,
        features: TrackFeatures,
        mapping: MappingOptions | None = None,
        shared: tuple[FittedMapping, float] | None = None,
    ) -> Curves:
        """Per-frame curves of extracted features: with the plan's mapping, or another `mapping`
        fitted on them, or a `shared` (fit, motion) such as one fitted on several tracks."""

        plan = self.plan
        if shared is not None:
            fitted, motion = shared
        else:
            fitted = self.fit(features, mapping)
            motion = self.motion if fitted is self.fitted else 0.0
        sections = plan.sections == "auto"
        timeline = TimelineOptions(plan.fps, plan.smoothing, plan.pulse, motion, sections)
        return curves_from_features(features, fitted, self.scene_order, timeline)

    @property
    def scene_order(self) -> SceneOrder:
        """What the mapping needs of the plan's scene: names, priority, the user's order."""
        cls = self.scene_cls
        return SceneOrder(cls.param_names(), cls.priority, self.plan.param_order, cls.identity)

    def curves(self, path: str | os.PathLike) -> Curves:
        return self.curves_of(self.features(path))

    def provenance(self, video: VideoOptions | None = None) -> dict[str, str]:
        """What a video records of how it was made (`deepviz info` reads it back): the plan's
        options and, with `video`, its palette and background (files by name and digest)."""

        plan, fitted = self.plan, self.fitted
        mapping = (fitted.options if fitted else self.mapping).to_dict()
        doc = {
            "deepviz": __version__,
            "model": self.model_id,
            "model_key": self.cache_key,
            "scene": plan.scene,
            "mapping": mapping,
            "fit": os.path.basename(fitted.path) if fitted and fitted.path else "track",
            "fit_sha256": file_digest(fitted.path) if fitted and fitted.path else None,
            "motion": self.motion,
            "pulse": plan.pulse,
            "smoothing": plan.smoothing,
            "fps": plan.fps,
            "seed": plan.seed,
            "param_order": plan.param_order,
            "sections": plan.sections,
        }
        if video is not None:
            doc["palette"] = video.palette or "spectrum"
            for key in ("palette", "background"):
                path = getattr(video, key)
                if path and os.path.isfile(path):
                    doc[key], doc[f"{key}_sha256"] = os.path.basename(path), file_digest(path)
        return {"comment": "deepviz " + json.dumps(doc, separators=(",", ":"))}
