"""The schema.org vocabulary: type ancestry, enumerations and the shape of JSON-LD nodes."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

# The schema.org release terms.
VOCABULARY = Path(__file__).parent.parent / "data" / "schemaorg-terms.json"
SCHEMA_PREFIXES = ("https://schema.org/", "http://schema.org/", "schema:")


@cache
def vocabulary() -> dict:
    """The schema.org classes, properties and enumeration members (seo/data)."""
    return json.loads(VOCABULARY.read_text(encoding="utf-8"))


def term(value: str) -> str:
    for prefix in SCHEMA_PREFIXES:
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


def node_types(node: dict) -> tuple[str, ...]:
    types = node.get("@type")
    return tuple(term(t) for t in (types if isinstance(types, list) else [types]) if t)


@cache
def lineage(types: tuple[str, ...]) -> frozenset[str]:
    """The types and all their schema.org ancestors."""
    classes = vocabulary()["classes"]
    seen: set[str] = set()
    todo = list(types)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += classes.get(name, {}).get("subClassOf", [])
    return frozenset(seen)


@cache
def enumeration_range(prop: str) -> frozenset[str]:
    """The enumerations a property's values must come from (empty when it takes other values)."""
    ranges = vocabulary()["properties"].get(prop, {}).get("rangeIncludes", [])
    if ranges and all("Enumeration" in lineage((r,)) for r in ranges):
        return frozenset(ranges)
    return frozenset()


@cache
def shape_problems(types: tuple[str, ...], props: tuple[str, ...]) -> tuple[str, ...]:
    """Vocabulary problems of a node's types and property names (cached: nodes repeat)."""
    vocab = vocabulary()
    problems = [
        f"@type {name!r} is not a schema.org type: use a schema.org type."
        for name in types
        if name not in vocab["classes"]
    ]
    known = not problems
    ancestry = lineage(types)
    for prop in props:
        spec = vocab["properties"].get(prop)
        if spec is None:
            problems.append(
                f"{prop!r} on {'/'.join(types)} is not a schema.org property: remove or rename it."
            )
        elif known and not ancestry & set(spec.get("domainIncludes", [])):
            problems.append(
                f"{prop!r} is not a property of {'/'.join(types)} in schema.org: move it to a "
                "type that has it."
            )
    return tuple(problems)
