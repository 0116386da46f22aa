"""Stage 1: decode audio, cut it into 0.96 s MFCC patches and turn each into a feature vector."""
