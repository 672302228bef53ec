"""Fixtures: a fresh app per test on SQLite and on a throwaway PostgreSQL database."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from seo import create_app
from seo.services import articles, fragments, locations, page_state, photos, translations
from seo.services.sources import Catalog
from seo.store import migrate
from seo.store.db import get_engine

DATA = Path(__file__).parent / "data"
ADMIN_URL = os.environ.get(
    "SEO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SITE_URL = "https://clinics.example"
TODAY = date(2026, 11, 25)
# A clinic that passes every check and the audit, as the admin form sends it.
NEW_CLINIC = {
    "name": "Gateway Pain Relief Webster Groves",
    "slug": "",
    "street_address": "200 S Kirkwood Rd",
    "city": "Webster Groves",
    "state": "MO",
    "postal_code": "63122",
    "phone": "314 555 0199",
    "latitude": "38.5834",
    "longitude": "-90.4068",
    "opening_hours": "Mo-Fr 09:00-17:00",
    "special_hours": "",
    "intro": (
        "Our Webster Groves clinic is two blocks from the Amtrak station on Kirkwood Road, "
        "with free parking behind the building and a ramp at the side door. Dr. Lena Ortiz "
        "and two nurse practitioners see patients here, and the front desk speaks English "
        "and Bosnian. Bus 57 stops at the corner of Lockwood Avenue. Patients coming from "
        "Shrewsbury or Rock Hill usually arrive in ten minutes, and the pharmacy next door "
        "fills most prescriptions the same afternoon."
    ),
    "status": "published",
    "redirect_to": "",
}

# Every reused page fragment is rendered again and compared: a fragment key that leaves out
# a value its block reads fails the test that shows it.
fragments.check(True)

# The reason a PostgreSQL test is skipped: the summary finds it in every worker's reports.
POSTGRES_SKIPPED = "PostgreSQL tests NOT run"
# Media folders of PostgreSQL test databases (a SQLite database keeps its folder beside it).
MEDIA_ROOT = Path(tempfile.gettempdir()) / "seo-test-media"
# Compiled templates shared by this process's apps: a private folder, removed at exit.
TEMPLATE_CACHE = Path(tempfile.mkdtemp(prefix="seo-test-templates-"))
atexit.register(shutil.rmtree, TEMPLATE_CACHE, ignore_errors=True)


def media_dir_for(database_url: str) -> Path:
    """The media folder (photo files) that goes with a test database."""
    if database_url.startswith("sqlite"):
        path = Path(database_url.split("///", 1)[1])
        return path.with_name(path.name + "-media")
    return MEDIA_ROOT / database_url.rsplit("/", 1)[1]


def _admin_engine():
    return create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def postgres_url():
    """Create a throwaway database for this run and drop it afterwards."""
    name = f"seo_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server: skip loudly unless CI requires it
        if os.environ.get("SEO_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required (SEO_REQUIRE_POSTGRES=1) but unreachable: {exc}")
        reason = str(exc).splitlines()[0]
        pytest.skip(f"PostgreSQL unreachable at {ADMIN_URL} ({reason}): {POSTGRES_SKIPPED}")
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
    shutil.rmtree(media_dir_for(url), ignore_errors=True)


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """One SQLite file or one emptied PostgreSQL database per test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    url = request.getfixturevalue("postgres_url")
    _empty_postgres(url)
    return url


def rendered_pages(session: Session):
    """Every public page of the site with its bytes, composed as the build composes them."""
    catalog = Catalog(session)
    for ref, path in page_state.placed(catalog):
        page, body, _state = page_state.render(page_state.prepare(catalog, ref, path))
        yield page, body


def make_app(database_url: str, **extra):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SITE_URL": SITE_URL,
            "SECRET_KEY": "test-secret",
            "TODAY": TODAY,
            "MEDIA_DIR": str(media_dir_for(database_url)),
            "TEMPLATE_CACHE_DIR": str(TEMPLATE_CACHE),
            **extra,
        }
    )
    return app


def load_demo(app) -> None:
    """Migrate and load the bundled demo content and photos, as `seo init` does."""
    with app.app_context():
        engine = get_engine()
        migrate.upgrade(engine)
        with Session(engine, expire_on_commit=False) as session:
            content = Path(app.config["CONTENT_DIR"])
            articles.load_services(session, content)
            csv_text = Path(app.config["LOCATIONS_CSV"]).read_text(encoding="utf-8")
            report = locations.import_locations(session, csv_text)
            assert report.ok, report.errors
            assert translations.load_translations(session, content) == 1
            assert photos.load_demo(session, content / "photos") == 3
            page_state.refresh(session)


@pytest.fixture(scope="session")
def demo_sqlite(tmp_path_factory) -> Path:
    """The demo loaded once into a SQLite file; each test gets a copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    app = make_app(f"sqlite:///{path}")
    load_demo(app)
    with app.app_context():
        get_engine().dispose()
    return path


@pytest.fixture(scope="session")
def demo_postgres(postgres_url):
    """The demo loaded once into a PostgreSQL database, the template of each test's copy."""
    name = postgres_url.rsplit("/", 1)[1] + "_demo"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    app = make_app(postgres_url.rsplit("/", 1)[0] + "/" + name)
    load_demo(app)
    with app.app_context():
        get_engine().dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
    shutil.rmtree(MEDIA_ROOT / name, ignore_errors=True)


def _copy_demo(request, database_url: str) -> None:
    """Make the test's database a copy of the demo, loaded once per run."""
    media = media_dir_for(database_url)
    shutil.rmtree(media, ignore_errors=True)
    if database_url.startswith("sqlite"):
        demo = request.getfixturevalue("demo_sqlite")
        shutil.copytree(media_dir_for(f"sqlite:///{demo}"), media)
        shutil.copyfile(demo, database_url.split("///", 1)[1])
        return
    template = request.getfixturevalue("demo_postgres")
    shutil.copytree(MEDIA_ROOT / template, media)
    name = database_url.rsplit("/", 1)[1]
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()


@pytest.fixture
def app(request, database_url):
    """The app on a copy of the demo content, as `seo init` loads it."""
    _copy_demo(request, database_url)
    app = make_app(database_url)
    yield app
    with app.app_context():
        get_engine().dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def pytest_terminal_summary(terminalreporter):
    reasons = [
        report.longrepr[2]
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and POSTGRES_SKIPPED in report.longrepr[2]
    ]
    if reasons:
        terminalreporter.write_sep("!", "PostgreSQL tests were SKIPPED", red=True, bold=True)
        terminalreporter.write_line(reasons[0], red=True)
        terminalreporter.write_line(
            "start the server (make postgres) or set SEO_REQUIRE_POSTGRES=1"
        )


# --- staff workspace: accounts, a login helper and a live server for browser tests --

STAFF_EMAIL = "admin@clinics.example"
STAFF_PASSWORD = "correct horse battery staple"


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    import re

    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no csrf_token on the page"
    return match.group(1)


def preview_digest(html: str) -> str:
    """The fingerprint an import preview page asks its confirmation to match."""
    import re

    match = re.search(r'name="preview" value="([0-9a-f]{64})"', html)
    assert match, "no import preview fingerprint on the page"
    return match.group(1)


def add_user(app, email: str = STAFF_EMAIL, password: str = STAFF_PASSWORD, role="admin"):
    from seo.web.admin.auth import create_user

    with app.app_context(), Session(get_engine(), expire_on_commit=False) as session:
        return create_user(session, email, password, role)[0]


def article_form(client, slug="neuropathic-pain-treatment") -> dict:
    """The article editor's fields as a browser would post them."""
    import re

    html = client.get(f"/admin/services/{slug}/").get_data(as_text=True)
    html = re.sub(r"<template.*?</template>", "", html, flags=re.S)  # not part of the form
    data = {"csrf_token": csrf_token(html)}
    for tag in re.findall(r"<input[^>]*>", html):
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue  # a browser sends only ticked boxes
        match = re.search(r'name="([a-z_0-9-]+)"[^>]*value="([^"]*)"', tag)
        if not match:
            continue
        name, value = match.groups()
        data[name] = value.replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"')
    for name, value in re.findall(
        r'<textarea[^>]*name="([a-z_0-9-]+)"[^>]*>\s*(.*?)</textarea>', html, re.S
    ):
        data[name] = (
            value.replace("&#39;", "'")
            .replace("&amp;", "&")
            .replace("&#34;", '"')
            .replace("&lt;", "<")
            .replace("&gt;", ">")
        )
    for name, value in re.findall(
        r'<select[^>]*name="([a-z_0-9-]+)".*?<option selected value="([^"]*)"', html, re.S
    ):
        data[name] = value
    return data


class StaffAuth:
    """Sign a test client in and out through the real form, CSRF token included."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str = STAFF_EMAIL, password: str = STAFF_PASSWORD):
        token = csrf_token(self.client.get("/admin/login").get_data(as_text=True))
        return self.client.post(
            "/admin/login", data={"email": email, "password": password, "csrf_token": token}
        )

    def token(self, path: str = "/admin/") -> str:
        return csrf_token(self.client.get(path).get_data(as_text=True))

    def logout(self):
        return self.client.post("/admin/logout", data={"csrf_token": self.token()})


@pytest.fixture
def staff(app, client):
    """A signed-in admin on the `client`."""
    add_user(app)
    auth = StaffAuth(client)
    assert auth.login().status_code == 302
    return auth


@pytest.fixture
def live_server(request, tmp_path):
    """The app on a copy of the demo in SQLite served by werkzeug on 127.0.0.1 (a free port)
    in a thread."""
    import threading

    from werkzeug.serving import make_server

    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    _copy_demo(request, url)
    app = make_app(url, LOGIN_RATE_LIMIT="100 per minute")
    add_user(app)
    add_user(app, "editor@clinics.example", STAFF_PASSWORD, "editor")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    class Live:
        url = f"http://127.0.0.1:{server.server_port}"

    Live.app = app
    yield Live
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with app.app_context():
        get_engine().dispose()


# --- a real browser: Playwright driving Debian's chromium ---------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, launched once per test module."""
    import shutil

    sync_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
