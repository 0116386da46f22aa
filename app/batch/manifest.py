"""A batch's memory in its output folder: which input and options made each video, so that a
re-run does only what is missing or stale."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

from deepviz.app.batch.jobs import TrackJob
from deepviz.app.plan import PlanOptions
from deepviz.core.console import SILENT, Console
from deepviz.core.files import atomic_path
from deepviz.extract.cache import file_digest
from deepviz.renderer.options import VideoOptions

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "deepviz-batch-manifest"
MAX_MANIFEST_BYTES = 64 << 20


def options_digest(
    plan: PlanOptions,
    video: VideoOptions,
    model_key: str | None,
    fit_text: str | None,
    overlay=None,
) -> str:
    """Names everything that decides a video's frames and sound, for the manifest (the files a
    palette, background or logo option names by their contents: an edited palette redoes)."""

    named = [video.palette, video.background, overlay.logo if overlay else None]
    doc = {
        "plan": dataclasses.asdict(plan),
        "video": dataclasses.asdict(video),
        "model": model_key,
        "fit": fit_text,
        "overlay": dataclasses.asdict(overlay) if overlay else None,
        "files": [file_digest(p) for p in named if p and os.path.isfile(p)],
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()[:32]


class Manifest:
    """What each video of the folder was made from: {output: {source, source_sha256, options,
    row}}; rewritten atomically after every track, so an interruption leaves it consistent."""

    def __init__(self, folder: Path, console: Console = SILENT):
        self.path = folder / MANIFEST
        self.entries: dict[str, dict] = {}
        if self.path.is_file():
            self.entries = self._read(console)

    def _read(self, console: Console) -> dict[str, dict]:
        try:
            if self.path.stat().st_size > MAX_MANIFEST_BYTES:
                raise ValueError("too large")
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(doc, dict) or doc.get("format") != MANIFEST_FORMAT:
                raise ValueError("not a deepviz batch manifest")
            tracks = doc.get("tracks")
            if not isinstance(tracks, dict) or not all(_valid_entry(e) for e in tracks.values()):
                raise ValueError("malformed entries")
        except (OSError, ValueError, RecursionError) as exc:
            console.note(
                f"deepviz: note: {self.path}: ignored ({exc}); every video is checked again"
            )
            return {}
        return tracks

    def up_to_date(self, out: Path, source_sha: str, options: str) -> dict | None:
        """The row of a finished video made from the same input and options, else None."""
        e = self.entries.get(str(out))
        if e and e["source_sha256"] == source_sha and e["options"] == options and out.is_file():
            return e["row"]
        return None

    def record(self, out: Path, source_sha: str, options: str, row: dict) -> None:

        self.entries[str(out)] = {
            "source": row["file"],
            "source_sha256": source_sha,
            "options": options,
            "row": row,
        }
        doc = {"format": MANIFEST_FORMAT, "version": 1, "tracks": self.entries}
        with atomic_path(self.path) as tmp:
            tmp.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


def _valid_entry(e) -> bool:
    return (
        isinstance(e, dict)
        and isinstance(e.get("row"), dict)
        and all(isinstance(e.get(k), str) for k in ("source", "source_sha256", "options"))
    )


def new_jobs(
    pairs, manifest: Manifest, options: str, force: bool, overwrite: bool, console: Console
) -> tuple[list[TrackJob], list[dict], dict[int, str]]:
    """(jobs to run, rows of videos already up to date, each job's input digest)."""

    todo, done, digests = [], [], {}
    for i, (src, out) in enumerate(pairs):
        sha = file_digest(src)
        row = None if force else manifest.up_to_date(out, sha, options)
        if row is not None:
            done.append({**row, "status": "skipped"})
            continue
        if out.exists() and str(out) not in manifest.entries and not (overwrite or force):
            console.note(f"deepviz: skipped {out}: exists and was not made by this batch (use -y)")
            done.append(
                {
                    "file": str(src),
                    "output": str(out),
                    "status": "skipped",
                    "error": "exists, not made by this batch",
                }
            )
            continue
        todo.append(TrackJob(i, str(src), str(out), replace=out.exists()))
        digests[i] = sha
    return todo, done, digests
