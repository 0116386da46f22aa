"""Files that ship with the package: the demo track."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def demo_track() -> Path:
    """A 30 s track made by deepviz's own synthesizer (see extract/synth.py), bundled as Ogg Vorbis."""
    return Path(str(resources.files("deepviz.renderer") / "data" / "demo.ogg"))
