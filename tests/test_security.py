"""Security headers, cookies, the article sandbox through the editor, and build paths."""

import re
from pathlib import Path

import pytest
from conftest import StaffAuth, add_user, article_form, load_demo, make_app
from sqlalchemy import text
from sqlalchemy.orm import Session

from seo.services import build
from seo.store.db import get_engine
from seo.web import security

LANDING = "/neuropathic-pain-treatment/florissant-mo/"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CSP_PARTS = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
)


def csp(response) -> list[str]:
    return [part.strip() for part in response.headers["Content-Security-Policy"].split(";")]


@pytest.mark.parametrize(
    "path", [LANDING, "/", "/locations/", "/sitemap.xml", "/robots.txt", "/no-such-page/"]
)
def test_public_responses_carry_security_headers(client, path):
    response = client.get(path)
    assert csp(response) == list(CSP_PARTS)
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_staff_pages_cannot_be_framed(client):
    response = client.get("/admin/login")
    assert "frame-ancestors 'none'" in csp(response)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert client.get("/admin/").headers["X-Frame-Options"] == "DENY"  # the login redirect too


def test_headers_leave_the_page_bytes_alone(app, client, tmp_path):
    """Public pages are cached by fingerprint and equal the static build; headers add nothing."""
    first = client.get(LANDING)
    again = client.get(LANDING)
    assert first.get_data() == again.get_data()
    with app.app_context():
        build.build_site(tmp_path / "site", workers=1)
    assert (tmp_path / "site" / LANDING.strip("/") / "index.html").read_bytes() == first.get_data()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_hsts_and_no_secure_cookies_over_http(database_url):
    app = make_app(database_url, SITE_URL="http://127.0.0.1:5000")
    load_demo(app)
    response = app.test_client().get(LANDING)
    assert "Strict-Transport-Security" not in response.headers
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert not app.config.get("REMEMBER_COOKIE_SECURE")


def test_session_cookie_is_secure_httponly_and_lax(app, client):
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    add_user(app)
    response = StaffAuth(client).login()
    assert response.status_code == 302
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, "signing in sets the session cookie"
    flags = [flag.strip().lower() for flag in cookies[-1].split(";")]
    assert "secure" in flags
    assert "httponly" in flags
    assert "samesite=lax" in flags


def test_sign_in_is_throttled_per_address(app, client):
    add_user(app)
    auth = StaffAuth(client)
    codes = [auth.login(password=f"wrong {i}").status_code for i in range(7)]
    assert codes[:5] == [401] * 5
    assert codes[5:] == [429, 429]
    assert csp(client.get("/admin/login")) == list(CSP_PARTS)


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_templates_need_no_inline_script_or_style(template):
    """The CSP allows no inline code: only the JSON-LD data block may be an inline script."""
    source = template.read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>", source)
    assert all('type="application/ld+json"' in tag or "src=" in tag for tag in scripts), scripts
    assert not re.search(r"<style\b", source)
    assert not re.search(r"\sstyle\s*=", source)
    assert not re.search(r"\son[a-z]+\s*=", source)
    assert "javascript:" not in source


def test_csp_allows_no_inline_code():
    assert "unsafe" not in security.CONTENT_SECURITY_POLICY


SANDBOX_ESCAPES = [
    "{{ city.__class__.__mro__[1].__subclasses__() }}",
    "{{ city.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ config.items() }}",
    "{{ request.application.__globals__ }}",
    "{{ city|attr('__class__') }}",
    "{% set x = city.__class__ %}{{ x }}",
    "{% for i in range(10**9) %}{% endfor %}",
    "{% include '/etc/passwd' %}",
    "{% import 'admin/base.html' as x %}",
    "{{ '{0.__class__.__init__.__globals__}'.format(city) }}",
]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the sandbox needs no DB
@pytest.mark.parametrize("source", SANDBOX_ESCAPES)
def test_editor_refuses_sandbox_escapes(app, client, staff, source):
    data = article_form(client)
    data["sections-0-body"] = f"Visit us. {source}"
    for action in ("preview", "save"):
        response = client.post(
            "/admin/services/neuropathic-pain-treatment/", data={**data, "action": action}
        )
        assert response.status_code == 422, action
        body = response.get_data(as_text=True)
        assert "root:" not in body and "uid=" not in body
        assert "SECRET_KEY" not in body and "test-secret" not in body
    assert "Visit us." not in client.get(LANDING).get_data(as_text=True)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_editor_refuses_expressions_that_build_huge_text(app, client, staff):
    data = article_form(client)
    data["sections-0-body"] = "Visit us. {{ city * 10**5 }}"  # small here; 10**9 eats the RAM
    response = client.post(
        "/admin/services/neuropathic-pain-treatment/", data={**data, "action": "preview"}
    )
    assert response.status_code == 422


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("source", ["{{ city if 1 > 0 }}", "{{ city.format_map({'x': 1}) }}"])
def test_editor_refuses_placeholders_markdown_breaks(app, client, staff, source):
    data = article_form(client)
    data["sections-0-body"] = f"Visit us. {source}"
    response = client.post(
        "/admin/services/neuropathic-pain-treatment/", data={**data, "action": "preview"}
    )
    assert response.status_code == 422


@pytest.mark.parametrize("source", ["{{ city if 1 > 0 }}", "{{ city if city < 'a' }}"])
def test_import_article_refuses_placeholders_markdown_breaks(app, runner, client, tmp_path, source):
    article = tmp_path / "article.md"
    article.write_text(f"# Title\n\n## Section\n\nVisit us. {source}\n", encoding="utf-8")
    result = runner.invoke(
        args=["seo", "import-article", str(article), "--service", "neuropathic-pain-treatment"]
    )
    assert result.exit_code == 1
    assert "cannot be filled" in result.output
    assert client.get(LANDING).status_code == 200


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("source", ["{city.__class__}", "{city!r:>{0}}", "{0.__class__}"])
def test_editor_refuses_pattern_escapes(app, client, staff, source):
    data = article_form(client)
    data["title_pattern"] = f"Treatment {source}"
    response = client.post(
        "/admin/services/neuropathic-pain-treatment/", data={**data, "action": "save"}
    )
    assert response.status_code == 422
    assert "Treatment {" not in client.get(LANDING).get_data(as_text=True)


@pytest.mark.parametrize("slug", ["../../../escaped", "..", "a/../../b", "/etc/x"])
def test_a_malicious_slug_in_the_database_cannot_write_outside_the_build(app, tmp_path, slug):
    out = tmp_path / "deep" / "site"
    with app.app_context():
        build.build_site(out, workers=1)
        before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
        with Session(get_engine()) as session:
            session.execute(
                text("UPDATE locations SET slug = :slug WHERE slug = 'florissant-mo'"),
                {"slug": slug},
            )
            session.commit()
        try:
            build.build_site(out, workers=1)
        except ValueError as exc:
            assert "outside the build folder" in str(exc)
    outside = [
        p.relative_to(tmp_path)
        for p in tmp_path.rglob("*")
        if not p.is_relative_to(out) and p.relative_to(tmp_path) not in before
    ]
    assert outside == []
    assert (out / "sitemap.xml").is_file()
