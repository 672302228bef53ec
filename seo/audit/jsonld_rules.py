"""Page rules on the JSON-LD: readable, in the schema.org vocabulary, complete for search."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from seo.audit.model import AuditConfig, AuditPage, Issue
from seo.audit.nap_rules import closed_on
from seo.audit.vocabulary import enumeration_range, shape_problems, term, vocabulary

# Google's LocalBusiness structured data: required and recommended properties.
LOCAL_BUSINESS_REQUIRED = ("name", "address")
LOCAL_BUSINESS_RECOMMENDED = ("telephone", "url", "geo", "openingHoursSpecification")
ADDRESS_RECOMMENDED = ("streetAddress", "addressLocality", "addressRegion", "postalCode",
                       "addressCountry")  # fmt: skip
# The location field staff edit to fill each property.
PROPERTY_FIELDS = {
    "name": "name",
    "address": "street_address",
    "telephone": "phone",
    "geo": "latitude",
    "openingHoursSpecification": "opening_hours",
    "streetAddress": "street_address",
    "addressLocality": "city",
    "addressRegion": "state",
    "postalCode": "postal_code",
}


def jsonld_missing(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """Every page carries readable JSON-LD."""
    nodes, errors = page.html.graph
    for error in errors:
        yield "json-ld", f"The JSON-LD cannot be read ({error}): fix the markup."
    if not nodes and not errors:
        yield "json-ld", "The page has no JSON-LD structured data: add the page's @graph."


def schema_vocabulary(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """Every JSON-LD type and property exists in schema.org and fits where it is used."""
    members = vocabulary()["enumerationMembers"]
    for node, types, _ancestry in page.html.typed:
        props = tuple(p for p in node if not p.startswith("@"))
        for problem in shape_problems(types, props):
            yield "json-ld", problem
        for prop in props:
            allowed = enumeration_range(prop)
            if not allowed:
                continue
            value = node[prop]
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and not allowed & set(members.get(term(item), [])):
                    yield (
                        "json-ld",
                        f"{item!r} is not a valid value of {prop!r} "
                        f"(expected a {'/'.join(sorted(allowed))}).",
                    )


def _filled(value: object) -> bool:
    return value not in (None, "", [], {})


def local_business_required(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """A LocalBusiness node has the properties search engines require (name, address)."""
    for node, types, ancestry in page.html.typed:
        if "LocalBusiness" not in ancestry:
            continue
        for prop in LOCAL_BUSINESS_REQUIRED:
            if not _filled(node.get(prop)):
                yield (
                    PROPERTY_FIELDS[prop],
                    f"The {'/'.join(types)} markup has no {prop}, which search "
                    f"engines require: fill in the location's {PROPERTY_FIELDS[prop]}.",
                )


def local_business_recommended(
    page: AuditPage, config: AuditConfig, today: date
) -> Iterator[Issue]:
    """A LocalBusiness node has the properties search engines recommend."""
    for node, types, ancestry in page.html.typed:
        if "LocalBusiness" not in ancestry:
            continue
        address = node.get("address") if isinstance(node.get("address"), dict) else {}
        missing = [p for p in LOCAL_BUSINESS_RECOMMENDED if not _filled(node.get(p))]
        if closed_on(page, today) and "openingHoursSpecification" in missing:
            missing.remove("openingHoursSpecification")  # closed: special hours say so
        if address:
            missing += [p for p in ADDRESS_RECOMMENDED if not _filled(address.get(p))]
        for prop in missing:
            name = PROPERTY_FIELDS.get(prop, "json-ld")
            yield (
                name,
                f"The {'/'.join(types)} markup has no {prop}, which search engines "
                f"recommend: fill in the location's {name.replace('_', ' ')}.",
            )
