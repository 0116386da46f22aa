"""Feature networks: the paper's three convolutional autoencoders (and, later, genre classifiers)."""

from deepviz.extract.models.autoencoder import AE_VARIANTS, AEConfig, ConvAutoencoder, build_autoencoder

__all__ = ["AE_VARIANTS", "AEConfig", "ConvAutoencoder", "build_autoencoder"]
