"""deepviz: turn music into visualization videos driven by deep-learning audio features."""

__version__ = "0.7.0"
