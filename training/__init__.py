"""Training: the synthesized corpus, datasets and the loop that produces `.dvz` checkpoints."""
