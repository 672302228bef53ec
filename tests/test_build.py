"""`seo build`: the server's bytes on disk, incremental, a whole previous build on failure."""

import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SITE_URL
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from seo.core import geo, pages
from seo.core.urls import PageRef
from seo.services import build, build_folder, build_pages, gate, page_state, rendering
from seo.services.locations import save_location
from seo.services.sources import Catalog
from seo.store import queries
from seo.store.db import get_engine
from seo.store.models import Location, PageChange


def built_files(root: Path) -> dict[str, Path]:
    """URL path -> file, for every file of a build."""
    files = {}
    for file in root.rglob("*"):
        if file.is_file() and file.name != build_folder.MANIFEST:
            rel = file.relative_to(root).as_posix()
            url = "/" + (rel.removesuffix("index.html") if rel.endswith("index.html") else rel)
            files[url] = file
    return files


def run_build(app, outdir, **options) -> build_folder.BuildReport:
    with app.app_context():
        return build.build_site(outdir, **options)


def test_build_bytes_equal_the_server(app, client, tmp_path):
    out = tmp_path / "site"
    result = app.test_cli_runner().invoke(args=["seo", "build", str(out)])
    assert result.exit_code == 0, result.output
    assert "59 pages: 59 written" in result.output
    files = built_files(out)
    assert {"/", "/robots.txt", "/sitemap.xml", "/static/site.css"} <= set(files)
    assert "/neuropathic-pain-treatment/florissant-mo/" in files
    assert len([u for u in files if u.endswith("/")]) == 59
    for url, file in files.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.get_data() == file.read_bytes(), url
        response.close()


def test_parallel_build_equals_serial_build(app, tmp_path):
    run_build(app, tmp_path / "one", workers=1)
    run_build(app, tmp_path / "two", workers=2)
    one, two = built_files(tmp_path / "one"), built_files(tmp_path / "two")
    assert one.keys() == two.keys()
    assert all(one[u].read_bytes() == two[u].read_bytes() for u in one)


def edit(app, slug, **values):
    """Change a clinic through the write path, which refreshes page state, as staff do."""
    with app.app_context(), Session(get_engine(), expire_on_commit=False) as session:
        row = queries.location_by_slug(session, slug)
        anyway = gate.Override("test", "test data")
        save_location(session, row, replace(row.to_core(), **values), "test", "update", anyway)


def test_rebuild_rewrites_only_changed_pages_and_deletes_gone_ones(app, tmp_path):
    out = tmp_path / "site"
    first = run_build(app, out)
    assert (first.pages, first.written) == (59, 59)
    untouched = out / "locations" / "florissant-mo" / "index.html"
    inode = untouched.stat().st_ino
    edit(app, "kirkwood-mo", intro="A fresh introduction for the Kirkwood clinic.")
    second = run_build(app, out)
    assert (second.written, second.unchanged, second.removed) == (3, 56, 0)
    assert untouched.stat().st_ino == inode
    assert (
        b"A fresh introduction" in (out / "locations" / "kirkwood-mo" / "index.html").read_bytes()
    )
    edit(app, "kirkwood-mo", status="retired")
    third = run_build(app, out)
    assert third.removed == 3 and third.pages == 56
    assert not (out / "locations" / "kirkwood-mo").exists()
    assert b"kirkwood" not in (out / "sitemaps" / "locations-1.xml").read_bytes()


def change_numbers(app) -> list[int]:
    with app.app_context(), Session(get_engine()) as session:
        return list(session.scalars(select(PageChange.id).order_by(PageChange.id)))


def test_the_change_log_keeps_only_the_newest_changes(app, monkeypatch):
    monkeypatch.setattr(page_state, "CHANGES_KEPT", 4)
    for n in range(3):  # three pages change each time
        edit(app, "kirkwood-mo", intro=f"Introduction number {n} for the Kirkwood clinic.")
    numbers = change_numbers(app)
    assert len(numbers) == 4 and numbers == list(range(numbers[0], numbers[0] + 4))


def test_a_build_behind_the_pruned_log_is_rebuilt_whole(app, tmp_path, monkeypatch):
    out = tmp_path / "site"
    run_build(app, out)
    monkeypatch.setattr(page_state, "CHANGES_KEPT", 4)
    edit(app, "kirkwood-mo", intro="A first new introduction for the Kirkwood clinic.")
    edit(app, "florissant-mo", intro="A new introduction for the Florissant clinic, too.")
    # Six pages changed; the log kept four: the build cannot tell which it lacks.
    report = run_build(app, out)
    assert (report.written, report.unchanged) == (59, 0)
    run_build(app, tmp_path / "fresh")
    fresh = built_files(tmp_path / "fresh")
    assert {u: f.read_bytes() for u, f in built_files(out).items()} == {
        u: f.read_bytes() for u, f in fresh.items()
    }
    # Within the log, the next edit is applied in place again.
    edit(app, "kirkwood-mo", intro="A second new introduction for the Kirkwood clinic.")
    assert run_build(app, out).written == 3


def test_failed_build_leaves_previous_build_whole(app, tmp_path, monkeypatch):
    out = tmp_path / "site"
    run_build(app, out)
    before = {u: f.read_bytes() for u, f in built_files(out).items()}
    edit(app, "kirkwood-mo", intro="Changed text that must not appear.")
    calls = {"n": 0}
    real_render = rendering.render

    def failing_render(page):
        calls["n"] += 1
        if calls["n"] > 1:  # the second of the three pages the edit changed
            raise RuntimeError("disk on fire")
        return real_render(page)

    monkeypatch.setattr(rendering, "render", failing_render)
    with pytest.raises(RuntimeError):
        run_build(app, out, workers=1)
    assert {u: f.read_bytes() for u, f in built_files(out).items()} == before
    assert store_entries(tmp_path) == {".lock", out.readlink().name}


def test_a_failure_beside_the_page_writes_stops_the_build(app, tmp_path, monkeypatch):
    """The locator's index is made in a forked process: what it raises stops the build."""
    out = tmp_path / "site"
    run_build(app, out)
    before = {u: f.read_bytes() for u, f in built_files(out).items()}
    app.config["SITE_URL"] = "https://other.example"  # a cold build

    def failing(catalog):
        raise RuntimeError("index on fire")

    monkeypatch.setattr(build_pages.locator, "index_document", failing)
    with pytest.raises(RuntimeError, match="index on fire"):
        run_build(app, out, workers=2)
    app.config["SITE_URL"] = SITE_URL
    assert {u: f.read_bytes() for u, f in built_files(out).items()} == before
    assert store_entries(tmp_path) == {".lock", out.readlink().name}


def store_entries(parent: Path) -> set[str]:
    """What the build store holds once the detached deletion of leftovers is done."""
    store = parent / ".site.builds"
    for _ in range(300):
        names = {p.name for p in store.iterdir()}
        if not any(n.startswith(build_folder.TRASH) for n in names):
            return names
        time.sleep(0.1)
    raise AssertionError(f"leftovers still in {store} after 30 s: {sorted(names)}")


def test_outdir_is_a_link_flipped_to_each_cold_build(app, tmp_path):
    out = tmp_path / "site"
    run_build(app, out)
    first = out.readlink()
    assert out.is_symlink() and first.parent == Path(".site.builds")
    edit(app, "kirkwood-mo", intro="Another introduction for the Kirkwood clinic.")
    run_build(app, out)
    assert out.readlink() == first  # an edit updates the build in place
    app.config["SITE_URL"] = "https://other.example"  # every page changes: a cold build
    run_build(app, out)
    second = out.readlink()
    assert second != first
    # The replaced build stays for readers that resolved the old link; the next build drops it.
    assert store_entries(tmp_path) == {".lock", first.name, second.name}
    app.config["SITE_URL"] = SITE_URL
    run_build(app, out)
    assert store_entries(tmp_path) == {".lock", second.name, out.readlink().name}


def test_a_killed_builds_leftovers_are_removed(app, tmp_path):
    out = tmp_path / "site"
    run_build(app, out)
    debris = tmp_path / ".site.builds" / "20260101T000000-999-1"
    (debris / "half").mkdir(parents=True)
    (tmp_path / ".site.builds" / "link-999").symlink_to(".site.builds/20260101T000000-999-1")
    before = out.readlink().name
    report = run_build(app, out)
    assert report.unchanged == 59
    assert store_entries(tmp_path) == {".lock", before, out.readlink().name}


@pytest.mark.parametrize("kind", ["checkout", "file", "foreign-link", "bad-manifest"])
def test_build_refuses_a_folder_that_is_not_a_build(app, tmp_path, kind):
    out = tmp_path / "site"
    if kind == "file":
        out.write_text("notes")
    elif kind == "foreign-link":
        (tmp_path / "elsewhere").mkdir()
        (tmp_path / "elsewhere" / "keep.txt").write_text("keep")
        out.symlink_to("elsewhere")
    else:
        (out / ".git").mkdir(parents=True)
        (out / "instance").mkdir()
        (out / "instance" / "seo.sqlite").write_bytes(b"precious")
        (out / "app.py").write_text("from seo import create_app\n")
        if kind == "bad-manifest":
            (out / ".manifest.json").write_text("not json")
    before = sorted(
        (p.relative_to(tmp_path), p.is_file() and p.read_bytes()) for p in tmp_path.rglob("*")
    )
    result = app.test_cli_runner().invoke(args=["seo", "build", str(out)])
    assert result.exit_code == 1
    assert "build refused" in result.stderr and str(out) in result.stderr
    after = sorted(
        (p.relative_to(tmp_path), p.is_file() and p.read_bytes()) for p in tmp_path.rglob("*")
    )
    assert after == before


def test_build_into_the_current_folder_is_refused(app, tmp_path, monkeypatch):
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "app.py").write_text("source")
    monkeypatch.chdir(checkout)
    result = app.test_cli_runner().invoke(args=["seo", "build", "."])
    assert result.exit_code == 1 and "not a previous build" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if "sqlite" not in p.name) == ["checkout"]
    assert sorted(p.name for p in checkout.iterdir()) == ["app.py"]


def test_build_into_an_empty_current_folder_is_refused(app, tmp_path, monkeypatch):
    here = tmp_path / "empty"
    here.mkdir()
    monkeypatch.chdir(here)
    result = app.test_cli_runner().invoke(args=["seo", "build", "."])
    assert result.exit_code == 1 and "holds the current folder" in result.stderr
    assert here.is_dir() and not here.is_symlink() and not any(here.iterdir())
    assert not (tmp_path / ".empty.builds").exists()


def test_build_from_inside_a_previous_build_is_refused(app, tmp_path, monkeypatch):
    out = tmp_path / "site"
    run_build(app, out)
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    monkeypatch.chdir(out)  # the shell shows the build's own folder, behind the link
    for where in (".", "es"):
        result = app.test_cli_runner().invoke(args=["seo", "build", where])
        assert result.exit_code == 1, where
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == before


@pytest.mark.parametrize("kind", ["empty", "legacy-build"])
def test_build_replaces_an_empty_folder_or_an_unlinked_previous_build(app, tmp_path, kind):
    out = tmp_path / "site"
    out.mkdir()
    if kind == "legacy-build":
        (out / "old.html").write_text("old")
        (out / ".manifest.json").write_text("{}")
    report = run_build(app, out)
    assert report.pages == 59 and out.is_symlink()
    assert not (out / "old.html").exists()


@pytest.mark.parametrize("path", ["/../evil/", "/a/../../b/"])
def test_page_paths_cannot_leave_the_build_folder(tmp_path, path):
    with pytest.raises(ValueError):
        build_pages.page_file(tmp_path / "site", path)


def test_build_honours_page_overrides(app, client, tmp_path):
    from sqlalchemy import select

    from seo.store.models import PageOverride, Service

    with app.app_context(), Session(get_engine()) as session:
        service = session.scalars(
            select(Service).where(Service.slug == "neuropathic-pain-treatment")
        ).one()
        location = session.scalars(select(Location).where(Location.slug == "florissant-mo")).one()
        session.add(
            PageOverride(
                service_id=service.id,
                location_id=location.id,
                intro="An introduction written for this page only.",
                questions="Is parking free?\nYes, in the lot by the main entrance.",
            )
        )
        session.commit()
        with app.test_request_context():
            page_state.refresh(session)
    out = tmp_path / "site"
    run_build(app, out)
    path = "/neuropathic-pain-treatment/florissant-mo/"
    body = (out / path.strip("/") / "index.html").read_bytes()
    assert b"An introduction written for this page only." in body
    assert b"Is parking free?" in body
    assert client.get(path).get_data() == body


def test_strict_build_refuses_pages_with_audit_errors(app, tmp_path):
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["seo", "build", "--strict", str(tmp_path / "ok")])
    assert clean.exit_code == 0, clean.output
    edit(app, "kirkwood-mo", intro="")
    refused = runner.invoke(args=["seo", "build", "--strict", str(tmp_path / "site")])
    assert refused.exit_code == 1
    assert "/neuropathic-pain-treatment/kirkwood-mo/: near-duplicate-page" in refused.stderr
    assert not (tmp_path / "site").exists()


def test_unchanged_inputs_skip_composing(app, tmp_path, monkeypatch):
    out = tmp_path / "site"
    run_build(app, out, workers=1)
    edit(app, "kirkwood-mo", intro="Only Kirkwood's own pages and its lists change.")
    composed = count_composing(monkeypatch)
    report = run_build(app, out, workers=1)
    assert report.written == 3
    assert PageRef("landing", ("neuropathic-pain-treatment", "kirkwood-mo")) in composed
    assert PageRef("landing", ("neuropathic-pain-treatment", "indianapolis-in")) not in composed
    assert len(composed) <= 25  # its own pages, lists, and pages listing it as nearby


def count_composing(monkeypatch) -> list[PageRef]:
    composed = []
    real = pages.compose

    def counting(ref, inputs):
        composed.append(ref)
        return real(ref, inputs)

    monkeypatch.setattr(pages, "compose", counting)
    return composed


def test_declared_paths_match_composed_pages(app):
    with app.test_request_context(), Session(get_engine()) as session:
        catalog = Catalog(session)
        for ref, path in page_state.placed(catalog):
            assert pages.compose(ref, pages.gather(catalog, ref)).path == path


def test_refresh_renders_only_pages_whose_inputs_changed(app, monkeypatch):
    # Changed behind the write path's back: a refresh in a session that noted no change
    # walks every page.
    with app.app_context(), Session(get_engine()) as session:
        stmt = update(Location).where(Location.slug == "kirkwood-mo")
        session.execute(stmt.values(intro="A new Kirkwood introduction."))
        session.commit()
    composed = count_composing(monkeypatch)
    with app.test_request_context(), Session(get_engine()) as session:
        changed, removed = page_state.refresh(session)
        assert (changed, removed) == (3, 0)
        assert 3 <= len(composed) <= 25
        composed.clear()
        assert page_state.refresh(session) == (0, 0)
    assert composed == []


def test_neighbours_equal_a_brute_force_search(app):
    with app.test_request_context(), Session(get_engine()) as session:
        catalog = Catalog(session)
        for service in catalog.services():
            offering = catalog.offering(service.slug)
            for location in offering:
                expected = tuple(geo.nearest(location, offering))
                assert catalog.neighbours(service.slug, location) == expected, location.slug


def test_grid_neighbours_equal_brute_force_on_many_locations():
    import random

    from seo.core.locations import Location as Place

    rng = random.Random(3)
    places = [
        Place(
            slug=f"p-{n}", name=f"P {n}", street_address="1 Main St", city="Town", state="MO",
            postal_code="63031", phone="+13145550101",
            latitude=round(38 + rng.uniform(-4, 4), 4),
            longitude=round(-90 + rng.uniform(-4, 4), 4),
        )
        for n in range(800)
    ]  # fmt: skip
    grid = geo.Grid(places)
    for place in places[:200]:
        found = geo.find_neighbours(place, lambda o: True, grid.box, lambda: places)
        assert found == geo.nearest(place, places)
