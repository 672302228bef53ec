"""Near-duplicate landing pages: mask local names, shingle the text, compare with MinHash."""

from __future__ import annotations

import math
import zlib
from collections import Counter
from dataclasses import dataclass

from seo.audit.model import ERROR, AuditConfig, AuditPage, Finding
from seo.audit.text import plural, safe_display_phone, words
from seo.core.locations import Location

MARK = "_loc_"  # stands in for the page's own city, clinic name, address and phone


@dataclass(frozen=True)
class AuditText:
    """A landing page's main text, split in blocks, with its location's own words masked."""

    path: str
    blocks: tuple[str, ...]
    place: str  # city, for messages

    @classmethod
    def of(cls, page: AuditPage) -> AuditText:
        return cls(page.path, mask_local_terms(page.html.blocks, page.location), _place(page))


def _place(page: AuditPage) -> str:
    return f"{page.location.city}, {page.location.state}" if page.location else page.path


def local_terms(location: Location | None) -> list[str]:
    """The location's own names, which shared text differs by (longest first)."""
    if location is None:
        return []
    terms = {
        location.name,
        f"{location.city}, {location.state}",
        f"{location.city} {location.state}",
        location.city,
        location.state_name if location.state_name != location.state else "",
        location.street_address,
        location.postal_code,
        safe_display_phone(location.phone),
    }
    return sorted((t for t in terms if len(t.strip()) > 1), key=len, reverse=True)


def mask_local_terms(blocks: tuple[str, ...], location: Location | None) -> tuple[str, ...]:
    """Replace the location's own names with one mark, so filled-in shared text reads the same."""
    terms = local_terms(location)
    if not terms:
        return blocks
    masked = []
    for block in blocks:
        for term in terms:  # longest first, so "Gateway Pain Relief Florissant" beats "Florissant"
            if term in block:
                block = block.replace(term, f" {MARK} ")
        masked.append(block)
    return tuple(masked)


@dataclass
class _Block:
    """One distinct text block of a service: its words' shingle hashes, in order."""

    length: int  # words
    hashes: tuple[int, ...]
    shingles: frozenset[int]


def shingle_block(text: str, size: int) -> _Block:
    """Hash the overlapping runs of `size` words (a short block is one shingle)."""
    tokens = words(text)
    if not tokens:
        return _Block(0, (), frozenset())
    runs = (
        [" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]
        if len(tokens) >= size
        else [" ".join(tokens)]
    )
    hashes = tuple(zlib.crc32(run.encode("utf-8")) for run in runs)
    return _Block(len(tokens), hashes, frozenset(hashes))


def local_word_count(block: _Block, boilerplate: set[int] | frozenset[int], size: int) -> int:
    """Words of a block not covered by any boilerplate shingle."""
    if block.shingles.isdisjoint(boilerplate):
        return block.length
    if block.shingles <= boilerplate:
        return 0
    span = size if block.length >= size else block.length
    covered_to, covered = -1, 0
    for start, value in enumerate(block.hashes):
        if value in boilerplate:
            end = start + span - 1
            covered += end - max(covered_to, start - 1)
            covered_to = end
    return block.length - covered


@dataclass
class LocalText:
    """How much of one landing page is its own."""

    path: str
    place: str
    words: int
    local_words: int
    shingles: frozenset[int]


def shared_shingles(pages: list[list[_Block]], floor: int) -> set[int]:
    """Shingles on at least `floor` pages, counted per distinct block rather than per page."""
    on_pages: Counter[int] = Counter()  # pages per distinct block
    distinct: dict[int, _Block] = {}
    for blocks in pages:
        on_pages.update(id(b) for b in blocks)
        for block in blocks:
            distinct.setdefault(id(block), block)
    owner: dict[int, int] = {}
    repeated: set[int] = set()  # shingles found in two or more distinct blocks
    for key, block in distinct.items():
        for value in block.shingles:
            if owner.setdefault(value, key) != key:
                repeated.add(value)
    shared = {
        value
        for key, block in distinct.items()
        if on_pages[key] >= floor
        for value in block.shingles
        if value not in repeated
    }
    if repeated:  # a shingle in several blocks: count the pages holding any of them exactly
        holders = {k: b.shingles & repeated for k, b in distinct.items()}
        counts: Counter[int] = Counter()
        for blocks in pages:
            found: set[int] = set()
            for block in blocks:
                found |= holders[id(block)]
            counts.update(found)
        shared |= {value for value, n in counts.items() if n >= floor}
    return shared


def local_texts(texts: list[AuditText], config: AuditConfig) -> list[LocalText]:
    """Split each page's text into shared (on most pages of the service) and local words."""
    size = config.shingle_words
    cache: dict[str, _Block] = {}
    pages = []
    for text in texts:
        blocks = []
        for block in dict.fromkeys(text.blocks):  # a block repeated on one page counts once
            if block not in cache:
                cache[block] = shingle_block(block, size)
            blocks.append(cache[block])
        pages.append(blocks)
    boilerplate = shared_shingles(pages, max(2, math.ceil(config.boilerplate_share * len(texts))))
    results = []
    local_cache: dict[int, tuple[int, frozenset[int]]] = {}
    for text, blocks in zip(texts, pages, strict=True):
        local_words, shingles = 0, set()
        for block in blocks:
            key = id(block)
            if key not in local_cache:
                local_cache[key] = (
                    local_word_count(block, boilerplate, size),
                    block.shingles - boilerplate,
                )
            count, own = local_cache[key]
            local_words += count
            shingles |= own
        total = sum(b.length for b in blocks)
        results.append(LocalText(text.path, text.place, total, local_words, frozenset(shingles)))
    return results


def similar_pairs(items: list[LocalText], config: AuditConfig) -> dict[str, tuple[str, float]]:
    """For each page, its most similar page above the ceiling (MinHash LSH, then exact)."""
    from seo.audit import minhash  # numpy: only once pages are compared

    candidates = [item for item in items if item.shingles]
    if len(candidates) < 2:
        return {}
    sketches = [minhash.sketch(item.shingles, config.num_perm) for item in candidates]
    found: dict[str, tuple[str, float]] = {}
    for item, others in zip(
        candidates, minhash.candidates(sketches, config.max_similarity), strict=True
    ):
        for other in sorted(others):
            peer = candidates[other]
            similarity = len(item.shingles & peer.shingles) / len(item.shingles | peer.shingles)
            best = found.get(item.path)
            if similarity > config.max_similarity and (best is None or similarity > best[1]):
                found[item.path] = (peer.path, similarity)
    return found


def near_duplicates(texts: list[AuditText], config: AuditConfig) -> list[Finding]:
    """Landing pages of one service with too little text of their own, or copied local text."""
    if len(texts) < 2:
        return []  # one page of a service has no siblings to duplicate
    findings = []
    items = local_texts(texts, config)
    for item in items:
        if item.local_words < config.min_local_words:
            missing = config.min_local_words - item.local_words
            findings.append(
                Finding(
                    ERROR,
                    "near-duplicate-page",
                    item.path,
                    "intro",
                    f"Only {plural(item.local_words, 'word')} of {item.words:,} are specific "
                    f"to {item.place}; the rest repeats the service's other location pages: add "
                    f"at least {plural(missing, 'more word')} of local content (the location's "
                    "intro: who works there, parking, transit, languages, what is nearby).",
                )
            )
    eligible = [item for item in items if item.local_words >= config.min_local_words]
    for path, (other, similarity) in similar_pairs(eligible, config).items():
        findings.append(
            Finding(
                ERROR,
                "near-duplicate-local-text",
                path,
                "intro",
                f"The location-specific text is {similarity:.0%} the same as {other} (limit "
                f"{config.max_similarity:.0%}): rewrite this location's intro in its own words.",
                related=other,
            )
        )
    return findings
