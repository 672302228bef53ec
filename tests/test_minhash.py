"""MinHash sketches and LSH banding: agreement estimates overlap, bands follow the S-curve."""

import random
import zlib

import numpy as np
import pytest

from seo.audit import minhash


def shingles(words: list[str]) -> frozenset[int]:
    return frozenset(zlib.crc32(w.encode()) for w in words)


def pair(jaccard: float, size: int = 400) -> tuple[frozenset[int], frozenset[int]]:
    """Two sets of `size` shingles sharing enough of them for the given Jaccard index."""
    shared = round(2 * size * jaccard / (1 + jaccard))
    common = [f"common {i}" for i in range(shared)]
    first = common + [f"first {i}" for i in range(size - shared)]
    second = common + [f"second {i}" for i in range(size - shared)]
    return shingles(first), shingles(second)


@pytest.mark.parametrize("jaccard", [0.0, 0.2, 0.5, 0.8, 1.0])
def test_the_share_of_equal_minimums_estimates_the_jaccard_index(jaccard):
    first, second = pair(jaccard)
    exact = len(first & second) / len(first | second)
    agree = np.mean(minhash.sketch(first, 256) == minhash.sketch(second, 256))
    assert abs(agree - exact) < 0.1, (agree, exact)


def test_a_sketch_depends_on_the_set_only():
    words = [f"word {i}" for i in range(50)]
    shuffled = words[:]
    random.Random(7).shuffle(shuffled)
    assert (minhash.sketch(shingles(words), 128) == minhash.sketch(shingles(shuffled), 128)).all()
    assert minhash.sketch(shingles(words), 128).dtype == np.uint32


@pytest.mark.parametrize(
    "threshold, expected", [(0.3, (37, 3)), (0.5, (25, 5)), (0.8, (9, 13)), (0.9, (5, 25))]
)
def test_bands_minimise_false_positives_and_negatives(threshold, expected):
    """The optimum of the weighted areas under the S-curve 1 - (1 - s^r)^b."""
    assert minhash.bands(threshold, 128) == expected


def test_similar_sets_are_candidates_and_different_ones_are_not():
    close, copy = pair(0.9)
    far_a, far_b = pair(0.05)
    other = shingles([f"other {i}" for i in range(400)])
    sets = [close, copy, far_a, far_b, other]
    found = minhash.candidates([minhash.sketch(s, 128) for s in sets], 0.5)
    assert found[0] == {1} and found[1] == {0}
    assert found[2] == found[3] == found[4] == set()
