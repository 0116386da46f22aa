"""Seeded fuzzing of the JSON files a user hands over (fits, placements): odd leaves, deep nests."""

from __future__ import annotations

import copy
import json

import numpy as np

WEIRD = [-1, 0, 1, 2.5, 10**9, 10**15, -(10**6), "x", "", None, True, [], {}, [1, 2], {"a": 1},
         float("nan"), float("inf"), 1e308, "1" * 1000]  # fmt: skip


def mutate(doc, rng: np.random.Generator, depth: int = 0):
    """A copy of a JSON value with one leaf (or subtree) replaced by something odd."""
    if isinstance(doc, dict) and doc and rng.random() < 0.85:
        key = list(doc)[rng.integers(len(doc))]
        return {**doc, key: mutate(doc[key], rng, depth + 1)}
    if isinstance(doc, list) and doc and rng.random() < 0.85:
        i = int(rng.integers(len(doc)))
        return doc[:i] + [mutate(doc[i], rng, depth + 1)] + doc[i + 1 :]
    if rng.random() < 0.05:
        return DEEP  # written as 2000 nested lists (`dumps`)
    return copy.deepcopy(WEIRD[rng.integers(len(WEIRD))])


DEEP = "__deep__"


def dumps(doc) -> str:
    return json.dumps(doc, allow_nan=True).replace(f'"{DEEP}"', "[" * 2000 + "]" * 2000)
