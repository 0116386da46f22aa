"""Feature networks: the paper's three convolutional autoencoders and four genre classifiers.

Importing this package imports every network module (and torch, torchvision), and so registers
their architectures, in the paper's order, as torchvision's `models` package does.
"""

from deepviz.extract.models import autoencoder, classifiers  # noqa: F401 - they register themselves
from deepviz.extract.models.autoencoder import AEConfig, ConvAutoencoder, build_autoencoder
from deepviz.extract.models.classifiers import (
    ClassifierConfig,
    GenreClassifier,
    build_classifier,
    classifier_layers,
    load_pretrained,
)
from deepviz.extract.models.registry import (
    ARCHITECTURES,
    Architecture,
    build_model,
    get_arch,
    get_model,
    list_models,
    register_model,
)

__all__ = [
    "ARCHITECTURES",
    "AEConfig",
    "Architecture",
    "ClassifierConfig",
    "ConvAutoencoder",
    "GenreClassifier",
    "build_autoencoder",
    "build_classifier",
    "build_model",
    "classifier_layers",
    "get_arch",
    "get_model",
    "list_models",
    "load_pretrained",
    "register_model",
]
