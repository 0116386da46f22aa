"""Stage 2–3: feature vectors → 10 visual parameters in [0, 1] (sklearn), and timelines."""

from deepviz.mapping.fitted import FittedMapping, fit_mapping, load_mapping
from deepviz.mapping.methods import build_mapping
from deepviz.mapping.options import METHODS, SCALE_BY, SCALINGS, MappingOptions
from deepviz.mapping.order import apply_order, curve_stats, resolve_order

__all__ = [
    "METHODS",
    "SCALE_BY",
    "SCALINGS",
    "FittedMapping",
    "MappingOptions",
    "apply_order",
    "build_mapping",
    "curve_stats",
    "fit_mapping",
    "load_mapping",
    "resolve_order",
]
