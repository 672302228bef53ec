"""Interface text comes from gettext catalogs: Spanish complete, any other language a folder
away, English unchanged; days, dates and times formatted per language."""

import re
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from conftest import make_app, rendered_pages
from sqlalchemy.orm import Session

from seo.core import appointments, locator, places
from seo.core.hours import SpecialHours
from seo.core.interface import ENGLISH
from seo.services import catalogs, rendering
from seo.store.db import get_engine

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "seo" / "translations"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def read_catalog(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def code_messages() -> set[str]:
    """Every message the code and templates mark, extracted as `make messages` does."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as file:
        method_map, options_map = parse_mapping_cfg(file)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_the_catalog_template_holds_every_message_the_code_shows():
    template = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in read_catalog(TRANSLATIONS / "messages.pot")
        if m.id
    }
    assert code_messages() == template, "run `make messages` and translate the new lines"


def test_spanish_translates_every_message_with_the_same_placeholders():
    template = [m for m in read_catalog(TRANSLATIONS / "messages.pot") if m.id]
    spanish = read_catalog(TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po")
    assert len(template) > 80
    for message in template:
        translated = spanish.get(message.id)
        assert translated is not None and not translated.fuzzy, message.id
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = (
            translated.string if isinstance(translated.string, tuple) else (translated.string,)
        )
        assert all(strings), message.id
        wanted = set(PLACEHOLDER.findall(ids[0])) | set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) <= wanted | {"%(num)s"}, message.id


def visible(body: bytes) -> str:
    """The text a visitor reads from the interface: without the JSON-LD script."""
    html = body.decode()
    return re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)


def english_fragments() -> dict[str, str]:
    """Each message's fixed parts (placeholders cut out) that Spanish spells differently."""
    spanish = read_catalog(TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po")
    fragments = {}
    for message in spanish:
        if not message.id or isinstance(message.id, tuple):
            continue
        for part in PLACEHOLDER.split(message.id):
            part = part.strip(' .,:;?"')
            if sum(c.isalpha() for c in part) >= 4 and part not in message.string:
                fragments[part] = message.id
    return fragments


def es_pages(app):
    """Every demo page rendered in Spanish, with the English content it is composed from
    (the article, intros, names) replaced by that of the Spanish content model: none here."""
    with app.test_request_context(), Session(get_engine()) as session:
        for page, _english in rendered_pages(session):
            data = {**page.data, "article_html": "", "intro": "", "article_title": ""}
            spanish = replace(page, language="es", data=data)
            yield page, rendering.render(spanish)


def test_a_spanish_page_shows_no_english_interface_text(app):
    fragments = english_fragments()
    checked = 0
    for page, body in es_pages(app):
        assert b'<html lang="es">' in body
        text = visible(body)
        # Content the page is composed from stays as written: its title, names and articles.
        for shown in (page.title, page.description, page.h1, *(c.name for c in page.breadcrumbs)):
            text = text.replace(str(shown).replace("&", "&amp;").replace("'", "&#39;"), "")
        location = page.data.get("location")
        if location is not None:
            text = text.replace(location.name, "")
        leftovers = {f: m for f, m in fragments.items() if _shown(f, text)}
        assert not leftovers, (page.path, leftovers)
        checked += 1
    assert checked == 59  # every page of the demo, its Spanish pages included


def _shown(fragment: str, html: str) -> bool:
    """A phrase anywhere; a single word only as a whole element text or attribute value
    (a street may be called Main)."""
    if " " in fragment:
        return fragment in html
    return re.search(rf'[>"]{re.escape(fragment)}[<"]', html) is not None


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_spanish_landing_page_reads_in_spanish(app):
    for page, body in es_pages(app):
        if page.path == "/neuropathic-pain-treatment/florissant-mo/":
            html = body.decode()
            assert "Llamar al" in html and "Solicitar una cita" in html
            monday = '<th scope="row">lunes</th><td><span class="span">8:00 – 17:00</span></td>'
            assert monday in html
            assert '<th scope="row">domingo</th><td>Cerrado</td>' in html
            assert "Horario en días festivos" in html
            assert "jueves 24 diciembre" in html and "Cerrado</li>" in html
            assert '<a href="/">Inicio</a>' in html
            assert '"name":"Inicio"' in html and '"name":"Home"' not in html
            assert "Call (314)" not in html and "Opening hours" not in html
            return
    raise AssertionError("the Florissant landing page is missing")


@pytest.fixture
def french_app(tmp_path, database_url, request):
    """The demo with the translations folder holding the test's French catalog too."""
    folder = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, folder)
    shutil.copytree(Path(__file__).parent / "translations" / "fr", folder / "fr")
    request.getfixturevalue("app")  # the demo copied into this test's database
    app = make_app(database_url, TRANSLATIONS_DIR=str(folder))
    yield app
    with app.app_context():
        get_engine().dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_french_catalog_alone_makes_french_pages(french_app):
    with french_app.test_request_context(), Session(get_engine()) as session:
        assert catalogs.languages(french_app.config["TRANSLATIONS_DIR"]) == {"en", "es", "fr"}
        for page, _body in rendered_pages(session):
            if page.path == "/neuropathic-pain-treatment/florissant-mo/":
                html = rendering.render(replace(page, language="fr")).decode()
                break
    assert '<html lang="fr">' in html
    assert "Appeler le" in html and "Horaires d'ouverture" in html
    assert '<th scope="row">lundi</th><td><span class="span">08:00 – 17:00</span></td>' in html
    assert '<th scope="row">dimanche</th><td>Fermé</td>' in html
    assert "Demander un rendez-vous" in html and '<a href="/">Accueil</a>' in html


def test_a_page_in_a_language_without_a_catalog_is_refused(app):
    with app.test_request_context(), Session(get_engine()) as session:
        page, _body = next(rendered_pages(session))
        with pytest.raises(catalogs.CatalogError, match="no catalog for language 'de'"):
            rendering.render(replace(page, language="de"))


def test_a_broken_catalog_is_named(tmp_path):
    folder = tmp_path / "translations" / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text('msgid "Home"\nnot a catalog line\n', encoding="utf-8")
    app = make_app(
        f"sqlite:///{tmp_path / 'x.sqlite'}", TRANSLATIONS_DIR=str(tmp_path / "translations")
    )
    with (
        app.app_context(),
        pytest.raises(catalogs.CatalogError, match=r"de/LC_MESSAGES/messages.po"),
    ):
        catalogs.interface("de")


def test_a_translation_with_a_wrong_placeholder_is_named(tmp_path):
    folder = tmp_path / "translations" / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(
        '#, python-format\nmsgid "Call %(phone)s"\nmsgstr "%(telefon)s anrufen"\n',
        encoding="utf-8",
    )
    app = make_app(f"sqlite:///{tmp_path / 'x.sqlite'}", TRANSLATIONS_DIR=str(folder.parent.parent))
    with app.app_context(), pytest.raises(catalogs.CatalogError, match="'Call %\\(phone\\)s'"):
        catalogs.interface("de")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_error_pages_speak_the_language_of_their_address(client):
    spanish = client.get("/es/no-such-page/")
    assert spanish.status_code == 404
    assert '<html lang="es">' in spanish.text and "Página no encontrada" in spanish.text
    english = client.get("/no-such-page/")
    assert '<html lang="en">' in english.text and "Page not found" in english.text


def test_appointment_form_errors_in_spanish(app):
    with app.app_context():
        _value, errors = appointments.validate_request(
            {"name": "x" * 500}, (), catalogs.interface("es")
        )
    assert errors["name"] == "Escriba menos de 200 caracteres."
    assert errors["consent"].startswith("Marque la casilla")
    _value, english = appointments.validate_request({}, ())
    assert english["name"] == "Enter your name so the clinic knows whom to ask for."


def test_days_dates_and_times_per_language(app):
    with app.app_context():
        spanish = catalogs.interface("es")
    assert spanish.week_table("Mo-Fr 09:00-17:00; Sa 18:00-24:00; Su 00:00-24:00") == [
        ("lunes", ["9:00 – 17:00"]),
        ("martes", ["9:00 – 17:00"]),
        ("miércoles", ["9:00 – 17:00"]),
        ("jueves", ["9:00 – 17:00"]),
        ("viernes", ["9:00 – 17:00"]),
        ("sábado", ["18:00 – medianoche"]),
        ("domingo", ["Abierto las 24 horas"]),
    ]
    assert spanish.long_date(date(2026, 12, 1)) == "martes, 1 de diciembre de 2026"
    assert spanish.special_label(SpecialHours(date(2026, 12, 25))) == "Cerrado"
    assert ENGLISH.week_table("Mo 09:00-17:30")[0] == ("Monday", ["9:00 AM – 5:30 PM"])
    assert ENGLISH.long_date(date(2026, 12, 1)) == "Tuesday, December 1, 2026"
    assert ENGLISH.day_label(date(2026, 12, 24)) == "Thursday, December 24"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_locator_answers_in_the_language_of_its_page(app):
    with app.test_request_context():
        spanish = catalogs.interface("es")
        reading = places.locate("1234", places.gazetteer(), spanish)
        assert (
            reading.message == "1234 no es un código postal: un código postal tiene cinco dígitos."
        )
        search, problem = locator.read_search({"q": "x" * 101}, spanish)
        assert problem.startswith("Escriba como máximo 100 caracteres")
        answer = locator.Answer(locator.Search("zzz"), message=reading.message)
        page = locator.compose(rendering.current_site(), [], answer, "", spanish)
        html = rendering.render(page).decode()
    assert page.language == "es" and page.h1 == "Buscar una clínica"
    assert '<html lang="es">' in html and "No encontramos ese lugar" in html
    assert "Código postal, ciudad o estado" in html and "Find clinics" not in html
    assert locator.miles(10.0, spanish) == "6,2 mi" and locator.miles(10.0) == "6.2 mi"
    assert locator.week_summary("Mo-Fr 08:00-17:00", spanish) == "lun–vie 8:00 – 17:00"


def test_a_compiled_catalog_is_read_and_checked_as_its_source_is(tmp_path):
    spanish = read_catalog(TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po")

    def compiled_only(name: str) -> str:
        folder = tmp_path / name / "es" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with (folder / "messages.mo").open("wb") as file:
            write_mo(file, spanish)
        return str(tmp_path / name)

    app = make_app(f"sqlite:///{tmp_path / 'x.sqlite'}", TRANSLATIONS_DIR=compiled_only("good"))
    with app.app_context():
        assert catalogs.interface("es").gettext("Opening hours") == "Horario de atención"
    spanish["Opening hours"].string = 'Horario "de atención"'
    app.config["TRANSLATIONS_DIR"] = compiled_only("quoted")
    with app.app_context(), pytest.raises(catalogs.CatalogError, match=r"messages\.mo: message"):
        catalogs.interface("es")


def test_a_default_language_without_a_catalog_is_refused_at_start(tmp_path):
    with pytest.raises(catalogs.CatalogError, match="SITE_LANGUAGE='de' has no catalog in"):
        make_app(f"sqlite:///{tmp_path / 'x.sqlite'}", SITE_LANGUAGE="de")


@pytest.fixture
def spanish_site(database_url, request):
    """The demo on a site whose default language is Spanish."""
    request.getfixturevalue("app")  # the demo copied into this test's database
    app = make_app(database_url, SITE_LANGUAGE="es")
    yield app
    with app.app_context():
        get_engine().dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_appointment_form_speaks_the_language_of_its_page(spanish_site):
    client = spanish_site.test_client()
    page = "/neuropathic-pain-treatment/florissant-mo/"
    form = client.get(f"/appointments/new/?page={page}")
    assert form.status_code == 200 and '<html lang="es">' in form.text
    fragments = english_fragments()
    text = form.text.replace("Gateway Pain Relief Florissant", "")
    assert not {f: m for f, m in fragments.items() if _shown(f, text)}
    assert "Solicitar una cita" in form.text and "Horario preferido" in form.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)[1]
    refused = client.post("/appointments/new/", data={"csrf_token": token, "page": page})
    assert refused.status_code == 400
    assert "Por favor, corrija los campos marcados." in refused.text
    assert "Escriba su nombre para que la clínica sepa por quién preguntar." in refused.text
