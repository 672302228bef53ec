"""MinHash sketches of shingle sets and an LSH banding of them: which pages may share more
than a threshold of their shingles, without comparing every pair (Broder, "On the
resemblance and containment of documents", 1997; Leskovec, Rajaraman and Ullman, "Mining
of Massive Datasets", chapter 3). Candidates only: the caller measures each pair exactly."""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence

import numpy as np

SEED = 1


@functools.cache
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The multipliers (odd) and offsets of `num_perm` multiply-shift hash functions."""
    generator = np.random.default_rng(SEED)
    top = np.iinfo(np.int64).max
    multipliers = generator.integers(0, top, size=num_perm, dtype=np.uint64) | np.uint64(1)
    offsets = generator.integers(0, top, size=num_perm, dtype=np.uint64)
    return multipliers, offsets


def _mix(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer: 32-bit shingle hashes spread over 64 bits."""
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xFF51AFD7ED558CCD)
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xC4CEB9FE1A85EC53)
    return values ^ (values >> np.uint64(33))


def sketch(shingles: Collection[int], num_perm: int) -> np.ndarray:
    """The MinHash of a non-empty set of 32-bit shingle hashes: for each hash function, the
    least value it gives any shingle (arithmetic modulo 2**64, the high 32 bits kept)."""
    values = _mix(np.fromiter(shingles, dtype=np.uint64, count=len(shingles)))
    multipliers, offsets = _permutations(num_perm)
    hashed = (values[:, None] * multipliers[None, :] + offsets[None, :]) >> np.uint64(32)
    return hashed.min(axis=0).astype(np.uint32)


def _simpson(start: float, end: float, steps: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Points and weights of Simpson's rule on [start, end]: sum(weights * f(points))."""
    points = np.linspace(start, end, steps + 1)
    weights = np.where(np.arange(steps + 1) % 2, 4.0, 2.0)
    weights[0] = weights[-1] = 1.0
    return points, weights * (end - start) / steps / 3


@functools.cache
def bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """The bands and rows per band that minimise the areas of false positives (below the
    threshold) and false negatives (above it), weighed alike."""
    below, below_weights = _simpson(0.0, threshold)
    above, above_weights = _simpson(threshold, 1.0)
    best, chosen = float("inf"), (1, num_perm)
    for count in range(1, num_perm + 1):
        for rows in range(1, num_perm // count + 1):
            false_positives = below_weights @ (1 - (1 - below**rows) ** count)
            false_negatives = above_weights @ (1 - above**rows) ** count
            if false_positives + false_negatives < best:
                best, chosen = false_positives + false_negatives, (count, rows)
    return chosen


def candidates(sketches: Sequence[np.ndarray], threshold: float) -> list[set[int]]:
    """For each sketch, the others that agree with it on all rows of at least one band."""
    if not sketches:
        return []
    count, rows = bands(threshold, len(sketches[0]))
    found: list[set[int]] = [set() for _ in sketches]
    for band in range(count):
        buckets: dict[bytes, list[int]] = {}
        for number, values in enumerate(sketches):
            key = values[band * rows : (band + 1) * rows].tobytes()
            buckets.setdefault(key, []).append(number)
        for members in buckets.values():
            if len(members) > 1:
                for number in members:
                    found[number].update(members)
    for number, others in enumerate(found):
        others.discard(number)
    return found
