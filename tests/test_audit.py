"""The audit rules, one by one, on hand-made pages: no app, no database."""

from __future__ import annotations

import json
import random
import re
import time
from dataclasses import replace
from datetime import date
from html import escape

import pytest

from seo import audit
from seo.audit import AuditConfig, AuditPage, Finding
from seo.core.locations import Location

SITE = "https://clinics.example"
TODAY = date(2026, 11, 25)
SERVICE = "neuropathic-pain-treatment"
DISCLAIMER = "This page is general information, not medical advice."
ARTICLE = [
    "Nerve pain often feels different from the aches people know from a sore back. It may "
    "burn, buzz or sting, and it can linger long after an injury has healed.",
    "Diabetes is one of the most frequent causes. Over time, raised blood sugar can injure "
    "small nerves, typically starting in the toes and feet and slowly moving upward.",
    "Your first appointment at {name} usually lasts longer than a routine check-up, because "
    "the team wants to understand your full story and your goals.",
    "The front desk team at our {city}, {state} office can help verify your benefits and "
    "explain likely out-of-pocket costs for recommended tests.",
    "Medication, physical therapy and nerve blocks are often combined, and the plan is "
    "adjusted as the team learns what helps you most over the following months.",
]
WORDS = (
    "parking elevator entrance bus route highway exit pharmacy library park river bridge school "
    "plaza market museum stadium station garden trail team therapist nurse physician spanish "
    "evening saturday morning wheelchair ramp lot garage suite floor corner avenue downtown"
).split()


def location(slug: str = "florissant-mo", **changes) -> Location:
    city = changes.pop("city", slug.rsplit("-", 1)[0].replace("-", " ").title())
    values = {
        "slug": slug,
        "name": f"Gateway Pain Relief {city}",
        "street_address": f"{len(slug) * 37} Main St, Suite 200",
        "city": city,
        "state": "MO",
        "postal_code": "63031",
        "phone": "+13145550101",
        "latitude": 38.78,
        "longitude": -90.32,
        "opening_hours": "Mo-Fr 08:00-17:00",
        "intro": "",
    }
    values.update(changes)
    return Location(**values)


def intro_for(seed: int, length: int = 70) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(length)).capitalize() + "."


def clinic_node(loc: Location, **changes) -> dict:
    node = {
        "@type": "MedicalClinic",
        "@id": f"{SITE}/locations/{loc.slug}/#clinic",
        "name": loc.name,
        "url": f"{SITE}/locations/{loc.slug}/",
        "telephone": loc.phone,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": loc.street_address,
            "addressLocality": loc.city,
            "addressRegion": loc.state,
            "postalCode": loc.postal_code,
            "addressCountry": "US",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": 38.78, "longitude": -90.32},
        "openingHoursSpecification": [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": ["Monday"],
                "opens": "08:00",
                "closes": "17:00",
            }
        ],
    }
    node.update(changes)
    return node


def landing_html(
    loc: Location,
    *,
    title: str | None = None,
    description: str | None = None,
    h1s: tuple[str, ...] | None = None,
    intro: str | None = None,
    paragraphs: list[str] | None = None,
    links: tuple[str, ...] = (),
    canonical: str | None = None,
    noindex: bool = False,
    graph: list[dict] | None = None,
    shown_phone: str = "(314) 555-0101",
    disclaimer: str = DISCLAIMER,
    images: str = "",
    head: str = "",
) -> str:
    """A landing page laid out like templates/public/landing.html."""
    path = f"/{SERVICE}/{loc.slug}/"
    title = f"Neuropathic Pain Treatment in {loc.city}, {loc.state}" if title is None else title
    if description is None:
        description = (
            f"Burning, tingling or shooting nerve pain? {loc.name} in {loc.city}, {loc.state} "
            "offers diagnosis and tailored neuropathy care."
        )
    h1s = (f"Neuropathic Pain Treatment in {loc.city}, {loc.state}",) if h1s is None else h1s
    intro = loc.intro if intro is None else intro
    paragraphs = ARTICLE if paragraphs is None else paragraphs
    values = {"name": loc.name, "city": loc.city, "state": loc.state}
    article = "".join(f"<p>{escape(p.format(**values))}</p>\n" for p in paragraphs)
    graph = [clinic_node(loc)] if graph is None else graph
    jsonld = json.dumps({"@context": "https://schema.org", "@graph": graph})
    anchors = "".join(f'<li><a href="{href}">link</a></li>' for href in links)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(title)}</title>
<meta name="description" content="{escape(description)}">
{'<meta name="robots" content="noindex">' if noindex else ""}
<link rel="canonical" href="{SITE + path if canonical is None else canonical}">
<script type="application/ld+json">{jsonld}</script>{head}
</head><body>
<header class="top"><a class="brand" href="/">Gateway Pain Relief</a>
<nav aria-label="Main"><a href="/locations/">Locations</a></nav></header>
<main id="main" class="wrap"><article>
<header class="hero">{"".join(f"<h1>{escape(h)}</h1>" for h in h1s)}
{f'<p class="lead">{escape(intro)}</p>' if intro else ""}
<p class="cta"><a class="button call" href="tel:{loc.phone}">Call {shown_phone}</a></p>
</header>
<div class="layout"><div class="content">
{article}{images}
<ul>{anchors}</ul>
<aside class="share"><h2>Share this page</h2></aside>
<p class="disclaimer"><small>{disclaimer}</small></p>
</div><div class="side"><section class="nap"><h2>Visit {escape(loc.name)}</h2>
<p class="address"><strong>{escape(loc.name)}</strong><br>{escape(loc.street_address)}<br>
{escape(loc.city)}, {loc.state} {loc.postal_code}</p>
<p><a href="tel:{loc.phone}">Call <span>{shown_phone}</span></a></p></section>
<section><h2>Nearby clinics</h2><ul class="nearby"><li><a href="/">Elsewhere</a></li></ul>
</section></div></div></article></main>
<footer class="foot"><p>&copy; Gateway Pain Relief</p></footer></body></html>"""


def landing(loc: Location | None = None, html: str | None = None, **changes) -> AuditPage:
    loc = loc or location()
    path = f"/{SERVICE}/{loc.slug}/"
    values = {
        "path": path,
        "url": SITE + path,
        "kind": "landing",
        "html": audit.parse_html(html if html is not None else landing_html(loc)),
        "service": SERVICE,
        "location": loc,
        "keyword": f"neuropathic pain treatment near me {loc.city} {loc.state}".lower(),
        "in_sitemap": True,
        "medical": True,
        "reviewed_by": "Dr. Maria Alvarez, MD",
        "last_reviewed": date(2026, 9, 14),
        "disclaimer": DISCLAIMER,
    }
    values.update(changes)
    return AuditPage(**values)


def check(page: AuditPage, rule: str, config: AuditConfig | None = None) -> list[Finding]:
    """The findings of one page rule on one page."""
    return audit.check_page(page, config or AuditConfig(), TODAY, [rule])


def rules_of(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings}


def site_of(count: int = 6, with_intros: bool = True) -> list[AuditPage]:
    """Landing pages of one service in several towns, each with its own intro or none."""
    towns = ["Florissant", "Kirkwood", "Ballwin", "Chesterfield", "Fenton", "Arnold", "Eureka"]
    pages = []
    for n in range(count):
        town = towns[n % len(towns)] + ("" if n < len(towns) else f" {n}")
        slug = town.lower().replace(" ", "-") + "-mo"
        loc = location(slug, city=town, intro=intro_for(n) if with_intros else "")
        pages.append(landing(loc))
    return pages


# --- reading HTML ----------------------------------------------------------------------


def test_parse_html_reads_head_links_and_content_blocks():
    loc = location(intro="Our office sits above the pharmacy on Main Street.")
    html = audit.parse_html(landing_html(loc, links=("/x/", "https://elsewhere.example/")))
    assert html.titles == ("Neuropathic Pain Treatment in Florissant, MO",)
    assert html.canonicals == (f"{SITE}/{SERVICE}/florissant-mo/",)
    assert html.h1s == ("Neuropathic Pain Treatment in Florissant, MO",)
    assert {"/", "/locations/", "/x/", "https://elsewhere.example/"} <= set(html.links)
    assert html.blocks[1] == "Our office sits above the pharmacy on Main Street."
    # The contact block, share box, call button and disclaimer are not content...
    assert not any("Visit" in b or "Share" in b or "Call" in b for b in html.blocks)
    assert not any("medical advice" in b for b in html.blocks)
    # ...but they are visible text.
    assert "Visit Gateway Pain Relief Florissant" in html.text and DISCLAIMER in html.text
    assert html.graph[0][0]["@type"] == "MedicalClinic"
    assert not html.noindex


def test_parse_html_keeps_equal_blocks_once_in_a_pool():
    pool: dict[str, str] = {}
    first = audit.parse_html(landing_html(location("a-mo")), pool)
    second = audit.parse_html(landing_html(location("b-mo")), pool)
    assert first.blocks[-1] is second.blocks[-1]


# --- titles, descriptions, headings ---------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "rule"),
    [
        ("", "title-missing"),
        ("Pain care", "title-too-short"),
        ("Neuropathic Pain Treatment in Florissant, MO | Gateway Pain Relief Florissant",
         "title-too-long"),
    ],
)  # fmt: skip
def test_badly_sized_or_missing_title_is_found(title, rule):
    page = landing(html=landing_html(location(), title=title))
    assert [f.field for f in check(page, rule)] == ["title"]


def test_good_title_has_no_findings():
    page = landing()
    for rule in ("title-missing", "title-too-short", "title-too-long"):
        assert check(page, rule) == []


@pytest.mark.parametrize(
    ("description", "rule"),
    [("", "description-missing"), ("Nerve pain care.", "description-too-short"),
     ("x" * 161, "description-too-long")],
)  # fmt: skip
def test_badly_sized_or_missing_description_is_found(description, rule):
    page = landing(html=landing_html(location(), description=description))
    assert [f.field for f in check(page, rule)] == ["description"]


def test_duplicate_titles_and_descriptions_are_found_on_both_pages():
    a, b = location("florissant-mo"), location("kirkwood-mo", city="Kirkwood")
    same = {"title": "Neuropathic Pain Treatment | Gateway Pain Relief", "description": "d" * 90}
    pages = [landing(a, landing_html(a, **same)), landing(b, landing_html(b, **same))]
    wanted = {"title-duplicate", "description-duplicate"}
    findings = [f for f in audit.audit(pages, today=TODAY) if f.rule in wanted]
    assert {(f.rule, f.path, f.level) for f in findings} == {
        ("title-duplicate", pages[0].path, "error"),
        ("title-duplicate", pages[1].path, "error"),
        ("description-duplicate", pages[0].path, "warning"),
        ("description-duplicate", pages[1].path, "warning"),
    }
    assert pages[1].path in next(f.message for f in findings if f.path == pages[0].path)


@pytest.mark.parametrize(("h1s", "rule"), [((), "h1-missing"), (("One", "Two"), "h1-multiple")])
def test_missing_or_several_h1_are_errors(h1s, rule):
    page = landing(html=landing_html(location(), h1s=h1s))
    assert [(f.level, f.field) for f in check(page, rule)] == [("error", "h1")]


# --- name, address, phone -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "rule", "field"),
    [
        ({"phone": ""}, "phone-missing", "phone"),
        ({"name": ""}, "name-missing", "name"),
        ({"street_address": ""}, "address-missing", "street_address"),
        ({"latitude": None, "longitude": None}, "coordinates-missing", "latitude"),
        ({"opening_hours": ""}, "hours-missing", "opening_hours"),
    ],
)
def test_missing_clinic_data_is_found(changes, rule, field):
    loc = location(**changes)
    page = landing(loc, landing_html(location()))
    assert [f.field for f in check(page, rule)] == [field]
    assert check(landing(), rule) == []


def test_missing_phone_is_an_error_naming_the_field_to_fix():
    loc = location(phone="")
    finding = check(landing(loc, landing_html(location())), "phone-missing")[0]
    assert (finding.level, finding.field) == ("error", "phone")
    assert "fill in the location's phone" in finding.message


def test_phone_in_json_ld_not_shown_on_page_is_a_nap_mismatch():
    page = landing(html=landing_html(location(), shown_phone="(314) 555-0199"))
    assert [f.field for f in check(page, "nap-mismatch")] == ["phone"]
    assert check(landing(), "nap-mismatch") == []


def test_json_ld_name_differing_from_location_is_a_nap_mismatch():
    loc = location()
    graph = [clinic_node(loc, name="Gateway Florissant Old Name")]
    findings = check(landing(loc, landing_html(loc, graph=graph)), "nap-mismatch")
    assert {f.field for f in findings} == {"name"}


def test_landing_page_nap_differing_from_location_page_is_found():
    loc = location()
    moved = replace(loc, street_address="9 Other Rd")
    location_page = AuditPage(
        path=f"/locations/{loc.slug}/",
        url=f"{SITE}/locations/{loc.slug}/",
        kind="location",
        html=audit.parse_html(landing_html(moved, graph=[clinic_node(moved)])),
        location=moved,
    )
    findings = audit.audit([location_page, landing(loc)], today=TODAY)
    mismatch = [f for f in findings if f.rule == "nap-differs-between-pages"]
    assert [(f.path, f.field) for f in mismatch] == [(landing(loc).path, "street_address")]


# --- temporary closures --------------------------------------------------------------------

REOPENS = date(2026, 12, 1)  # after TODAY
CLOSED_NOTICE = '<p class="closure"><strong>Temporarily closed</strong>, reopening soon.</p>'


def closed_node(loc: Location, through: str = "2026-11-30", **changes) -> dict:
    closure = {
        "@type": "OpeningHoursSpecification",
        "validFrom": "2026-11-25",
        "validThrough": through,
        "opens": "00:00",
        "closes": "00:00",
    }
    return clinic_node(loc, specialOpeningHoursSpecification=[closure], **changes)


def test_a_closed_clinic_needs_no_opening_hours():
    loc = location(opening_hours="", closed_until=REOPENS)
    node = closed_node(loc)
    del node["openingHoursSpecification"]
    page = landing(loc, landing_html(loc, graph=[node], images=CLOSED_NOTICE))
    assert check(page, "hours-missing") == []
    assert check(page, "local-business-recommended") == []
    assert check(page, "closure-mismatch") == []
    reopened = replace(loc, closed_until=TODAY)
    assert [f.field for f in check(landing(reopened, landing_html(reopened)), "hours-missing")] == [
        "opening_hours"
    ]


def test_a_closure_not_shown_on_the_page_or_in_the_json_ld_is_an_error():
    loc = location(closed_until=REOPENS)
    silent = check(landing(loc, landing_html(loc, graph=[closed_node(loc)])), "closure-mismatch")
    assert [(f.level, f.field) for f in silent] == [("error", "closed_until")]
    assert "does not say so" in silent[0].message
    wrong_end = landing(
        loc, landing_html(loc, graph=[closed_node(loc, "2026-11-29")], images=CLOSED_NOTICE)
    )
    assert "do not close it through 2026-11-30" in check(wrong_end, "closure-mismatch")[0].message


def test_an_open_clinic_shown_as_closed_is_an_error():
    loc = location(closed_until=date(2026, 11, 25))  # reopened today
    stale = landing(loc, landing_html(loc, images=CLOSED_NOTICE))
    assert "but it is open" in check(stale, "closure-mismatch")[0].message
    assert check(landing(loc), "closure-mismatch") == []


# --- links and sitemaps ----------------------------------------------------------------------


def test_broken_internal_link_is_found_and_external_links_are_not_checked():
    loc = location()
    links = ("/nowhere/", f"{SITE}/gone/", "https://example.org/x/", "mailto:a@b.c", "#top",
             "/static/site.css", "tel:+13145550101")  # fmt: skip
    page = landing(loc, landing_html(loc, links=links))
    home = replace(landing(location("home")), path="/", url=SITE + "/", kind="home")
    findings = audit.audit([home, page], today=TODAY)
    broken = [f for f in findings if f.rule == "broken-internal-link" and f.path == page.path]
    # /locations/ is not among these two pages, so it is broken too.
    assert [f.message.split()[3] for f in broken] == ["/gone/", "/locations/", "/nowhere/"]
    assert {(f.level, f.field) for f in broken} == {("error", "links")}


def test_link_without_trailing_slash_is_a_redirect_warning_not_broken():
    loc = location()
    page = landing(loc, landing_html(loc, links=(f"/{SERVICE}/florissant-mo",)))
    findings = [f for f in audit.audit([page], today=TODAY) if "florissant-mo " in f.message]
    assert rules_of(findings) == {"internal-link-redirect"}
    assert findings[0].level == "warning"


def test_page_no_other_page_links_to_is_an_orphan():
    a, b = location("a-mo"), location("b-mo")
    pa = landing(a, landing_html(a, links=(f"/{SERVICE}/b-mo/",)))
    pb = landing(b, landing_html(b))
    orphans = [f.path for f in audit.audit([pa, pb], today=TODAY) if f.rule == "orphan-page"]
    assert orphans == [pa.path]


def test_canonical_rules():
    loc = location()
    assert [f.rule for f in check(landing(html=landing_html(loc, canonical="")),
                                  "canonical-missing")] == ["canonical-missing"]  # fmt: skip
    other = landing(html=landing_html(loc, canonical=f"{SITE}/{SERVICE}/"))
    finding = check(other, "canonical-mismatch")[0]
    assert "the sitemap lists" in finding.message
    assert check(landing(), "canonical-mismatch") == []


def test_noindex_page_in_sitemap_is_an_error_and_indexable_page_outside_is_a_warning():
    hidden = landing(html=landing_html(location(), noindex=True))
    assert [f.level for f in check(hidden, "noindex-in-sitemap")] == ["error"]
    assert check(replace(hidden, in_sitemap=False), "noindex-in-sitemap") == []
    unlisted = replace(landing(), in_sitemap=False)
    assert [f.level for f in check(unlisted, "missing-from-sitemap")] == ["warning"]


# --- keyword and images -------------------------------------------------------------------


def test_keyword_stuffed_intro_is_found():
    loc = location()
    stuffed = (
        "Looking for neuropathic pain treatment near me in Florissant MO? Our neuropathic pain "
        "treatment Florissant clinic offers the best neuropathic pain treatment in Florissant."
    )
    page = landing(loc, landing_html(loc, intro=stuffed))
    assert [f.field for f in check(page, "keyword-stuffing")] == ["intro"]
    assert [f.field for f in check(page, "near-me-in-text")] == ["intro"]


def test_keyword_density_over_the_whole_text_is_found():
    loc = location()
    paragraphs = [f"Neuropathic pain treatment {w}." for w in WORDS[:10]]
    page = landing(loc, landing_html(loc, paragraphs=paragraphs))
    message = check(page, "keyword-stuffing")[0].message
    assert "% of the text (limit 3%)" in message


def test_natural_text_is_not_stuffed():
    for rule in ("keyword-stuffing", "near-me-in-text"):
        assert check(landing(), rule) == []


def test_near_me_in_title_is_found():
    page = landing(html=landing_html(location(), title="Nerve Pain Treatment Near Me | Gateway"))
    assert [f.field for f in check(page, "near-me-in-text")] == ["title"]


def test_image_without_alt_is_a_warning_and_decorative_image_is_fine():
    images = '<img src="/static/a.png"><img src="/static/b.png" alt="">'
    page = landing(html=landing_html(location(), images=images))
    findings = check(page, "image-alt-missing")
    assert [(f.level, f.message.split()[2]) for f in findings] == [("warning", "/static/a.png")]


# --- medical content -----------------------------------------------------------------------


def test_missing_reviewer_and_date_are_errors():
    page = replace(landing(), reviewed_by="", last_reviewed=None)
    assert {f.field for f in check(page, "medical-review-missing")} == {
        "reviewed_by",
        "last_reviewed",
    }


@pytest.mark.parametrize(
    ("reviewed", "expired"),
    [(date(2025, 11, 25), False), (date(2025, 11, 24), True), (date(2024, 1, 1), True)],
)
def test_review_older_than_twelve_months_is_expired(reviewed, expired):
    page = replace(landing(), last_reviewed=reviewed)
    assert bool(check(page, "medical-review-expired")) is expired


def test_missing_disclaimer_is_an_error():
    page = landing(html=landing_html(location(), disclaimer=""))
    assert [f.field for f in check(page, "disclaimer-missing")] == ["disclaimer"]
    assert check(landing(), "disclaimer-missing") == []


def test_non_medical_pages_need_no_review_or_disclaimer():
    page = replace(landing(), medical=False, reviewed_by="", last_reviewed=None, disclaimer="")
    for rule in ("medical-review-missing", "medical-review-expired", "disclaimer-missing"):
        assert check(page, rule) == []


# --- structured data --------------------------------------------------------------------------


def test_terms_outside_schema_org_are_found():
    loc = location()
    node = clinic_node(loc, doctor="Dr. A", servesCuisine="soup")
    node["@type"] = "MedicalClinic"
    node["openingHoursSpecification"][0]["dayOfWeek"] = ["Moonday"]
    graph = [node, {"@type": "PainClinicPage", "name": "x"}]
    findings = check(landing(loc, landing_html(loc, graph=graph)), "schema-vocabulary")
    messages = " | ".join(f.message for f in findings)
    assert "'doctor' on MedicalClinic is not a schema.org property" in messages
    assert "'servesCuisine' is not a property of MedicalClinic" in messages
    assert "'Moonday' is not a valid value of 'dayOfWeek'" in messages
    assert "@type 'PainClinicPage' is not a schema.org type" in messages
    assert len(findings) == 4


def test_valid_graph_has_no_vocabulary_findings():
    assert check(landing(), "schema-vocabulary") == []


def test_local_business_without_address_is_an_error_and_without_geo_a_warning():
    loc = location()
    node = clinic_node(loc)
    del node["address"], node["geo"]
    page = landing(loc, landing_html(loc, graph=[node]))
    assert [f.field for f in check(page, "local-business-required")] == ["street_address"]
    assert [f.field for f in check(page, "local-business-recommended")] == ["latitude"]


def test_unreadable_or_missing_json_ld_is_found():
    broken = landing(html=landing_html(location()).replace('"@graph"', "@graph"))
    assert len(check(broken, "jsonld-missing")) == 1
    empty = landing(html=re.sub(r"<script.*?</script>", "", landing_html(location()), flags=re.S))
    assert "no JSON-LD" in check(empty, "jsonld-missing")[0].message


# --- near-duplicates -------------------------------------------------------------------------


def test_pages_with_their_own_intros_are_not_near_duplicates():
    findings = audit.audit(site_of(6), today=TODAY)
    assert not {"near-duplicate-page", "near-duplicate-local-text"} & rules_of(findings)


def test_pages_without_intros_are_near_duplicates_even_with_city_names_filled_in():
    findings = [f for f in audit.audit(site_of(6, False), today=TODAY) if "near-dup" in f.rule]
    assert len(findings) == 6 and rules_of(findings) == {"near-duplicate-page"}
    assert all(f.level == "error" and f.field == "intro" for f in findings)
    assert "add at least 50 more words of local content" in findings[0].message


def test_message_says_how_many_words_to_add():
    pages = site_of(4)
    short = replace(pages[0].location, intro=intro_for(99, 20))
    pages[0] = landing(short)
    findings = [f for f in audit.audit(pages, today=TODAY) if f.rule == "near-duplicate-page"]
    assert [f.path for f in findings] == [pages[0].path]
    assert "Only 20 words of" in findings[0].message
    assert "add at least 30 more words" in findings[0].message


def test_intro_copied_with_only_the_city_changed_is_found():
    pages = site_of(6)
    copied = "Our {city} clinic " + intro_for(1)
    for n in (1, 2):
        loc = pages[n].location
        pages[n] = landing(replace(loc, intro=copied.format(city=loc.city)))
    findings = [f for f in audit.audit(pages, today=TODAY) if f.rule == "near-duplicate-local-text"]
    assert sorted(f.path for f in findings) == sorted([pages[1].path, pages[2].path])
    assert "100% the same as" in findings[0].message


def test_floor_and_ceiling_are_configurable():
    pages = site_of(4)
    strict = AuditConfig(min_local_words=200)
    findings = audit.audit(pages, strict, TODAY)
    assert sum(f.rule == "near-duplicate-page" for f in findings) == 4


def test_a_service_with_one_page_has_no_near_duplicates():
    assert audit.near_duplicates([audit.AuditText.of(site_of(1, False)[0])], AuditConfig()) == []


def test_local_word_count_skips_words_covered_by_boilerplate():
    block = audit.shingle_block("a b c d e f g h", 5)
    assert audit.local_word_count(block, {block.hashes[0]}, 5) == 3
    assert audit.local_word_count(block, set(block.hashes), 5) == 0
    assert audit.local_word_count(block, set(), 5) == 8


def test_near_duplicate_check_scales_without_comparing_every_pair():
    texts = [
        audit.AuditText(f"/s/{n}/", ("Shared heading", " ".join(ARTICLE), intro_for(n)), "X")
        for n in range(3000)
    ]
    started = time.perf_counter()
    findings = audit.near_duplicates(texts, AuditConfig())
    assert findings == []
    assert time.perf_counter() - started < 10


# --- the table and the output -------------------------------------------------------------


def test_rule_ids_are_unique_kebab_case_with_known_levels():
    ids = [rule.id for rule in audit.RULES]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)
    assert {rule.level for rule in audit.RULES} <= set(audit.LEVELS)


def test_every_finding_uses_a_rule_from_the_table():
    pages = site_of(3, False)
    pages.append(landing(html=landing_html(location(), title="", h1s=(), disclaimer="")))
    findings = audit.audit(pages, today=TODAY)
    assert findings and rules_of(findings) <= set(audit.RULES_BY_ID)
    assert all(f.level == audit.RULES_BY_ID[f.rule].level for f in findings)


def test_text_and_json_output():
    findings = [
        Finding("warning", "title-too-long", "/a/", "title", "Shorten it."),
        Finding("error", "phone-missing", "/b/", "phone", "Add it."),
    ]
    text = audit.format_text(sorted(findings, key=audit.sort_key), pages=2)
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["error", "phone-missing", "/b/", "[phone]"]
    assert lines[-1] == "1 error, 1 warning, 0 info on 2 pages"
    document = json.loads(audit.format_json(findings, pages=2))
    assert document["findings"][1] == {
        "code": "phone-missing",
        "level": "error",
        "rule": "phone-missing",
        "path": "/b/",
        "field": "phone",
        "message": "Add it.",
    }
    assert document["summary"] == {
        "findings": 2,
        "pages": 2,
        "error": 1,
        "warning": 1,
        "info": 0,
        "rules": {"phone-missing": 1, "title-too-long": 1},
    }


def test_audit_reads_pages_from_a_generator_once():
    seen = []

    def pages():
        for page in site_of(3):
            seen.append(page.path)
            yield page

    audit.audit(pages(), today=TODAY)
    assert len(seen) == 3


def test_shared_shingles_counts_pages_not_blocks():
    rng = random.Random(3)
    pool = [audit.shingle_block(intro_for(n, 8) + " " + intro_for(n + 1, 8), 5) for n in range(12)]
    pages = [list({id(b): b for b in rng.sample(pool, 5)}.values()) for _ in range(30)]
    naive: dict[int, int] = {}
    for blocks in pages:
        for value in frozenset().union(*(b.shingles for b in blocks)):
            naive[value] = naive.get(value, 0) + 1
    for floor in (2, 10, 15):
        expected = {value for value, count in naive.items() if count >= floor}
        assert audit.shared_shingles(pages, floor) == expected


def test_tokenizer_handles_comments_scripts_entities_and_stray_tags():
    html = audit.parse_html(
        "</p><!DOCTYPE html><HTML><head><TITLE>Tom &amp; Jerry&#39;s</TITLE>"
        '<meta name="description" content="a > b &quot;c&quot;">'
        "<script>if (a < b) { document.write('<h1>no</h1>') }</script></head>"
        "<body><!-- <h1>not this</h1> --><main><p>One<br>two &lt;three&gt;</p>"
        "<img src='x.png' alt><a href=/bare/>x</a></main></body></HTML>"
    )
    assert html.titles == ("Tom & Jerry's",)
    assert html.descriptions == ('a > b "c"',)
    assert html.h1s == ()
    assert html.blocks == ("One", "two <three>", "x")
    assert html.images_without_alt == ()
    assert html.links == ("/bare/",)
