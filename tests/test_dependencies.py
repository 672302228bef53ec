"""The dependency index: a save refreshes only the pages it affects, and the page state it
leaves equals what a walk of every page gives."""

import csv
import io
import os
from dataclasses import replace
from pathlib import Path

import photo_data
import pytest
from conftest import NEW_CLINIC
from sqlalchemy import select
from sqlalchemy.orm import Session

from seo.core import pages
from seo.core.locations import COLUMNS
from seo.services import build, build_folder, build_pages, dependencies, page_state
from seo.services.articles import replace_article
from seo.services.locations import import_locations, save_location
from seo.services.overrides import save_override
from seo.services.photos import add_photo
from seo.services.photos import delete as delete_photo
from seo.services.sources import Catalog
from seo.services.translations import import_translation
from seo.store import generation, queries
from seo.store.db import get_engine
from seo.store.models import DependencyMark, PageDependency, PageState

SERVICE = "neuropathic-pain-treatment"
ROOT = Path(__file__).resolve().parent.parent


def edit(session: Session, which: str, **changes) -> None:
    row = queries.location_by_slug(session, which)
    save_location(session, row, replace(row.to_core(), **changes), "test", "update")


def intro_edit(session):
    edit(session, "kirkwood-mo", intro=queries.location_by_slug(session, "kirkwood-mo").intro + " ")


def moved(session):
    # From Kirkwood to beside Columbia: new neighbours there, gone from those near St. Louis.
    edit(session, "kirkwood-mo", latitude=38.95, longitude=-92.33)


def renamed(session):
    edit(session, "kirkwood-mo", slug="kirkwood-west-mo")


def retired(session):
    edit(session, "kirkwood-mo", status="retired", redirect_to="chesterfield-mo")


def new_clinic(session):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow({**NEW_CLINIC, "slug": "webster-groves-mo", "latitude": "38.5925"})
    report = import_locations(session, out.getvalue())
    assert report.ok, report.errors


def article_edit(session):
    service = queries.service_by_slug(session, SERVICE)
    article = service.to_article()
    first = article.sections[0]
    sections = (replace(first, body=first.body + " One more sentence."), *article.sections[1:])
    replace_article(session, service, replace(article, sections=sections), user="t", action="u")


def override(session):
    service = queries.service_by_slug(session, SERVICE)
    location = queries.location_by_slug(session, "kirkwood-mo")
    values = {"intro": "", "questions": "", "noindex": True, "excluded": False}
    assert save_override(session, service, location, values, "test") == []


def excluded(session):
    service = queries.service_by_slug(session, SERVICE)
    location = queries.location_by_slug(session, "kirkwood-mo")
    values = {"intro": "", "questions": "", "noindex": False, "excluded": True}
    assert save_override(session, service, location, values, "test") == []


def translation_edit(session):
    """The Spanish article edited: its pages in every language (the hreflang sets name them)."""
    text = (ROOT / "content" / "translations" / "es" / f"{SERVICE}.md").read_text("utf-8")
    import_translation(session, SERVICE, "es", text + "\nUna frase más.\n", "test")


CHANGES = [
    intro_edit,
    moved,
    renamed,
    retired,
    new_clinic,
    article_edit,
    translation_edit,
    override,
    excluded,
]


def snapshot(session: Session) -> dict:
    rows = session.scalars(select(PageState))
    return {r.path: (r.sitemap, r.fingerprint, r.inputs, r.images, r.changed_at) for r in rows}


def index(session: Session) -> tuple[set, dict]:
    edges = {(e.token, e.path) for e in session.scalars(select(PageDependency))}
    marks = {m.token: (m.digest, m.note) for m in session.scalars(select(DependencyMark))}
    marks.pop(page_state.SETTINGS)
    return edges, marks


def expected_index(session: Session) -> tuple[set, dict]:
    """The index as a walk of every page declares it."""
    catalog = Catalog(session)
    edges = set()
    for ref, path in page_state.placed(catalog):
        found = pages.depends(ref, pages.gather(catalog, ref))
        edges |= {(token, path) for token in dependencies.texts(found)}
    marks = {**dependencies.clinic_marks(catalog), **dependencies.service_marks(catalog)}
    return edges, marks


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__name__)
def test_refresh_by_index_equals_a_walk_of_every_page(app, change):
    with app.app_context(), Session(get_engine(), expire_on_commit=False) as session:
        change(session)
        after_save = snapshot(session)
        assert index(session) == expected_index(session)
    with app.app_context(), Session(get_engine(), expire_on_commit=False) as session:
        # A session that noted no change walks every page.
        assert page_state.refresh(session) == (0, 0)
        assert snapshot(session) == after_save


def test_a_save_looks_at_the_pages_it_affects_only(app, monkeypatch):
    gathered = []
    real = pages.gather

    def counting(source, ref):
        gathered.append(ref)
        return real(source, ref)

    monkeypatch.setattr(pages, "gather", counting)
    with app.app_context(), Session(get_engine(), expire_on_commit=False) as session:
        intro_edit(session)
    refreshed = {r for r in gathered if r.key and r.key[-1] == "kirkwood-mo"}
    assert {r.kind for r in refreshed} == {"location", "landing"}
    # The gate audits a few neighbours; the refresh itself reads the clinic's own pages.
    assert not [r for r in gathered if r.kind in ("home", "locations", "state", "service")]


@pytest.mark.parametrize(
    ("change", "affected", "unaffected"),
    [
        (intro_edit, {"/locations/kirkwood-mo/"}, {"/locations/", "/locations/mo/"}),
        (moved, {"/locations/mo/", f"/{SERVICE}/columbia-mo/"}, {"/locations/in/"}),
        (retired, {"/locations/", f"/{SERVICE}/chesterfield-mo/"}, {"/locations/il/"}),
        (article_edit, {f"/{SERVICE}/", f"/{SERVICE}/chesterfield-mo/"}, {"/locations/"}),
    ],
    ids=["intro", "moved", "retired", "article"],
)
def test_a_change_names_the_pages_it_affects(app, change, affected, unaffected):
    with app.app_context(), Session(get_engine(), expire_on_commit=False) as session:
        before = snapshot(session)
        change(session)
        after = snapshot(session)
    moved_pages = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    assert affected <= moved_pages
    assert not unaffected & moved_pages


def tree(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of a build (its manifest aside): bytes and inode."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_ino)
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != build_folder.MANIFEST
    }


def change_and_build(app, change, out: Path) -> build_folder.BuildReport:
    with app.app_context(), Session(get_engine(), expire_on_commit=False) as session:
        change(session)
    with app.app_context():
        return build.build_site(out, workers=1)


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__name__)
def test_a_rebuild_writes_exactly_the_changed_pages(app, tmp_path, change):
    assert_rebuild_equals_a_fresh_build(app, tmp_path, change)


@pytest.mark.parametrize("change", [intro_edit, new_clinic, retired], ids=lambda c: c.__name__)
def test_a_rebuild_keeps_many_sitemap_files_right(app, tmp_path, change):
    app.config["SITEMAP_URL_LIMIT"] = 4  # entries move between files
    assert_rebuild_equals_a_fresh_build(app, tmp_path, change)
    assert len(list((tmp_path / "fresh" / "sitemaps").iterdir())) > 5


def photo_added(session):
    location = queries.location_by_slug(session, "kirkwood-mo")
    add_photo(session, location, photo_data.jpeg(), "Waiting room of the Kirkwood clinic", "t")


def photo_deleted(session):
    (photo,) = queries.photos_of(session, queries.location_by_slug(session, "kirkwood-mo").id)
    delete_photo(session, photo, "t")


def test_a_sitemap_file_cut_to_fit_its_byte_limit_moves_its_cut_with_the_sizes(app, tmp_path):
    with app.app_context():
        build.build_site(tmp_path / "probe", workers=1)
    probe = tmp_path / "probe" / "sitemaps"
    # Room for the location pages as they are, not for one more photo on a clinic's page.
    limit = (probe / "locations-1.xml").stat().st_size + 10
    app.config["SITEMAP_BYTE_LIMIT"] = limit
    assert_rebuild_equals_a_fresh_build(app, tmp_path, photo_added)
    sizes = {p.name: p.stat().st_size for p in (tmp_path / "site" / "sitemaps").iterdir()}
    assert max(sizes.values()) <= limit
    assert "locations-2.xml" in sizes  # the location pages' file, cut in two
    # The photo gone, the location pages fit one file again, as a fresh build makes them.
    change_and_build(app, photo_deleted, tmp_path / "site")
    with app.app_context():
        build.build_site(tmp_path / "fresh-again", workers=1)
    assert tree_bytes(tmp_path / "site") == tree_bytes(tmp_path / "fresh-again")
    assert not (tmp_path / "site" / "sitemaps" / "locations-2.xml").exists()


def test_a_deleted_photo_leaves_the_build_unless_another_clinic_shows_it(app, tmp_path):
    picture = photo_data.jpeg()

    def both(session):
        for slug in ("kirkwood-mo", "chesterfield-mo"):
            add_photo(session, queries.location_by_slug(session, slug), picture, "Front door", "t")

    def deleted_at(slug: str):
        def delete(session):
            (photo,) = queries.photos_of(session, queries.location_by_slug(session, slug).id)
            delete_photo(session, photo, "t")

        return delete

    out = tmp_path / "site"
    change_and_build(app, both, out)
    variants = {p.name for p in (out / "media" / "photos").iterdir()}
    for slug, left in (("kirkwood-mo", True), ("chesterfield-mo", False)):
        change_and_build(app, deleted_at(slug), out)
        with app.app_context():
            build.build_site(tmp_path / slug, workers=1)
        assert tree_bytes(out) == tree_bytes(tmp_path / slug)
        now = {p.name for p in (out / "media" / "photos").iterdir()}
        assert (variants == now) is left


def test_new_sitemap_limits_rewrite_the_sitemaps_with_no_page_changed(app, tmp_path):
    out = tmp_path / "site"
    with app.app_context():
        build.build_site(out, workers=1)
        before = len(list((out / "sitemaps").iterdir()))
        app.config["SITEMAP_BYTE_LIMIT"] = 2500
        build.build_site(out, workers=1)
    assert len(list((out / "sitemaps").iterdir())) > before


def test_an_edit_updates_the_sitemaps_without_counting_every_page(app, tmp_path, monkeypatch):
    app.config["SITEMAP_URL_LIMIT"] = 4  # many files, the edited pages in a few of them
    out = tmp_path / "site"
    with app.app_context():
        build.build_site(out, workers=1)
    index = (out / "sitemap.xml").read_bytes()

    def counted(*_args):
        raise AssertionError("every page was counted again for one edit")

    # The sitemap files and their newest changes come from the previous build's manifest.
    monkeypatch.setattr(queries, "sitemap_groups", counted)
    monkeypatch.setattr(queries, "chunk_newest", counted)
    assert change_and_build(app, intro_edit, out).written == 3
    monkeypatch.undo()
    assert (out / "sitemap.xml").read_bytes() != index  # a newer lastmod for the edited files
    with app.app_context():
        build.build_site(tmp_path / "fresh", workers=1)
    assert tree_bytes(out) == tree_bytes(tmp_path / "fresh")


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p: b for p, (b, _inode) in tree(root).items()}


def assert_rebuild_equals_a_fresh_build(app, tmp_path, change) -> None:
    out = tmp_path / "site"
    with app.app_context():
        build.build_site(out, workers=1)
    before = tree(out)
    report = change_and_build(app, change, out)
    after = tree(out)
    assert out.readlink() == Path(".site.builds") / out.resolve().name  # updated in place
    pages_before = {p for p in before if p.endswith("index.html")}
    pages_after = {p for p in after if p.endswith("index.html")}
    written = {p for p in pages_after if p not in before or before[p][1] != after[p][1]}
    differ = {p for p in pages_after if p not in before or before[p][0] != after[p][0]}
    assert written == differ and written
    assert report.written == len(written)
    assert report.removed == len(pages_before - pages_after)
    with app.app_context():
        build.build_site(tmp_path / "fresh", workers=1)
    fresh = tree(tmp_path / "fresh")
    assert {p: b for p, (b, _i) in after.items()} == {p: b for p, (b, _i) in fresh.items()}


def test_nothing_changed_writes_nothing(app, tmp_path):
    out = tmp_path / "site"
    with app.app_context():
        build.build_site(out, workers=1)
        before = tree(out)
        report = build.build_site(out, workers=1)
    assert (report.written, report.unchanged) == (0, report.pages)
    assert tree(out) == before


def test_a_generation_moved_with_no_page_changed_is_noted_then_trusted(app, tmp_path, monkeypatch):
    out = tmp_path / "site"
    with app.app_context():
        build.build_site(out, workers=1)
        with get_engine().begin() as connection:
            generation.bump(connection)  # as a restore of the same content does
        before = tree(out)
        report = build.build_site(out, workers=1)
        assert (report.written, report.unchanged) == (0, report.pages)
        assert tree(out) == before

        def refused(*_args):
            raise AssertionError("nothing changed: the manifest should have said so")

        # The manifest now holds that generation: the next build needs no page state.
        monkeypatch.setattr(build_pages, "build", refused)
        assert build.build_site(out, workers=1).unchanged == report.pages


@pytest.mark.parametrize("moved", [0, 1, 3])
def test_a_build_stopped_while_applying_its_journal_is_rolled_forward(
    app, tmp_path, monkeypatch, moved
):
    out = tmp_path / "site"
    with app.app_context():
        build.build_site(out, workers=1)
    real = os.replace
    calls = {"n": 0}

    def stopping(source, target):
        if Path(target).parent.name != build_folder.JOURNAL:  # the plan's own rename passes
            calls["n"] += 1
            if calls["n"] > moved:
                raise KeyboardInterrupt  # the process stops here
        return real(source, target)

    monkeypatch.setattr(build_folder.os, "replace", stopping)
    with pytest.raises(KeyboardInterrupt):
        change_and_build(app, retired, out)
    monkeypatch.setattr(build_folder.os, "replace", real)
    assert (tmp_path / ".site.builds" / build_folder.JOURNAL / build_folder.PLAN).exists()
    with app.app_context():
        report = build.build_site(out, workers=1)  # rolls the journal forward first
        build.build_site(tmp_path / "fresh", workers=1)
    assert report.written == 0
    assert not (tmp_path / ".site.builds" / build_folder.JOURNAL).exists()
    fresh = {p: b for p, (b, _i) in tree(tmp_path / "fresh").items()}
    assert {p: b for p, (b, _i) in tree(out).items()} == fresh


def test_a_build_stopped_before_its_journal_commits_is_rolled_back(app, tmp_path, monkeypatch):
    out = tmp_path / "site"
    with app.app_context():
        build.build_site(out, workers=1)
    before = tree(out)

    def stopping(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_folder.Journal, "abandon", lambda self: None)  # as if killed
    monkeypatch.setattr(build_folder.Journal, "commit", stopping)
    with pytest.raises(KeyboardInterrupt):
        change_and_build(app, moved, out)
    assert any((tmp_path / ".site.builds" / build_folder.JOURNAL).iterdir())
    monkeypatch.undo()
    assert tree(out) == before
    with app.app_context():
        report = build.build_site(out, workers=1)
    assert report.written > 0
    assert not (tmp_path / ".site.builds" / build_folder.JOURNAL).exists()
