"""The dependency index of page state: which pages read which clinic, service, member list
or map square, and what a change to touched clinics and services therefore affects.

Each page kind declares what its inputs were read from (`PageKind.depends`); page state
keeps those declarations as rows, so a change names its pages without walking the site. A
clinic's mark (a digest of the clinic as lists and neighbour links show it, with its state,
services and map square) tells an intro edit, which changes its own pages only, from a
move, a new clinic or a retirement, which also changes the lists and neighbours it is in."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from seo.core import geo, pages
from seo.core.locations import Location
from seo.core.pages.kind import Dependency
from seo.core.pages.model import Service
from seo.core.urls import PageRef
from seo.services.sources import Catalog, DatabaseSource, listed
from seo.store import changes, queries

# Past this many touched clinics and services, one walk of the site (which reads everything
# at once) is quicker than looking each affected page up on its own.
MOST_TOUCHED = 1000

Mark = tuple[str, str]  # (digest, note)


def text(dependency: Dependency) -> str:
    return f"{dependency[0]}:{dependency[1]}"


def texts(found: frozenset[Dependency]) -> frozenset[str]:
    """A page's dependencies as the index stores them (interned: pages share most)."""
    return frozenset(sys.intern(text(d)) for d in found)


def small(touched: changes.Touched) -> bool:
    """Whether a change is small enough to look its pages up in the index."""
    if touched.unknown:
        return False
    sizes = (touched.locations, touched.location_ids, touched.services, touched.service_ids)
    return sum(len(s) for s in sizes) <= MOST_TOUCHED


def clinic_mark(location: Location, services: Sequence[Service]) -> Mark:
    """A clinic as lists and neighbour links read it, and where it is listed and located."""
    shown = listed(location)
    offers = ",".join(s.slug for s in services if shown.offers(s.slug))
    cell = "" if shown.latitude is None else geo.cell_name(shown.latitude, shown.longitude)
    return pages.digest(shown, ""), f"{shown.state}|{offers}|{cell}"


def service_mark(source: Catalog | DatabaseSource, slug: str) -> Mark:
    """A service as lists show it in every language (its name, summary, translations)."""
    versions = tuple(source.in_language(language).service(slug) for language in source.languages())
    return pages.digest(versions, ""), ""


def clinic_marks(catalog: Catalog) -> dict[str, Mark]:
    services = catalog.services()
    return {f"clinic:{x.slug}": clinic_mark(x, services) for x in catalog.locations()}


def service_marks(catalog: Catalog) -> dict[str, Mark]:
    return {f"service:{s.slug}": service_mark(catalog, s.slug) for s in catalog.services()}


@dataclass
class Change:
    """What touched rows affect: inputs (to look up in the index), pages named directly
    (a clinic's own pages, which may be new), and the marks to store."""

    tokens: set[Dependency] = field(default_factory=set)
    refs: set[PageRef] = field(default_factory=set)
    marks: dict[str, Mark | None] = field(default_factory=dict)


def _listed_in(change: Change, note: str, segments: Sequence[str]) -> None:
    """The lists and map square a clinic with this mark's note is in."""
    state, offers, cell = note.split("|")
    change.tokens.add(("list", f"state/{state}"))
    change.refs |= {PageRef("state", (state,), segment) for segment in segments}
    change.tokens |= {("list", f"offering/{s}") for s in offers.split(",") if s}
    if cell:
        change.tokens.add(("cell", cell))


def affected(session: Session, source: DatabaseSource, touched: changes.Touched) -> Change | None:
    """The inputs and pages touched clinics and services affect; None when a service
    appeared or went (its pages are not in the index yet: walk the site)."""
    slugs = touched.locations | queries.location_slugs(session, list(touched.location_ids))
    service_slugs = touched.services | queries.service_slugs_of(session, list(touched.service_ids))
    tokens = [f"clinic:{s}" for s in slugs] + [f"service:{s}" for s in service_slugs]
    stored = {t: (m.digest, m.note) for t, m in queries.dependency_marks(session, tokens).items()}
    services = source.services()
    # The path prefix of each language: a clinic's pages may appear or go in any of them.
    segments = [source.in_language(language).site.segment for language in source.languages()]
    change = Change()
    for slug in sorted(slugs):
        change.tokens.add(("clinic", slug))
        for segment in segments:
            change.refs.add(PageRef("location", (slug,), segment))
            change.refs |= {PageRef("landing", (s.slug, slug), segment) for s in services}
        location = source.location(slug)
        new = clinic_mark(location, services) if location is not None else None
        old = stored.get(f"clinic:{slug}")
        if new == old:
            continue  # its lists and neighbour links read nothing that moved
        change.marks[f"clinic:{slug}"] = new
        change.tokens |= {("near", slug), ("list", "all"), ("cell", "*")}
        for mark in (old, new):
            if mark is not None:
                _listed_in(change, mark[1], segments)
    for slug in sorted(service_slugs):
        service = source.service(slug)
        old = stored.get(f"service:{slug}")
        if service is None and old is None:
            continue  # a draft service: no pages
        if service is None or old is None:
            return None
        change.tokens.add(("service", slug))
        change.refs |= {PageRef("service", (slug,), segment) for segment in segments}
        new = service_mark(source, slug)
        if new != old:
            change.marks[f"service:{slug}"] = new
            change.tokens.add(("services", ""))
    return change
