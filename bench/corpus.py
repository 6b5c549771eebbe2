"""The benchmark's input: real agent replies with their customer context, read from the shared corpus."""

from __future__ import annotations

import random
from pathlib import Path
from typing import NamedTuple

from training.dataset import read_unlabeled


class Pair(NamedTuple):
    reply: str
    context: str


def load_pairs(path: Path, seed: int = 0) -> list[Pair]:
    """Every non-empty reply with its context, shuffled with a fixed seed so any prefix mixes the sources."""
    pairs = [Pair(reply, context) for reply, context in read_unlabeled(path) if reply.strip()]
    random.Random(seed).shuffle(pairs)
    return pairs


def take(pairs: list[Pair], count: int) -> list[Pair]:
    """`count` pairs, cycling through the corpus when it has fewer."""
    return [pairs[i % len(pairs)] for i in range(count)]
