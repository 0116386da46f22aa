"""Feature networks: the paper's three convolutional autoencoders and four genre classifiers.

The classifiers import torchvision, which takes a second or two; they load on first use.
"""

from deepviz.extract.models.autoencoder import (
    AE_VARIANTS,
    AEConfig,
    ConvAutoencoder,
    build_autoencoder,
)

CLASSIFIER_ARCHS = ("alexnet", "vgg11", "vgg13", "vgg16")
ARCHS = AE_VARIANTS + CLASSIFIER_ARCHS
_LAZY = (
    "ClassifierConfig",
    "GenreClassifier",
    "build_classifier",
    "classifier_layers",
    "load_pretrained",
)


def __getattr__(name: str):
    if name in _LAZY:
        from deepviz.extract.models import classifiers

        return getattr(classifiers, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AE_VARIANTS",
    "ARCHS",
    "AEConfig",
    "CLASSIFIER_ARCHS",
    "ConvAutoencoder",
    "build_autoencoder",
    *_LAZY,
]
