"""Property tests: the importers never crash, round-trip what they accept, and escape it."""

import csv
import io
import json
import re

import pytest
from conftest import load_demo, make_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from seo.core.articles import PLACEHOLDERS, ArticleError, parse_article
from seo.core.locations import (
    COLUMNS,
    FREE_TEXT,
    Location,
    decode_csv,
    parse_locations,
    validate_location,
    write_locations,
)
from seo.core.schema_org import script_json
from seo.services import articles, locations, page_state
from seo.store import queries
from seo.store.db import get_engine

# Fragments that have broken parsers, templates and markup elsewhere, mixed with any text.
HOSTILE = [
    "<script>",
    "</script>",
    "<!--",
    "]]>",
    '"',
    "'",
    "&",
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\n",
    "\r\n",
    ",",
    ";",
    "\ufeff",
    "\u2028",
    "\x00",
    "é",
    "𝔘",
    "\\",
    "javascript:",
    "<img src=x onerror=alert(1)>",
]
hostile_text = st.lists(st.sampled_from(HOSTILE) | st.text(max_size=8), max_size=12).map("".join)
printable = st.characters(blacklist_categories=("Cc", "Cs"))
visible_text = st.lists(
    st.sampled_from([h for h in HOSTILE if h not in ("\x00", "\r", "\n", "\r\n", "\t")])
    | st.text(printable, max_size=8),
    min_size=1,
    max_size=10,
).map("".join)

# The machine may be busy: no deadline or speed health check, a fixed number of examples.
robust = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BASE = {
    "slug": "prop-mo",
    "name": "Prop Clinic",
    "street_address": "1 Main St",
    "city": "Florissant",
    "state": "MO",
    "postal_code": "63031",
    "phone": "314-555-0101",
    "intro": "An introduction.",
}


@robust
@given(st.dictionaries(st.sampled_from(COLUMNS), hostile_text))
def test_validator_never_crashes(cells):
    value, errors = validate_location({**BASE, **cells})
    assert (value is None) == bool(errors)
    for error in errors:
        assert error.column in COLUMNS and error.message


@robust
@given(st.fixed_dictionaries({c: hostile_text for c in FREE_TEXT}))
def test_accepted_free_text_round_trips_through_the_csv(cells):
    value, errors = validate_location({**BASE, **cells})
    if value is None:
        return
    parsed = parse_locations(write_locations([value]))
    assert parsed.errors == []
    assert [v for _, v in parsed.rows] == [value]


@robust
@given(hostile_text)
def test_any_text_parses_to_rows_or_errors(text):
    parsed = parse_locations(text)
    for error in parsed.errors:
        assert error.row >= 1 and str(error).startswith(f"row {error.row}, column ")
    assert all(isinstance(v, Location) for _, v in parsed.rows)


@robust
@given(st.binary(max_size=200) | hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_decode_or_give_a_clear_error(data):
    try:
        text = decode_csv(data)
    except ValueError as exc:
        assert 'save it as "CSV UTF-8"' in str(exc)
        assert str(exc).startswith("row ")
        return
    assert "\ufffd" not in text or "\ufffd".encode() in data  # never a silent replacement


@robust
@given(st.recursive(hostile_text | st.integers() | st.none(), lambda c: st.lists(c, max_size=3)))
def test_json_ld_cannot_end_its_script_element(value):
    graph = {"@graph": [{"name": value}]}
    out = script_json(graph)
    assert "</" not in out and "<!--" not in out and "<script" not in out.lower()
    assert json.loads(out) == graph


@robust
@given(st.lists(st.tuples(hostile_text, hostile_text), min_size=1, max_size=4))
def test_article_parser_accepts_or_refuses_but_never_crashes(sections):
    text = "# Title\n\n" + "".join(f"## H{n} {h}\n\n{b}\n\n" for n, (h, b) in enumerate(sections))
    try:
        article = parse_article(text)
    except ArticleError as exc:
        assert exc.problems
        return
    patterns = {name: "{city}" for name in articles.PATTERNS}
    if articles.article_problems(patterns, article):
        return
    from seo.core.articles import compile_article

    html = compile_article(article).render(PLACEHOLDERS)
    assert "<script" not in html.lower()
    assert not re.search(r"<[a-z]+[^>]*\son\w+=", html, re.I)


JSONLD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_imported_text_always_renders_as_literal_text(database_url):
    """Import random free text end to end, then read the page as a browser and crawler would."""
    import lxml.html

    app = make_app(database_url)
    load_demo(app)
    header = list(BASE)

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(st.fixed_dictionaries({c: visible_text for c in FREE_TEXT}))
    def check(cells):
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\r\n").writerows(
            [header, [{**BASE, **cells}[c] for c in header]]
        )
        with app.app_context(), Session(get_engine(), expire_on_commit=False) as session:
            report = locations.import_locations(session, out.getvalue())
            if not report.ok:
                assert all(e.row == 2 for e in report.errors)
                return
            with app.test_request_context():
                page_state.refresh(session)
            stored = queries.location_by_slug(session, "prop-mo").to_core()
        expected, _ = validate_location({**BASE, **cells})
        assert stored == expected
        html = app.test_client().get("/neuropathic-pain-treatment/prop-mo/").get_data(as_text=True)
        (block,) = JSONLD_RE.findall(html)
        graph = {n["@type"]: n for n in json.loads(block)["@graph"]}
        assert graph["MedicalClinic"]["name"] == stored.name
        assert graph["MedicalClinic"]["address"]["streetAddress"] == stored.street_address
        tree = lxml.html.fromstring(html)
        assert stored.street_address in tree.text_content()
        assert not any(
            name.lower().startswith("on") for element in tree.iter() for name in element.attrib
        )
        scripts = tree.xpath("//script")
        assert all(s.get("type") == "application/ld+json" or s.get("src") for s in scripts)

    try:
        check()
    finally:
        with app.app_context():
            get_engine().dispose()
