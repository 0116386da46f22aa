"""Stage 2–3: feature vectors → 10 visual parameters in [0, 1] (sklearn), and timelines."""

from deepviz.mapping.methods import build_mapping
from deepviz.mapping.options import METHODS, SCALE_BY, SCALINGS, MappingOptions

__all__ = ["METHODS", "SCALE_BY", "SCALINGS", "MappingOptions", "build_mapping"]
