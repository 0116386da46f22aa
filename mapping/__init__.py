"""Stage 2–3: feature vectors → 10 visual parameters in [0, 1] (sklearn), and timelines.

Names load on first use, so the command line can read the method names without importing sklearn.
"""

import importlib

_HOMES = {
    "FittedMapping": "fitted",
    "fit_mapping": "fitted",
    "load_mapping": "fitted",
    "build_mapping": "methods",
    "METHODS": "options",
    "PAPER_METHODS": "options",
    "SCALE_BY": "options",
    "SCALINGS": "options",
    "MappingOptions": "options",
    "apply_order": "order",
    "curve_stats": "order",
    "resolve_order": "order",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(importlib.import_module(f"deepviz.mapping.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
