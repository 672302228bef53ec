"""Pages in more than one language: the two-language demo (English and Spanish)."""

import csv
import io
import json
import shutil
from datetime import timedelta
from pathlib import Path

import lxml.html
import pytest
from conftest import make_app, rendered_pages
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from seo.core import urls
from seo.core.locations import parse_locations, write_locations
from seo.services import build, catalogs, page_state, rendering
from seo.store.db import get_engine
from seo.store.models import Location, PageState, Service

BASE = "https://clinics.example"
SPANISH_CLINICS = {"florissant-mo", "st-louis-mo", "chesterfield-mo"}
SPANISH_LANDING = "/es/neuropathic-pain-treatment/florissant-mo/"
NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}
SERVICE = "neuropathic-pain-treatment"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "seo" / "translations"


def published_paths(app) -> list[str]:
    with app.app_context(), Session(get_engine()) as session:
        return sorted(session.scalars(select(PageState.path)))


def hreflangs(body: bytes) -> dict[str, str]:
    tree = lxml.html.fromstring(body)
    links = tree.xpath('//head/link[@rel="alternate"][@hreflang]')
    found = {link.get("hreflang"): link.get("href") for link in links}
    assert len(found) == len(links), "a language listed twice"
    return found


def test_hreflang_is_complete_and_reciprocal_on_every_page(app, client):
    paths = published_paths(app)
    spanish = [p for p in paths if p.startswith("/es/")]
    assert len(spanish) == 10
    versions = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        versions[BASE + path] = hreflangs(response.data)
    for url, found in versions.items():
        path = url[len(BASE) :]
        english = BASE + (path[3:] if path.startswith("/es/") else path)
        has_spanish = BASE + "/es" + english[len(BASE) :] in versions
        if not has_spanish:
            assert found == {}, url  # one language: no alternates
            continue
        # Itself, every version and x-default (the default language), as absolute URLs.
        expected = {"en": english, "es": BASE + "/es" + english[len(BASE) :], "x-default": english}
        assert found == expected, url
        for other in found.values():
            assert versions[other] == found, f"{other} does not list the same versions as {url}"


def test_a_spanish_page_says_it_is_spanish(client):
    response = client.get(SPANISH_LANDING)
    assert response.status_code == 200
    tree = lxml.html.fromstring(response.data)
    assert tree.get("lang") == "es"
    assert tree.xpath('//meta[@property="og:locale"]/@content') == ["es_US"]
    assert tree.xpath('//meta[@property="og:locale:alternate"]/@content') == ["en_US"]
    (script,) = tree.xpath('//script[@type="application/ld+json"]/text()')
    page_node = next(n for n in json.loads(script)["@graph"] if n["@type"] == "MedicalWebPage")
    assert page_node["inLanguage"] == "es"
    assert tree.xpath("//h1/text()") == ["Tratamiento del dolor neuropático en Florissant, MO"]
    text = " ".join(tree.xpath("//main//text()"))
    assert "Nuestra consulta de Florissant" in text  # the Spanish intro
    assert "Our Florissant office" not in text  # never the English one
    assert "Neuropathic pain is pain caused" not in text  # never the English article
    # The language switcher links every version, this one marked current.
    switcher = tree.xpath('//nav[@class="languages"]//a')
    assert [(a.text, a.get("hreflang")) for a in switcher] == [("English", "en"), ("Español", "es")]
    assert switcher[1].get("aria-current") == "page"
    # Links stay in Spanish: the nearby clinics' pages and the breadcrumbs.
    local = [h for h in tree.xpath("//main//a/@href | //nav//a/@href") if h.startswith("/")]
    assert "/es/locations/florissant-mo/" in local
    assert "/es/neuropathic-pain-treatment/st-louis-mo/" in local


def test_english_pages_link_their_spanish_version_and_keep_their_urls(client):
    tree = lxml.html.fromstring(client.get("/neuropathic-pain-treatment/florissant-mo/").data)
    assert tree.get("lang") == "en"
    switcher = tree.xpath('//nav[@class="languages"]//a/@href')
    assert switcher == ["/neuropathic-pain-treatment/florissant-mo/", SPANISH_LANDING]
    # A page that exists in English only has no switcher and no alternates.
    only = client.get("/ketamine-infusion-therapy/florissant-mo/").data
    assert hreflangs(only) == {}
    assert b'class="languages"' not in only


def test_a_clinic_without_a_spanish_intro_has_no_spanish_page_nor_listing(app, client):
    kirkwood = ("/es/locations/kirkwood-mo/", "/es/neuropathic-pain-treatment/kirkwood-mo/")
    for path in kirkwood:
        assert client.get(path).status_code == 404, path
    for listing in (
        "/es/",
        "/es/locations/",
        "/es/locations/mo/",
        "/es/neuropathic-pain-treatment/",
    ):
        body = client.get(listing).get_data(as_text=True)
        assert "kirkwood-mo" not in body, listing
        assert "florissant-mo" in body, listing
    # The English pages still list it; no English page falls back into Spanish.
    assert "kirkwood-mo" in client.get("/locations/").get_data(as_text=True)
    # No Spanish state page without a Spanish clinic in it, no Spanish article for ketamine.
    assert client.get("/es/locations/il/").status_code == 404
    assert client.get("/es/ketamine-infusion-therapy/").status_code == 404
    # The default language has no prefixed copy.
    assert client.get("/en/").status_code == 404
    # Sitemaps list Spanish pages of the three Spanish clinics only.
    listed = set()
    index = etree.fromstring(client.get("/sitemap.xml").data)
    for loc in index.findall("s:sitemap/s:loc", NS):
        sitemap = etree.fromstring(client.get(loc.text[len(BASE) :]).data)
        listed |= {u.text for u in sitemap.findall("s:url/s:loc", NS)}
        listed |= {x.get("href") for x in sitemap.findall("s:url/x:link", NS)}
    spanish = {u for u in listed if u.startswith(BASE + "/es/")}
    assert spanish and not any("kirkwood" in u for u in spanish)
    clinics = {u.rstrip("/").rsplit("/", 1)[1] for u in spanish if u.count("/") == 6}
    assert clinics == SPANISH_CLINICS | {"mo"}  # and the Spanish Missouri page


def test_sitemap_entries_carry_the_same_alternates_as_the_pages(client):
    index = etree.fromstring(client.get("/sitemap.xml").data)
    checked = 0
    for loc in index.findall("s:sitemap/s:loc", NS):
        sitemap = etree.fromstring(client.get(loc.text[len(BASE) :]).data)
        for url in sitemap.findall("s:url", NS):
            page = url.find("s:loc", NS).text
            alternates = {x.get("hreflang"): x.get("href") for x in url.findall("x:link", NS)}
            assert all(x.get("rel") == "alternate" for x in url.findall("x:link", NS))
            assert alternates == hreflangs(client.get(page[len(BASE) :]).data), page
            checked += bool(alternates)
    assert checked == 20  # ten Spanish pages and their ten English versions


def test_csv_round_trip_keeps_intro_es_unchanged(runner, app, tmp_path):
    out = tmp_path / "export.csv"
    assert runner.invoke(args=["seo", "export-locations", str(out)]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {r["slug"] for r in rows if r["intro_es"]} == SPANISH_CLINICS
    florissant = next(r for r in rows if r["slug"] == "florissant-mo")
    assert florissant["intro_es"].startswith("Nuestra consulta de Florissant")
    result = runner.invoke(args=["seo", "import-locations", str(out)])
    assert result.stdout.strip() == "created 0, updated 0, unchanged 15, retired 0"


def test_intro_columns_are_checked_like_intro():
    header = "slug,name,street_address,city,state,postal_code,phone,intro_es,intro_de"
    row = 'a-mo,A,1 Main St,Florissant,MO,63031,314-555-0101,"Hola\x07",=Hallo'
    parsed = parse_locations(f"{header}\n{row}\n")
    assert [(e.row, e.column) for e in parsed.errors] == [(2, "intro_es")]
    assert "control character" in parsed.errors[0].message
    good = parse_locations(f"{header}\na-mo,A,1 Main St,Florissant,MO,63031,314-555-0101,Hola,\n")
    assert good.rows[0][1].intros == (("es", "Hola"),)
    # A leading ' protects a formula-like cell on export and is removed again on import.
    written = write_locations(
        [parse_locations(f"{header}\n{row.replace(chr(7), '')}\n").rows[0][1]]
    )
    assert "'=Hallo" in written
    assert parse_locations(written).rows[0][1].intros == (("de", "=Hallo"), ("es", "Hola"))


@pytest.mark.parametrize("column", ["intro_spanish", "intro_", "intro_ES", "language"])
def test_unknown_intro_columns_stay_an_error(column):
    text = f"slug,name,street_address,city,state,postal_code,phone,{column}\n"
    parsed = parse_locations(text + "a-mo,A,1 Main St,Florissant,MO,63031,314-555-0101,x\n")
    assert [(e.row, e.column) for e in parsed.errors] == [(1, column)]
    assert "intro_<language>" in parsed.errors[0].message


SPANISH_KETAMINE = """---
name: Terapia de infusión de ketamina
heading_pattern: Terapia de infusión de ketamina en {city}, {state}
title_pattern: Infusión de ketamina en {city}, {state} | {location_name}
description_pattern: Infusiones de ketamina con supervisión médica para el dolor crónico \
difícil de tratar en {location_name}, {city}, {state}.
keyword_pattern: infusión de ketamina cerca de mí {city} {state}
---
# Terapia de infusión de ketamina

La ketamina, usada en dosis bajas y con supervisión, puede aliviar algunos dolores crónicos.

## Cómo es una sesión

Cada infusión dura unas horas en una sala tranquila, con control continuo del equipo.
"""


def test_import_article_in_another_language_adds_its_pages(runner, client, tmp_path):
    assert client.get("/es/ketamine-infusion-therapy/florissant-mo/").status_code == 404
    article = tmp_path / "ketamina.md"
    article.write_text(SPANISH_KETAMINE, encoding="utf-8")
    args = ["seo", "import-article", str(article), "--service", "ketamine-infusion-therapy"]
    result = runner.invoke(args=[*args, "--language", "es"])
    assert result.exit_code == 0, result.output
    page = client.get("/es/ketamine-infusion-therapy/florissant-mo/")
    assert page.status_code == 200
    tree = lxml.html.fromstring(page.data)
    assert tree.xpath("//h1/text()") == ["Terapia de infusión de ketamina en Florissant, MO"]
    # The English version now lists the Spanish one, and back.
    english = hreflangs(client.get("/ketamine-infusion-therapy/florissant-mo/").data)
    assert english["es"] == BASE + "/es/ketamine-infusion-therapy/florissant-mo/"
    assert client.get("/es/ketamine-infusion-therapy/kirkwood-mo/").status_code == 404


@pytest.mark.parametrize(
    ("language", "text", "problem"),
    [
        ("es", SPANISH_KETAMINE.replace("title_pattern:", "#"), "line 4: '# Infusión"),
        ("es", SPANISH_KETAMINE.split("---\n", 2)[2], "title_pattern: is required"),
        ("en", SPANISH_KETAMINE, "is the site's default language"),
        ("spanish", SPANISH_KETAMINE, "is not a two-letter code"),
    ],
)
def test_a_translation_without_its_patterns_or_language_writes_nothing(
    runner, client, tmp_path, language, text, problem
):
    article = tmp_path / "ketamina.md"
    article.write_text(text, encoding="utf-8")
    args = ["seo", "import-article", str(article), "--service", "ketamine-infusion-therapy"]
    result = runner.invoke(args=[*args, "--language", language])
    assert result.exit_code == 1
    assert problem in result.stderr
    assert client.get("/es/ketamine-infusion-therapy/").status_code == 404


def test_a_translation_older_than_the_original_is_reported_stale(app, runner):
    result = runner.invoke(args=["seo", "audit", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "translation-stale" not in result.output
    with app.app_context(), Session(get_engine()) as session:
        # The English article edited after the Spanish one was imported.
        service = session.scalars(select(Service).where(Service.slug == SERVICE)).one()
        service.updated_at += timedelta(days=3)
        session.commit()
    result = runner.invoke(args=["seo", "audit"])
    assert "translation-stale" in result.output
    assert "/es/neuropathic-pain-treatment/" in result.output


def test_language_prefixes_parse_and_clash_with_no_service(app):
    assert urls.parse("/es/") == urls.PageRef("home", (), "es")
    assert urls.parse("/es/locations/mo/") == urls.PageRef("state", ("MO",), "es")
    ref = urls.parse("/es/neuropathic-pain-treatment/florissant-mo/")
    assert ref == urls.PageRef("landing", ("neuropathic-pain-treatment", "florissant-mo"), "es")
    with app.app_context(), Session(get_engine()) as session:
        slugs = set(session.scalars(select(Service.slug)))
        assert not any(urls.is_language_code(s) for s in slugs)
        for page, _body in rendered_pages(session):
            assert urls.parse(page.path).language == ("es" if page.language == "es" else "")


def test_a_spanish_intro_edit_moves_only_spanish_and_linked_pages(app):
    with app.app_context(), Session(get_engine()) as session:
        before = {s.path: s.fingerprint for s in session.scalars(select(PageState))}
        location = session.scalars(select(Location).where(Location.slug == "chesterfield-mo")).one()
        location.intros = (("es", "Un texto nuevo sobre la clínica de Chesterfield. " * 9),)
        session.commit()
        page_state.refresh(session)
        after = {s.path: s.fingerprint for s in session.scalars(select(PageState))}
    moved = {p for p in after if after[p] != before.get(p)}
    assert "/es/neuropathic-pain-treatment/chesterfield-mo/" in moved
    assert not any(p.startswith("/ketamine") for p in moved)
    assert "/neuropathic-pain-treatment/chesterfield-mo/" not in moved


# --- admin -------------------------------------------------------------------------------


def test_admin_lists_each_services_languages_and_marks_stale_ones(app, client, staff):
    html = client.get("/admin/services/").get_data(as_text=True)
    assert "<code>es</code> current" in html
    assert "/admin/services/ketamine-infusion-therapy/es/" in html  # missing: a link to write it
    assert "<code>es</code> missing" in html
    with app.app_context(), Session(get_engine()) as session:
        service = session.scalars(select(Service).where(Service.slug == SERVICE)).one()
        service.updated_at += timedelta(days=3)
        session.commit()
    assert "<code>es</code> stale" in client.get("/admin/services/").get_data(as_text=True)
    editor = client.get(f"/admin/services/{SERVICE}/es/").get_data(as_text=True)
    assert "Stale: the original was edited" in editor


def test_admin_edits_a_translation_beside_the_original(app, client, staff):
    path = f"/admin/services/{SERVICE}/es/"
    editor = client.get(path)
    assert editor.status_code == 200
    html = editor.get_data(as_text=True)
    assert "Neuropathic Pain Treatment: Understanding Nerve Pain" in html  # the original
    tree = lxml.html.fromstring(editor.data)
    data = {
        field.get("name"): field.get("value") or field.text or ""
        for field in tree.xpath('//form[@aria-labelledby="translation-title"]//*[@name]')
    }
    assert data["title_pattern"] == "Dolor neuropático en {city}, {state} | {location_name}"
    data["heading_pattern"] = "Dolor de nervios en {city}, {state}"
    assert client.post(path, data=data).status_code == 302
    page = lxml.html.fromstring(client.get(SPANISH_LANDING).data)
    assert page.xpath("//h1/text()") == ["Dolor de nervios en Florissant, MO"]
    # A translation without its title pattern is refused, naming it; nothing changes.
    refused = client.post(path, data={**data, "title_pattern": "", "heading_pattern": "X"})
    assert refused.status_code == 422
    assert "title_pattern: is required" in refused.get_data(as_text=True)
    page = lxml.html.fromstring(client.get(SPANISH_LANDING).data)
    assert page.xpath("//h1/text()") == ["Dolor de nervios en Florissant, MO"]


def test_the_location_form_has_an_intro_per_language(app, client, staff):
    with app.app_context(), Session(get_engine()) as session:
        row = session.scalars(select(Location).where(Location.slug == "kirkwood-mo")).one()
        row_id = row.id
    path = f"/admin/locations/{row_id}/"
    tree = lxml.html.fromstring(client.get(path).data)
    (label,) = tree.xpath('//label[@for="intro_es"]/text()')
    assert label == "Introduction in Español (es)"
    data = {
        field.get("name"): field.get("value") or field.text or ""
        for field in tree.xpath("//form//input[@name] | //form//textarea[@name]")
        if field.get("type") not in ("checkbox", "submit")
    }
    data["state"] = "MO"
    data["status"] = "published"
    data["intro_es"] = (
        "La clínica de Kirkwood está en Kirkwood Road, frente a la estación de tren, con "
        "estacionamiento detrás del edificio y rampa en la entrada principal. El equipo atiende "
        "en español los lunes y miércoles, y la fisioterapeuta trabaja aquí los viernes. Hay una "
        "sala de espera tranquila para quien la necesite y agua fresca para todos."
    )
    response = client.post(path, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert client.get("/es/locations/kirkwood-mo/").status_code == 200
    body = client.get("/es/neuropathic-pain-treatment/kirkwood-mo/").get_data(as_text=True)
    assert "La clínica de Kirkwood" in body


def test_a_copied_spanish_intro_is_refused_naming_its_column(runner, tmp_path):
    out = tmp_path / "export.csv"
    assert runner.invoke(args=["seo", "export-locations", str(out)]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    florissant = next(r for r in rows if r["slug"] == "florissant-mo")
    number = next(n for n, r in enumerate(rows, start=2) if r["slug"] == "st-louis-mo")
    rows[number - 2]["intro_es"] = florissant["intro_es"]
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = runner.invoke(args=["seo", "import-locations", str(out)])
    assert result.exit_code == 1
    assert f"row {number}, column intro_es: near-duplicate-page:" in result.stderr
    assert "(on /es/neuropathic-pain-treatment/st-louis-mo/)" in result.stderr


def test_clinics_whose_intro_in_a_language_opens_alike_are_found(app):
    from seo.store import queries

    with app.app_context(), Session(get_engine()) as session:
        row = session.scalars(select(Location).where(Location.slug == "florissant-mo")).one()
        intro = row.intros[0][1]
        found = queries.locations_opening_alike_in(session, "es", intro + " Y algo más.")
        assert [r.slug for r in found] == ["florissant-mo"]
        assert queries.locations_opening_alike_in(session, "fr", intro) == []
        assert queries.locations_opening_alike_in(session, "es", "Nuestra_consulta%") == []
        # JSON escapes (quotes, line breaks) are matched as stored.
        row.intros = (("es", 'La "clínica" de\nFlorissant. ' * 10),)
        session.commit()
        alike = queries.locations_opening_alike_in(session, "es", 'La "clínica" de\nFlorissant.')
        assert [r.slug for r in alike] == ["florissant-mo"]


FRENCH_ARTICLE = """---
name: Traitement de la douleur neuropathique
heading_pattern: Traitement de la douleur neuropathique à {city}, {state}
title_pattern: Douleur neuropathique à {city}, {state} | {location_name}
description_pattern: Brûlures, fourmillements ou décharges ? {location_name} à {city}, {state} \
cherche la cause de la douleur nerveuse et la traite.
keyword_pattern: traitement douleur neuropathique {city} {state}
---
# La douleur neuropathique

Une douleur qui vient des nerfs eux-mêmes, et non d'une blessure.

## Les traitements

Médicaments, soins locaux, kinésithérapie : on les combine et on les ajuste.
"""
FRENCH_INTRO = (
    "Le cabinet de Florissant se trouve au deuxième étage d'un immeuble médical de North New "
    "Florissant Road, à quelques minutes au nord de la I-270. Un ascenseur dessert tous les "
    "étages et le parking est gratuit. La Dre Alvarez dirige une petite équipe, avec une "
    "kinésithérapeute le mardi et le jeudi, et l'accueil se fait en anglais et en espagnol."
)


@pytest.fixture
def french_site(app, database_url, tmp_path):
    """The demo with a French interface catalog added to the translations folder."""
    folder = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, folder)
    shutil.copytree(Path(__file__).parent / "translations" / "fr", folder / "fr")
    french = make_app(database_url, TRANSLATIONS_DIR=str(folder))
    yield french
    with french.app_context():
        get_engine().dispose()


def test_a_language_without_a_catalog_is_refused(runner, tmp_path):
    article = tmp_path / "douleur.md"
    article.write_text(FRENCH_ARTICLE, encoding="utf-8")
    args = ["seo", "import-article", str(article), "--service", SERVICE, "--language", "fr"]
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert "no interface text in 'fr'" in result.output


def test_a_third_language_is_data_only(french_site, tmp_path):
    """A French catalog (interface text) and French content: no code change."""
    runner, client = french_site.test_cli_runner(), french_site.test_client()
    article = tmp_path / "douleur.md"
    article.write_text(FRENCH_ARTICLE, encoding="utf-8")
    args = ["seo", "import-article", str(article), "--service", SERVICE, "--language", "fr"]
    assert runner.invoke(args=args).exit_code == 0
    assert client.get("/fr/neuropathic-pain-treatment/florissant-mo/").status_code == 404
    out = tmp_path / "export.csv"
    runner.invoke(args=["seo", "export-locations", str(out)])
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    for row in rows:
        row["intro_fr"] = FRENCH_INTRO if row["slug"] == "florissant-mo" else ""
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = runner.invoke(args=["seo", "import-locations", str(out)])
    assert result.stdout.strip() == "created 0, updated 1, unchanged 14, retired 0", result.output
    page = client.get("/fr/neuropathic-pain-treatment/florissant-mo/")
    assert page.status_code == 200
    tree = lxml.html.fromstring(page.data)
    assert tree.get("lang") == "fr"
    assert "Le cabinet de Florissant" in page.get_data(as_text=True)
    versions = hreflangs(page.data)
    assert set(versions) == {"en", "es", "fr", "x-default"}
    assert hreflangs(client.get(SPANISH_LANDING).data) == versions
    names = tree.xpath('//nav[@class="languages"]//a/text()')
    assert names == ["English", "Español", "Français"]
    # The export now carries both intro columns and re-imports unchanged.
    runner.invoke(args=["seo", "export-locations", str(out)])
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith(",intro_es,intro_fr")
    result = runner.invoke(args=["seo", "import-locations", str(out)])
    assert result.stdout.strip() == "created 0, updated 0, unchanged 15, retired 0"


def test_site_language_must_be_a_language_code(tmp_path):
    from seo.config import ConfigError, check, defaults

    config = {**defaults(str(tmp_path)), "SITE_LANGUAGE": "en"}
    check(config)
    with pytest.raises(ConfigError, match="SITE_LANGUAGE='english'"):
        check({**config, "SITE_LANGUAGE": "english"})


def test_the_spanish_locations_page_searches_in_spanish(client):
    found = client.get("/es/locations/?q=63031")
    assert found.status_code == 200
    html = found.get_data(as_text=True)
    assert '<html lang="es">' in html and "Gateway Pain Relief Florissant" in html
    assert found.headers["X-Robots-Tag"] == "noindex"
    assert "Find clinics" not in html  # the interface speaks Spanish
    listing = client.get("/es/locations/")
    assert listing.status_code == 200 and "<h1>Nuestras clínicas</h1>" in listing.get_data(
        as_text=True
    )
    assert client.get("/xx/locations/?q=63031").status_code == 404


@pytest.fixture
def own_catalogs(app, database_url, tmp_path):
    """The demo with its interface catalogs in a folder of their own (TRANSLATIONS_DIR),
    and a function that edits the Spanish one and starts an app as a new process would."""
    folder = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, folder)
    started = [make_app(database_url, TRANSLATIONS_DIR=str(folder))]

    def edit():
        po = folder / "es" / "LC_MESSAGES" / "messages.po"
        po.write_text(po.read_text().replace('"Ir al contenido"', '"Saltar al contenido"'))
        po.with_suffix(".mo").unlink(missing_ok=True)  # edited, not compiled: read from .po
        catalogs._interface.cache_clear()  # as in a process that starts after the edit
        started.append(make_app(database_url, TRANSLATIONS_DIR=str(folder)))
        return started[-1]

    yield started[0], edit
    for each in started:
        with each.app_context():
            get_engine().dispose()


def test_a_build_after_a_catalog_edit_writes_the_new_text(own_catalogs, tmp_path):
    """A catalog kept outside the package is edited without a release: the next build is
    not "nothing changed", and page state holds what it wrote."""
    first, edit = own_catalogs
    out = tmp_path / "site"
    with first.app_context():
        assert build.build_site(out, workers=1).written == 59
    landing = out / SPANISH_LANDING.strip("/") / "index.html"
    assert "Ir al contenido" in landing.read_text()
    edited = edit()
    with edited.app_context():
        assert build.build_site(out, workers=1).written == 59
    body = landing.read_bytes()
    assert "Saltar al contenido" in body.decode()
    with edited.test_request_context(), Session(get_engine()) as session:
        assert session.get(PageState, SPANISH_LANDING).fingerprint == rendering.fingerprint(body)
        assert page_state.refresh(session) == (0, 0)


def test_a_catalog_edit_moves_the_rebuild_keys_of_that_languages_pages(own_catalogs):
    _first, edit = own_catalogs
    edited = edit()
    with edited.test_request_context(), Session(get_engine()) as session:
        assert page_state.refresh(session) == (10, 0)  # the Spanish pages, and only they
