"""Feature networks: the paper's three convolutional autoencoders and four genre classifiers.

`list_models` / `get_model` (registry.py) are torch-free to import; the network modules (and torch,
torchvision) load on first use of anything else here.
"""

from deepviz.extract.models.registry import (
    ARCHITECTURES,
    Architecture,
    build_model,
    get_arch,
    get_model,
    list_models,
)

_LAZY = {
    "AEConfig": "autoencoder",
    "ConvAutoencoder": "autoencoder",
    "build_autoencoder": "autoencoder",
    "ClassifierConfig": "classifiers",
    "GenreClassifier": "classifiers",
    "build_classifier": "classifiers",
    "classifier_layers": "classifiers",
    "load_pretrained": "classifiers",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"deepviz.extract.models.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ARCHITECTURES",
    "Architecture",
    "build_model",
    "get_arch",
    "get_model",
    "list_models",
    *_LAZY,
]
