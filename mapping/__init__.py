"""Stage 2–3: feature vectors → 10 visual parameters in [0, 1] (sklearn estimators), and timelines."""
