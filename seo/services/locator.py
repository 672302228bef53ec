"""The store locator's clinics, held by each process and rebuilt when the published site
changes; the JSON index the static build writes for the locator script.

The locator searches exactly what the /locations/ page is made of (published clinics, with
their services, and the published services), so that page's rebuild key in page state is the
version of the locator's data: every write refreshes page state in its own transaction, and a
process rebuilds its directory the first time it sees the key move. Reading the key is one
primary-key lookup per search."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from seo.core import locator, places, urls
from seo.core.interface import ENGLISH, Interface
from seo.core.pages.model import Service
from seo.services import rendering
from seo.services.sources import Catalog, published_listing
from seo.store import queries
from seo.store.db import engine_of

_lock = threading.Lock()


@dataclass
class Held:
    """One process's copy of the locator's data, and the version it was read at."""

    key: str | None
    directory: locator.Directory
    services: tuple[Service, ...]
    _index: bytes | None = field(default=None, repr=False)

    def index(self) -> bytes:
        """The JSON index, made once per version."""
        if self._index is None:
            self._index = self.directory.index_document(self.services).encode()
        return self._index


def index_document(catalog: Catalog) -> bytes:
    """The JSON index the static build writes at urls.locator_index(): the same bytes the
    server answers, made from the build's own copy of the published site."""
    directory = locator.Directory(catalog.locations(), places.gazetteer())
    return directory.index_document(catalog.services()).encode()


def version(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return queries.page_inputs(connection, urls.locations_index())


def held(app: Flask | None = None, engine: Engine | None = None) -> Held:
    """The current app's locator data, rebuilt when the published site has changed."""
    app = app or current_app._get_current_object()
    engine = engine or engine_of(app)
    key = version(engine)
    current: Held | None = app.extensions.get("seo.locator")
    if current is not None and key is not None and current.key == key:
        return current
    with _lock:
        current = app.extensions.get("seo.locator")
        if current is not None and key is not None and current.key == key:
            return current
        with Session(engine) as session:
            services, locations = published_listing(session)
        directory = locator.Directory(locations, places.gazetteer())
        current = Held(key, directory, tuple(services))
        if key is not None:  # no page state yet: read again next time
            app.extensions["seo.locator"] = current
    return current


def answer(search: locator.Search, problem: str = "", ui: Interface = ENGLISH) -> bytes:
    """The locator's page for a search, rendered in the language of `ui`."""
    current = held()
    result = current.directory.search(search, current.services, ui) if not problem else None
    result = result or locator.Answer(search)
    page = locator.compose(rendering.current_site(), current.services, result, problem, ui)
    return rendering.render(page)
